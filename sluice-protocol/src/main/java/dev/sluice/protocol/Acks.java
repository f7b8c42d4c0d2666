package dev.sluice.protocol;

/**
 * What a PRODUCE waits for before the broker answers ({@code acks}, an {@code int8}).
 * Immutable and thread-safe.
 */
public enum Acks {
    /** 0: no answer; the client sends the request with flag {@code ONEWAY}. */
    NONE(0),
    /** 1: answered once the batch is written (in the page cache) on the leader. */
    LEADER(1),
    /** 2: answered once the batch is flushed (covered by a completed fsync). */
    DURABLE(2);

    private static final Acks[] BY_VALUE = values();

    private final byte value;

    Acks(int value) {
        this.value = (byte) value;
    }

    /** The number on the wire. */
    public byte value() {
        return value;
    }

    /**
     * The acks with this wire value.
     *
     * @throws ProtocolException with {@link ErrorCode#CORRUPT_FRAME} for an unknown value
     */
    public static Acks forValue(byte value) {
        if (value >= 0 && value < BY_VALUE.length) {
            return BY_VALUE[value];
        }
        throw ProtocolException.corruptFrame("acks %d is unknown: 0, 1 or 2", value);
    }
}
