package dev.sluice.broker;

/** What a {@link QueueAck} does to its delivery. */
public enum QueueAckType {
    /** Processed: the message is done. */
    ACK,
    /**
     * Not processed: available again after {@code delayMs} (0..43,200,000); dead-lettered instead
     * when its delivery count has reached {@code maxAttempts}.
     */
    NACK,
    /** Never processable: dead-lettered now, with the reason in the {@code sluice.dlq.reason} header. */
    REJECT,
    /**
     * Still processing: the visibility deadline becomes now + {@code delayMs} (1,000..43,200,000);
     * the message stays acquired.
     */
    RENEW
}
