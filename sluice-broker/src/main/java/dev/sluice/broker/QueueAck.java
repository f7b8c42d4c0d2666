package dev.sluice.broker;

/**
 * One acknowledgement of a delivery, identified by (queue, offset, deliveryCount). Immutable.
 * Values are checked by the broker (INVALID_REQUEST naming the field), not here.
 *
 * @param queue the queue number
 * @param offset the delivered offset
 * @param deliveryCount the delivery's count, as received
 * @param type what to do
 * @param delayMs NACK: the redelivery delay, 0..43,200,000; RENEW: the new visibility timeout from
 *     now, 1,000..43,200,000; ignored otherwise
 * @param reason null or at most 1,000 characters; kept in the dead-letter header
 *     {@code sluice.dlq.reason} of a REJECT
 */
public record QueueAck(int queue, long offset, int deliveryCount, QueueAckType type, long delayMs, String reason) {
    /** The longest {@link #reason}. */
    public static final int REASON_LENGTH_MAX = 1_000;

    /** An ACK of the delivery. */
    public static QueueAck ack(int queue, long offset, int deliveryCount) {
        return new QueueAck(queue, offset, deliveryCount, QueueAckType.ACK, 0, null);
    }

    /** A NACK of the delivery, available again after {@code delayMs}. */
    public static QueueAck nack(int queue, long offset, int deliveryCount, long delayMs) {
        return new QueueAck(queue, offset, deliveryCount, QueueAckType.NACK, delayMs, null);
    }

    /** A REJECT of the delivery: dead-lettered now. */
    public static QueueAck reject(int queue, long offset, int deliveryCount, String reason) {
        return new QueueAck(queue, offset, deliveryCount, QueueAckType.REJECT, 0, reason);
    }

    /** A RENEW of the delivery: acquired for {@code visibilityTimeoutMs} more from now. */
    public static QueueAck renew(int queue, long offset, int deliveryCount, long visibilityTimeoutMs) {
        return new QueueAck(queue, offset, deliveryCount, QueueAckType.RENEW, visibilityTimeoutMs, null);
    }
}
