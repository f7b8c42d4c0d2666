package dev.sluice.broker;

/**
 * The outcome of one {@link QueueAck}. Immutable.
 *
 * @param queue the queue number
 * @param offset the offset
 * @param error null when applied; DELIVERY_EXPIRED when the offset is not currently acquired under
 *     that delivery count (its visibility timeout ran out, so it may be delivered again, or it was
 *     acknowledged already); UNKNOWN_QUEUE, INVALID_REQUEST (a field out of range), STORAGE_FULL,
 *     STORAGE_FAILED (the state or dead-letter append failed)
 * @param message null when applied, else names the rule and the value
 */
public record QueueAckResult(int queue, long offset, BrokerError error, String message) {
    /** An applied acknowledgement. */
    public static QueueAckResult ok(int queue, long offset) {
        return new QueueAckResult(queue, offset, null, null);
    }
}
