package dev.sluice.record;

/**
 * Record header keys that Sluice reserves for its optional message fields (design brief, section
 * 3): they travel as ordinary RecordBatch v2 headers, so the batch format stays standard and any
 * Kafka reader still sees them as headers. Every reserved key starts with {@value #PREFIX};
 * applications should not use that prefix for headers of their own.
 */
public final class ReservedHeaders {
    /** The prefix of every reserved header key. */
    public static final String PREFIX = "sluice.";

    /**
     * The producer-made message id (UTF-8, 1–255 bytes) that the broker's message-id window
     * de-duplicates on, per topic, and that an idempotent consumer records as processed.
     */
    public static final String MESSAGE_ID = "sluice.message-id";

    /** On a dead-lettered message: the topic it was consumed from. */
    public static final String DLQ_TOPIC = "sluice.dlq.topic";
    /** On a dead-lettered message: the queue it was consumed from (decimal). */
    public static final String DLQ_QUEUE = "sluice.dlq.queue";
    /** On a dead-lettered message: its offset in that queue (decimal). */
    public static final String DLQ_OFFSET = "sluice.dlq.offset";
    /** On a dead-lettered message: the queue-mode group that gave up on it. */
    public static final String DLQ_GROUP = "sluice.dlq.group";
    /** On a dead-lettered message: how many times it was delivered (decimal). */
    public static final String DLQ_DELIVERY_COUNT = "sluice.dlq.delivery-count";
    /** On a dead-lettered message: why ("max attempts", "rejected: ..."). */
    public static final String DLQ_REASON = "sluice.dlq.reason";

    private ReservedHeaders() {}
}
