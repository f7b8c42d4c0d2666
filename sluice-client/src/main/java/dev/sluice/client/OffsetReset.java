package dev.sluice.client;

/**
 * Where to start reading a queue that the group has no committed offset for, or where an
 * admin reset moves a group: the earliest offset still stored, the end (only new messages), or
 * the first message whose timestamp is at or after a time.
 *
 * <p>Immutable and thread-safe.
 */
public final class OffsetReset {
    /** The LIST_OFFSETS timestamp that asks for the start offset. */
    private static final long EARLIEST_WIRE = -2L;
    /** The LIST_OFFSETS timestamp that asks for the end offset. */
    private static final long LATEST_WIRE = -1L;

    /** The queue's start offset: every message still stored. */
    public static final OffsetReset EARLIEST = new OffsetReset(EARLIEST_WIRE);
    /** The queue's end offset: only messages sent from now on. */
    public static final OffsetReset LATEST = new OffsetReset(LATEST_WIRE);

    private final long wireTimestamp;

    private OffsetReset(long wireTimestamp) {
        this.wireTimestamp = wireTimestamp;
    }

    /**
     * The first message whose timestamp is at or after {@code timestampMs} (the end offset if
     * there is none).
     *
     * @throws IllegalArgumentException if {@code timestampMs} is negative
     */
    public static OffsetReset toTimestamp(long timestampMs) {
        if (timestampMs < 0) {
            throw new IllegalArgumentException("timestampMs " + timestampMs + " is negative");
        }
        return new OffsetReset(timestampMs);
    }

    /** The {@code timestampMs} of a LIST_OFFSETS entry: -2 earliest, -1 latest, else the time. */
    public long wireTimestamp() {
        return wireTimestamp;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OffsetReset reset && reset.wireTimestamp == wireTimestamp;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(wireTimestamp);
    }

    @Override
    public String toString() {
        if (wireTimestamp == EARLIEST_WIRE) {
            return "EARLIEST";
        }
        return wireTimestamp == LATEST_WIRE ? "LATEST" : "TIMESTAMP(" + wireTimestamp + ")";
    }
}
