package dev.sluice.broker;

/**
 * A topic as the broker knows it. Immutable.
 *
 * @param name the topic's name
 * @param queueCount its queues are numbered 0 to {@code queueCount - 1}
 * @param retentionMs -1: the broker's storage retention
 * @param flushPolicy the topic's flush policy
 * @param createdAtMs the broker clock when the topic was created
 */
public record TopicInfo(String name, int queueCount, long retentionMs, TopicFlushPolicy flushPolicy, long createdAtMs) {}
