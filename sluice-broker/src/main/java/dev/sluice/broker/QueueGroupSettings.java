package dev.sluice.broker;

/**
 * A queue-mode group's settings, fixed when the group is created by its first receive; a later
 * receive with other settings fails with GROUP_MODE_MISMATCH. Immutable. Values are checked by the
 * broker (INVALID_REQUEST naming the field), not here.
 *
 * @param maxAttempts deliveries of a message before it is dead-lettered: 1..1000 (default 5)
 * @param deadLetterTopic null: {@code "<group>.dlq"} is used (and stored); "": no dead-letter topic,
 *     a message past its attempts is dropped (logged and counted); else a topic name (created with
 *     one queue when missing)
 * @param messageGroups FIFO per record key: at most one in-flight message per key, in offset order;
 *     a null key is a group of its own
 */
public record QueueGroupSettings(int maxAttempts, String deadLetterTopic, boolean messageGroups) {
    /** The default of {@link #maxAttempts}. */
    public static final int MAX_ATTEMPTS_DEFAULT = 5;
    /** The least {@link #maxAttempts}. */
    public static final int MAX_ATTEMPTS_MIN = 1;
    /** The most {@link #maxAttempts}. */
    public static final int MAX_ATTEMPTS_MAX = 1000;

    /** Five attempts, the default dead-letter topic {@code "<group>.dlq"}, no message groups. */
    public static QueueGroupSettings defaults() {
        return new QueueGroupSettings(MAX_ATTEMPTS_DEFAULT, null, false);
    }
}
