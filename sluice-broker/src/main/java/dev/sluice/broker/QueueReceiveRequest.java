package dev.sluice.broker;

/**
 * One long-poll receive of a queue-mode group. Immutable. Values are checked by the broker
 * (INVALID_REQUEST naming the field), not here.
 *
 * @param group the group name: 1–249 characters, no control characters
 * @param topic the topic; a group is bound to one topic
 * @param settings the group's settings (used when this receive creates the group, else compared);
 *     null means {@link QueueGroupSettings#defaults()}
 * @param maxMessages the most deliveries to answer with: 1..100,000
 * @param maxBytes the most bytes of batches to answer with, at least 1 (the first batch is
 *     returned even if larger)
 * @param visibilityTimeoutMs how long the deliveries stay acquired: 1,000..43,200,000 (12 h)
 * @param maxWaitMs how long to park while nothing is available: 0..30,000
 */
public record QueueReceiveRequest(String group, String topic, QueueGroupSettings settings, int maxMessages,
        int maxBytes, long visibilityTimeoutMs, long maxWaitMs) {
    /** The most {@link #maxMessages}. */
    public static final int MAX_MESSAGES_MAX = 100_000;
    /** The shortest {@link #visibilityTimeoutMs}. */
    public static final long VISIBILITY_TIMEOUT_MS_MIN = 1_000;
    /** The longest {@link #visibilityTimeoutMs}, also the longest nack delay and renewal. */
    public static final long VISIBILITY_TIMEOUT_MS_MAX = 43_200_000;
    /** The longest {@link #maxWaitMs}. */
    public static final long MAX_WAIT_MS_MAX = 30_000;

    public QueueReceiveRequest {
        settings = settings == null ? QueueGroupSettings.defaults() : settings;
    }
}
