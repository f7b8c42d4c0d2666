package dev.sluice.client;

/**
 * Where a sent message was stored.
 *
 * @param topic the topic
 * @param queue the queue it went to; for a duplicate, the queue of the earlier message with its id
 * @param offset its offset in the queue, or {@link #UNKNOWN_OFFSET} when not acknowledged
 *     ({@link Acks#NONE}); for a duplicate, the earlier message's offset where the broker knows it
 * @param timestampMs the record's timestamp in epoch milliseconds
 * @param duplicate true when the topic's message-id window found an earlier message with this
 *     message's id: the broker acknowledged it without storing it again
 */
public record SendResult(String topic, int queue, long offset, long timestampMs, boolean duplicate) {
    /** The offset of a result of a send that the broker does not acknowledge. */
    public static final long UNKNOWN_OFFSET = -1L;

    /** A message stored (not a duplicate). */
    public SendResult(String topic, int queue, long offset, long timestampMs) {
        this(topic, queue, offset, timestampMs, false);
    }
}
