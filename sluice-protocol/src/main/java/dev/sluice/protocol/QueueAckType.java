package dev.sluice.protocol;

/**
 * What a QUEUE_ACK entry does to one delivery ({@code type}, an {@code int8}).
 * Immutable and thread-safe.
 */
public enum QueueAckType {
    /** 0: processed; the message is done. */
    ACK(0),
    /**
     * 1: not processed; available again after {@code delayMs}, or dead-lettered if its delivery
     * count has reached the group's max attempts.
     */
    NACK(1),
    /** 2: never deliver again: dead-lettered now, with {@code reason}. */
    REJECT(2),
    /** 3: still working on it: the visibility deadline becomes now + {@code delayMs}. */
    RENEW(3);

    private static final QueueAckType[] BY_VALUE = values();

    private final byte value;

    QueueAckType(int value) {
        this.value = (byte) value;
    }

    /** The number on the wire. */
    public byte value() {
        return value;
    }

    /**
     * The type with this wire value.
     *
     * @throws ProtocolException with {@link ErrorCode#CORRUPT_FRAME} for an unknown value
     */
    public static QueueAckType forValue(byte value) {
        if (value >= 0 && value < BY_VALUE.length) {
            return BY_VALUE[value];
        }
        throw ProtocolException.corruptFrame("queue ack type %d is unknown: 0 ACK, 1 NACK, 2 REJECT or 3 RENEW", value);
    }
}
