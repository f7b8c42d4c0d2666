package dev.sluice.bench.compare;

import java.util.List;

/**
 * What a consumer reads: every queue of the given topics, from the start of each queue or from its
 * current end. No consumer group and no offset commits: the harness measures the read path only.
 */
public record ConsumerSettings(List<String> topics, StartPosition start) {
    /** Where a new consumer starts in each queue. */
    public enum StartPosition {
        /** The first message still stored. */
        EARLIEST,
        /** The end of the queue when the consumer was made: it sees only messages sent after. */
        LATEST
    }

    public ConsumerSettings {
        topics = List.copyOf(topics);
        if (topics.isEmpty() || start == null) {
            throw new IllegalArgumentException("a consumer needs topics and a start position");
        }
    }
}
