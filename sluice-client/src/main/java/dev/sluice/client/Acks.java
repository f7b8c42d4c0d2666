package dev.sluice.client;

/** What the broker does before it acknowledges a produce request. */
public enum Acks {
    /** No acknowledgement: the request is sent {@code ONEWAY}; at-most-once, no retries. */
    NONE(0),
    /** Acknowledged once written to the broker's log (page cache): survives a process crash. */
    LEADER(1),
    /** Acknowledged once an fsync covers the write: survives a machine crash. */
    DURABLE(2);

    private final int wireValue;

    Acks(int wireValue) {
        this.wireValue = wireValue;
    }

    /** The {@code acks} field of a PRODUCE request. */
    public int wireValue() {
        return wireValue;
    }
}
