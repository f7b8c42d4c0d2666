package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.SluiceException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupMembershipTest {
    private final GroupMembership membership = new GroupMembership();

    @Test
    void queuesTakenAreReportedAsHeldBeforeTheirStartOffsetsAreKnown() {
        membership.onHeartbeat("m", 1, 1_000, List.of(0, 1, 2, 3));

        GroupMembership.Changes changes = membership.takeChanges();

        // A heartbeat sent while the owner looks up start offsets must already claim them, or the
        // broker could give them to another member meanwhile.
        assertThat(changes.added()).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(membership.owned()).containsExactly(0, 1, 2, 3);
        assertThat(membership.takeChanges().isEmpty()).isTrue();
    }

    @Test
    void joinsWithAnEmptyMemberIdAndTakesTheAssignedQueues() {
        assertThat(membership.memberId()).isEmpty();
        assertThat(membership.isJoined()).isFalse();

        membership.onHeartbeat("m-1", 1, 500, List.of(0, 1, 2));
        assertThat(membership.changedFuture()).isDone();
        GroupMembership.Changes changes = membership.takeChanges();
        assertThat(changes.added()).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(changes.revoked()).isEmpty();

        membership.added(changes.added());
        assertThat(membership.owned()).containsExactly(0, 1, 2);
        assertThat(membership.takeChanges().isEmpty()).isTrue();
        assertThat(membership.changedFuture()).isNotDone();
        assertThat(membership.heartbeatIntervalMs(3_000)).isEqualTo(500);
    }

    @Test
    void revokedQueuesAreDroppedBeforeNewOnesAreTakenAndTheDropAsksForAHeartbeatAtOnce() throws Exception {
        membership.onHeartbeat("m-1", 1, 500, List.of(0, 1, 2, 3));
        membership.added(membership.takeChanges().added());

        membership.onHeartbeat("m-1", 2, 500, List.of(0, 1, 4));
        GroupMembership.Changes changes = membership.takeChanges();
        assertThat(changes.revoked()).containsExactlyInAnyOrder(2, 3);
        assertThat(changes.added()).as("new queues wait until the revoked ones are gone").isEmpty();
        assertThat(changes.lost()).isFalse();
        assertThat(membership.owned()).as("still reported until dropped").contains(2, 3);

        membership.dropped(changes.revoked());
        assertThat(membership.awaitHeartbeatDue(0)).isTrue();
        assertThat(membership.owned()).containsExactly(0, 1);
        assertThat(membership.takeChanges().added()).containsExactly(4);
    }

    @Test
    void unknownMemberLosesEveryQueueWithoutCommitAndJoinsAgain() throws Exception {
        membership.onHeartbeat("m-1", 1, 500, List.of(0, 1));
        membership.added(membership.takeChanges().added());

        membership.onUnknownMember();
        assertThat(membership.memberId()).isEmpty();
        assertThat(membership.isJoined()).isFalse();
        GroupMembership.Changes changes = membership.takeChanges();
        assertThat(changes.lost()).isTrue();
        assertThat(changes.revoked()).containsExactlyInAnyOrder(0, 1);

        membership.dropped(changes.revoked());
        assertThat(membership.takeChanges().isEmpty()).isTrue();
        assertThat(membership.awaitHeartbeatDue(0)).isTrue();

        membership.onHeartbeat("m-2", 3, 500, List.of(1));
        assertThat(membership.takeChanges().added()).containsExactly(1);
    }

    @Test
    void aFatalHeartbeatErrorReachesTheOwner() {
        membership.onFatal(new SluiceException("bound to another topic", false));
        assertThat(membership.changedFuture()).isDone();
        assertThatThrownBy(membership::checkFatal).hasMessageContaining("another topic");
    }

    @Test
    void heartbeatWaitEndsAfterItsTimeoutWhenNothingAsks() throws Exception {
        assertThat(membership.awaitHeartbeatDue(5)).isFalse();
        membership.wakeHeartbeat();
        assertThat(membership.awaitHeartbeatDue(10_000)).isTrue();
        assertThat(membership.takeChanges().revoked()).isEqualTo(Set.of());
    }
}
