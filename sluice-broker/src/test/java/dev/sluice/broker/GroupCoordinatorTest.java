package dev.sluice.broker;

import static dev.sluice.broker.TopicsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testsupport.ThreadLeakCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ThreadLeakCheck.class)
class GroupCoordinatorTest {
    private static final int SESSION_MS = 10_000;

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(TestBrokers.START_MS);
    private Broker broker;
    private GroupCoordinator groups;
    /** What each simulated client owns now, by member id. */
    private final Map<String, Set<Integer>> owned = new LinkedHashMap<>();

    @BeforeEach
    void open() {
        broker = Broker.open(TestBrokers.config(directory).groupMembersMax(4).groupCountMax(2).build(), clock);
        broker.createTopic(TopicSpec.of("orders", 4));
        broker.createTopic(TopicSpec.of("payments", 2));
        groups = broker.groups();
    }

    @AfterEach
    void close() {
        broker.close();
    }

    private void reopen() {
        broker.close();
        broker = Broker.open(TestBrokers.config(directory).build(), clock);
        groups = broker.groups();
    }

    private HeartbeatResult join(String group) {
        HeartbeatResult result = groups.heartbeat(new HeartbeatRequest(group, "orders", "", "client", "host", SESSION_MS,
                Set.of()));
        owned.put(result.memberId(), new TreeSet<>(result.assignedQueues()));
        return result;
    }

    /** A heartbeat from an obedient client: reports what it owns, then owns exactly what it was given. */
    private HeartbeatResult heartbeat(String memberId) {
        HeartbeatResult result = groups.heartbeat(new HeartbeatRequest("g", "orders", memberId, "client", "host",
                SESSION_MS, owned.get(memberId)));
        owned.put(memberId, new TreeSet<>(result.assignedQueues()));
        return result;
    }

    /** Heartbeats every member until no ownership changes (bounded). */
    private void settle() {
        for (int round = 0; round < 10; round++) {
            Map<String, Set<Integer>> before = new HashMap<>(owned);
            for (String memberId : new ArrayList<>(owned.keySet())) {
                heartbeat(memberId);
            }
            if (before.equals(owned)) {
                return;
            }
        }
        throw new AssertionError("group did not settle in 10 rounds: " + owned);
    }

    @Test
    void firstMemberJoinsAndGetsEveryQueue() {
        HeartbeatResult joined = join("g");

        assertThat(joined.memberId()).startsWith("client-");
        assertThat(joined.generation()).isEqualTo(1);
        assertThat(joined.heartbeatIntervalMs()).isEqualTo(1_000);
        assertThat(joined.assignedQueues()).containsExactly(0, 1, 2, 3);
        HeartbeatResult shortSession = groups.heartbeat(new HeartbeatRequest("g", "orders", joined.memberId(), "c", "h",
                1_500, Set.of(0, 1, 2, 3)));
        assertThat(shortSession.heartbeatIntervalMs()).isEqualTo(500);
    }

    @Test
    void queuesSpreadEvenlyAndDisjointlyOverMembers() {
        for (int i = 0; i < 3; i++) {
            join("g");
        }
        settle();

        assertThat(owned.values()).extracting(Set::size).containsExactlyInAnyOrder(2, 1, 1);
        Set<Integer> all = new TreeSet<>();
        owned.values().forEach(all::addAll);
        assertThat(all).containsExactly(0, 1, 2, 3);
        assertThat(owned.values().stream().mapToInt(Set::size).sum()).isEqualTo(4);
    }

    @Test
    void newMemberGetsAQueueOnlyAfterTheOldOwnerDropsIt() {
        String first = join("g").memberId();
        HeartbeatResult second = join("g");
        assertThat(second.generation()).isEqualTo(2);
        assertThat(second.assignedQueues()).isEmpty();

        HeartbeatResult revoking = heartbeat(first);
        assertThat(revoking.assignedQueues()).hasSize(2);
        // The first member answered with all four still owned: nothing is free yet for the second.
        HeartbeatResult stillWaiting = groups.heartbeat(new HeartbeatRequest("g", "orders", second.memberId(), "c",
                "h", SESSION_MS, Set.of()));
        assertThat(stillWaiting.assignedQueues()).isEmpty();
        GroupDescription during = groups.describe("g");
        assertThat(during.queues()).extracting(GroupQueue::owner).containsOnly(first);

        heartbeat(first); // reports only its two: the other two are dropped
        HeartbeatResult granted = heartbeat(second.memberId());

        assertThat(granted.assignedQueues()).hasSize(2).doesNotContainAnyElementsOf(owned.get(first));
    }

