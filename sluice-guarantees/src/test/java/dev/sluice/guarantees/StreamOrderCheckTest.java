package dev.sluice.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ordering rule of {@link StreamOrderCheck} on hand-made histories: one queue holding key
 * {@code k} at offsets 0..5 (sequence = offset), members printing lines as {@link ChildConsumer}
 * does, time = the order of the lines.
 */
class StreamOrderCheckTest {
    private long clock;

    @Test
    void acceptsAHandoverAtTheCommittedOffset() {
        StreamOrderCheck check = newCheck();
        deliver(check, "a", 0, 1, 2);
        commit(check, "a", 3, true);
        deliver(check, "b", 3, 4, 5);

        assertThat(check.violations()).isEmpty();
        assertThat(check.redeliveryCount()).isZero();
    }

    @Test
    void acceptsARedeliveryOfTheSuffixAfterTheLastCommit() {
        StreamOrderCheck check = newCheck();
        deliver(check, "a", 0, 1, 2, 3);
        commit(check, "a", 2, true);
        deliver(check, "b", 2, 3, 4, 5); // a was killed after processing 2 and 3, uncommitted

        assertThat(check.violations()).isEmpty();
        assertThat(check.redeliveryCount()).isEqualTo(2);
        assertThat(check.redeliveringRunCount()).isEqualTo(1);
    }

    @Test
    void acceptsARunFromACommitSentButNotKnownToHaveLanded() {
        StreamOrderCheck check = newCheck();
        deliver(check, "a", 0, 1, 2, 3);
        commit(check, "a", 2, true);
        commit(check, "a", 4, false); // killed before the answer came
        deliver(check, "b", 4, 5);

        assertThat(check.violations()).isEmpty();
    }

    @Test
    void rejectsARedeliveryOfCommittedMessages() {
        StreamOrderCheck check = newCheck();
        deliver(check, "a", 0, 1, 2, 3);
        commit(check, "a", 3, true);
        deliver(check, "b", 2, 3, 4, 5);

        assertThat(check.violations()).anyMatch(v -> v.contains("outside the committed offset [3, 3]"));
    }

    @Test
    void rejectsAGap() {
        StreamOrderCheck check = newCheck();
        deliver(check, "a", 0, 1, 3, 4, 5);
        commit(check, "a", 6, true);

        assertThat(check.violations()).contains("queue 0: a delivered offset 3 after 1",
                "key k: sequence 3 first delivered (by a) before sequence 2", "key k: 2 of 6 messages delivered");
    }

    @Test
    void rejectsMessagesOutOfOrder() {
        StreamOrderCheck check = newCheck();
        deliver(check, "a", 0, 2, 1, 3, 4, 5);

        assertThat(check.violations()).contains("key k: a delivered sequence 2 after 0",
                "key k: sequence 2 first delivered (by a) before sequence 1");
    }

    @Test
    void rejectsTwoMembersConsumingAQueueAtOnce() {
        StreamOrderCheck check = newCheck();
        deliver(check, "a", 0, 1);
        commit(check, "a", 2, true);
        deliver(check, "b", 2);
        deliver(check, "a", 2, 3); // a still thinks it owns the queue
        deliver(check, "b", 3, 4, 5);

        assertThat(check.violations()).isNotEmpty();
    }

    @Test
    void rejectsAKeyStoredOutOfOrder() {
        StreamOrderCheck check = new StreamOrderCheck(Map.of("k", List.of(new StreamOrderCheck.Stored(0, 1),
                new StreamOrderCheck.Stored(0, 0))));

        assertThat(check.violations()).anyMatch(v -> v.startsWith("key k: sequence 1 stored at"));
    }

    private static StreamOrderCheck newCheck() {
        List<StreamOrderCheck.Stored> stored = new ArrayList<>();
        for (int offset = 0; offset < 6; offset++) {
            stored.add(new StreamOrderCheck.Stored(0, offset));
        }
        return new StreamOrderCheck(Map.of("k", stored));
    }

    private void deliver(StreamOrderCheck check, String member, int... offsets) {
        for (int offset : offsets) {
            check.onLine(member, "D " + ++clock + " 0 " + offset + " k " + offset);
        }
    }

    private void commit(StreamOrderCheck check, String member, long offset, boolean acknowledged) {
        check.onLine(member, "CS " + ++clock + " 0:" + offset);
        if (acknowledged) {
            check.onLine(member, "CD " + ++clock + " 0:" + offset);
        }
    }
}
