package dev.sluice.protocol;

/**
 * The flush policy a CREATE_TOPIC asks for, and DESCRIBE_TOPIC reports ({@code flushPolicy}, an
 * {@code int8}). Named apart from the storage module's {@code FlushPolicy}, which has no
 * "broker default"; the server translates. Immutable and thread-safe.
 */
public enum TopicFlushPolicy {
    /** 0: the broker's default policy. */
    BROKER_DEFAULT(0),
    /** 1: periodic fsync; appends complete when written. */
    ASYNC(1),
    /** 2: every append to the topic waits for an fsync. */
    SYNC(2);

    private static final TopicFlushPolicy[] BY_VALUE = values();

    private final byte value;

    TopicFlushPolicy(int value) {
        this.value = (byte) value;
    }

    /** The number on the wire. */
    public byte value() {
        return value;
    }

    /**
     * The policy with this wire value.
     *
     * @throws ProtocolException with {@link ErrorCode#CORRUPT_FRAME} for an unknown value
     */
    public static TopicFlushPolicy forValue(byte value) {
        if (value >= 0 && value < BY_VALUE.length) {
            return BY_VALUE[value];
        }
        throw ProtocolException.corruptFrame("flushPolicy %d is unknown: 0, 1 or 2", value);
    }
}