    @Test
    void leavingMemberFreesItsQueuesAtOnce() {
        String first = join("g").memberId();
        String second = join("g").memberId();
        settle();
        int generation = heartbeat(first).generation();

        groups.leave("g", second);
        owned.remove(second);

        HeartbeatResult after = heartbeat(first);
        assertThat(after.generation()).isEqualTo(generation + 1);
        assertThat(after.assignedQueues()).containsExactly(0, 1, 2, 3);
        assertError(() -> groups.leave("g", second), BrokerError.UNKNOWN_MEMBER);
    }

    @Test
    void expiredMemberIsRemovedAndMustRejoin() {
        String first = join("g").memberId();
        String second = join("g").memberId();
        settle();

        clock.advance(SESSION_MS / 2);
        heartbeat(first);
        clock.advance(SESSION_MS / 2 + 1);
        broker.expireSessions(); // the timer thread may have expired it already, with the same clock
        assertThat(groups.describe("g").members()).extracting(GroupMember::memberId).containsExactly(first);

        assertError(() -> heartbeat(second), BrokerError.UNKNOWN_MEMBER, "join again");
        owned.remove(second);
        assertThat(heartbeat(first).assignedQueues()).containsExactly(0, 1, 2, 3);
        assertThat(groups.describe("g").members()).extracting(GroupMember::memberId).containsExactly(first);
    }

