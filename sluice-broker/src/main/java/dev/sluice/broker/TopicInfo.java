package dev.sluice.broker;

/**
 * A topic as the broker knows it. Immutable.
 *
 * @param name the topic's name
 * @param queueCount its queues are numbered 0 to {@code queueCount - 1}
 * @param retentionMs -1: the broker's storage retention
 * @param flushPolicy the topic's flush policy
 * @param createdAtMs the broker clock when the topic was created
 * @param messageIdWindowMs -1: the broker's window; 0: off; else the topic's own, in milliseconds
 */
public record TopicInfo(String name, int queueCount, long retentionMs, TopicFlushPolicy flushPolicy, long createdAtMs,
        long messageIdWindowMs) {
    /** A topic with the broker's message-id window. */
    public TopicInfo(String name, int queueCount, long retentionMs, TopicFlushPolicy flushPolicy, long createdAtMs) {
        this(name, queueCount, retentionMs, flushPolicy, createdAtMs, TopicSpec.MESSAGE_ID_WINDOW_BROKER_DEFAULT);
    }
}
