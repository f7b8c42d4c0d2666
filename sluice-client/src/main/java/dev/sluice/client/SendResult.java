package dev.sluice.client;

/**
 * Where a sent message was stored.
 *
 * @param topic the topic
 * @param queue the queue it went to
 * @param offset its offset in the queue, or {@link #UNKNOWN_OFFSET} when not acknowledged
 *     ({@link Acks#NONE})
 * @param timestampMs the record's timestamp in epoch milliseconds
 */
public record SendResult(String topic, int queue, long offset, long timestampMs) {
    /** The offset of a result of a send that the broker does not acknowledge. */
    public static final long UNKNOWN_OFFSET = -1L;
}