    @Test
    void timerExpiresSessionsWithTheBrokersClock() {
        join("g");
        clock.advance(SESSION_MS + 1);

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> groups.describe("g").members().isEmpty());
        assertThat(groups.list()).isEmpty();
    }

    @Test
    void memberMayCommitOnlyQueuesItHolds() {
        String first = join("g").memberId();
        String second = join("g").memberId();
        settle();
        int ownedByFirst = owned.get(first).iterator().next();
        int ownedBySecond = owned.get(second).iterator().next();

        Map<Integer, BrokerError> errors = groups.commit("g", first, "orders",
                Map.of(ownedByFirst, 5L, ownedBySecond, 7L, 9, 1L)).join();

        Map<Integer, BrokerError> expected = new HashMap<>();
        expected.put(ownedByFirst, null);
        expected.put(ownedBySecond, BrokerError.NOT_QUEUE_OWNER);
        expected.put(9, BrokerError.UNKNOWN_QUEUE);
        assertThat(errors).isEqualTo(expected);
        assertThat(groups.committed("g", "orders")).isEqualTo(Map.of(ownedByFirst, 5L));
        assertThat(groups.commit("g", "gone", "orders", Map.of(0, 1L)))
                .failsWithin(java.time.Duration.ofSeconds(5)).withThrowableThat()
                .havingCause().isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.UNKNOWN_MEMBER));
    }

    @Test
    void memberMayCommitARevokedQueueBeforeDroppingIt() {
        String first = join("g").memberId();
        heartbeat(first);
        join("g");
        HeartbeatResult revoking = heartbeat(first);
        Set<Integer> revoked = new TreeSet<>(Set.of(0, 1, 2, 3));
        revoked.removeAll(revoking.assignedQueues());
        int queue = revoked.iterator().next();

        assertThat(groups.commit("g", first, "orders", Map.of(queue, 3L)).join()).containsEntry(queue, null);
    }

    @Test
    void adminCommitNeedsAGroupWithoutMembers() {
        String member = join("g").memberId();
        ProduceTest.assertProduceFails(groups.commit("g", "", "orders", Map.of(0, 1L)), BrokerError.GROUP_NOT_EMPTY,
                "has 1");

        groups.leave("g", member);

        assertThat(groups.commit("g", "", "orders", Map.of(0, 1L, 1, 2L)).join()).containsOnlyKeys(0, 1)
                .containsValues((BrokerError) null);
        assertThat(groups.committed("g", "orders")).isEqualTo(Map.of(0, 1L, 1, 2L));
    }

    @Test
    void groupIsBoundToOneTopic() {
        join("g");
        assertError(() -> groups.heartbeat(new HeartbeatRequest("g", "payments", "", "c", "h", SESSION_MS, Set.of())),
                BrokerError.GROUP_TOPIC_MISMATCH, "bound to topic orders");
        groups.commit("idle", "", "payments", Map.of(0, 1L)).join();
        assertError(() -> groups.heartbeat(new HeartbeatRequest("idle", "orders", "", "c", "h", SESSION_MS, Set.of())),
                BrokerError.GROUP_TOPIC_MISMATCH);
        ProduceTest.assertProduceFails(groups.commit("idle", "", "orders", Map.of(0, 1L)),
                BrokerError.GROUP_TOPIC_MISMATCH);
    }

    @Test
    void badHeartbeatsAreRefused() {
        assertError(() -> groups.heartbeat(new HeartbeatRequest("g", "orders", "", "c", "h", 999, Set.of())),
                BrokerError.INVALID_REQUEST, "sessionTimeoutMs is 999");
        assertError(() -> groups.heartbeat(new HeartbeatRequest("g", "orders", "", "c", "h", 300_001, Set.of())),
                BrokerError.INVALID_REQUEST, "sessionTimeoutMs is 300,001");
        assertError(() -> groups.heartbeat(new HeartbeatRequest("g", "nowhere", "", "c", "h", SESSION_MS, Set.of())),
                BrokerError.UNKNOWN_TOPIC);
        assertError(() -> groups.heartbeat(new HeartbeatRequest("", "orders", "", "c", "h", SESSION_MS, Set.of())),
                BrokerError.INVALID_REQUEST);
        assertError(() -> groups.heartbeat(new HeartbeatRequest("g", "orders", "stranger", "c", "h", SESSION_MS,
                Set.of())), BrokerError.UNKNOWN_MEMBER);
        HeartbeatResult longest = groups.heartbeat(new HeartbeatRequest("g".repeat(249), "orders", "", "c", "h",
                300_000, Set.of()));
        assertThat(longest.assignedQueues()).hasSize(4);
        assertError(() -> groups.heartbeat(new HeartbeatRequest("g".repeat(250), "orders", "", "c", "h", SESSION_MS,
                Set.of())), BrokerError.INVALID_REQUEST, "length 250");
    }

    @Test
    void membersPerGroupMayBeGroupMembersMaxNotMore() {
        for (int i = 0; i < 4; i++) {
            join("g");
        }
        assertError(() -> join("g"), BrokerError.BROKER_BUSY, "groupMembersMax is 4");
    }

    @Test
    void groupsWithMembersMayBeGroupCountMaxNotMore() {
        join("a");
        join("b");
        assertError(() -> join("c"), BrokerError.BROKER_BUSY, "groupCountMax is 2");
    }

    @Test
    void committedOffsetsSurviveReopenAndMembershipDoesNot() {
        String member = join("g").memberId();
        groups.commit("g", member, "orders", Map.of(0, 10L, 3, 30L)).join();
        groups.commit("g", member, "orders", Map.of(0, 11L)).join();

        reopen();

        assertThat(groups.committed("g", "orders")).isEqualTo(Map.of(0, 11L, 3, 30L));
        assertThat(groups.list()).containsExactly(new GroupInfo("g", "orders", 0));
        assertError(() -> groups.heartbeat(new HeartbeatRequest("g", "orders", member, "c", "h", SESSION_MS, Set.of())),
                BrokerError.UNKNOWN_MEMBER);
    }

    @Test
    void describeShowsMembersOwnersCommittedOffsetsAndLag() {
        for (int i = 0; i < 5; i++) {
            broker.produce("orders", 0, TestBrokers.batch("r" + i), Acks.LEADER).join();
        }
        String member = join("g").memberId();
        groups.commit("g", member, "orders", Map.of(0, 2L)).join();

        GroupDescription description = groups.describe("g");

        assertThat(description.topic()).isEqualTo("orders");
        assertThat(description.generation()).isEqualTo(1);
        assertThat(description.members()).containsExactly(new GroupMember(member, "client", "host", List.of(0, 1, 2, 3)));
        assertThat(description.queues().get(0)).isEqualTo(new GroupQueue(0, member, 2, 5, 3));
        assertThat(description.queues().get(1)).isEqualTo(new GroupQueue(1, member, -1, 0, 0));
        assertThat(groups.describe("unknown")).isEqualTo(new GroupDescription("unknown", null, 0, List.of(), List.of()));
        assertThat(groups.list()).containsExactly(new GroupInfo("g", "orders", 1));
        assertThat(broker.health().groupCount()).isEqualTo(1);
    }

    @Test
    void deletingATopicDropsItsGroupsAndOffsetsForGood() {
        groups.commit("g", "", "orders", Map.of(0, 4L)).join();
        broker.deleteTopic("orders");
        assertThat(groups.committed("g", "orders")).isEmpty();
        assertThat(groups.list()).isEmpty();

        broker.createTopic(TopicSpec.of("orders", 4));
        reopen();

        assertThat(groups.committed("g", "orders")).isEmpty();
    }

    @Test
    void negativeOffsetIsAnInvalidRequestForThatQueue() {
        assertThat(groups.commit("g", "", "orders", Map.of(0, -1L, 1, 0L)).join())
                .containsEntry(0, BrokerError.INVALID_REQUEST).containsEntry(1, null);
    }
}
