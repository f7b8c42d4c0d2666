package dev.sluice.broker;

import java.util.Objects;

/**
 * What {@link Broker#createTopic} is asked to create. Immutable. Values are checked against the
 * broker's limits when the topic is created, not here, so the error can name the limit.
 *
 * @param name 1–249 characters of {@code [A-Za-z0-9._-]}, not starting with {@code "__"}
 * @param queueCount 1 to the broker's {@code queueCountMax}
 * @param retentionMs -1 for the broker's storage retention, else positive and at most it; shorter
 *     than the broker's is enforced logically (the queues' start offsets move up)
 * @param flushPolicy {@link TopicFlushPolicy#DEFAULT} unless the topic needs its own
 * @param messageIdWindowMs how long a message id is remembered: {@link #MESSAGE_ID_WINDOW_BROKER_DEFAULT}
 *     (-1) for the broker's {@code messageIdWindowMs}, 0 for off, else milliseconds
 */
public record TopicSpec(String name, int queueCount, long retentionMs, TopicFlushPolicy flushPolicy,
        long messageIdWindowMs) {
    /** {@code messageIdWindowMs} meaning "the broker's window". */
    public static final long MESSAGE_ID_WINDOW_BROKER_DEFAULT = -1;

    public TopicSpec {
        Objects.requireNonNull(flushPolicy, "flushPolicy");
    }

    /** A topic with the broker's message-id window. */
    public TopicSpec(String name, int queueCount, long retentionMs, TopicFlushPolicy flushPolicy) {
        this(name, queueCount, retentionMs, flushPolicy, MESSAGE_ID_WINDOW_BROKER_DEFAULT);
    }

    /** A topic with the broker's retention and flush policy. */
    public static TopicSpec of(String name, int queueCount) {
        return new TopicSpec(name, queueCount, -1, TopicFlushPolicy.DEFAULT, MESSAGE_ID_WINDOW_BROKER_DEFAULT);
    }
}
