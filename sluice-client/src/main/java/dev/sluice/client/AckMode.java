package dev.sluice.client;

/** When a consumer commits the positions of the messages it received. */
public enum AckMode {
    /**
     * Commit before {@code poll} returns the messages (or before the listener sees them):
     * a message is never delivered twice but may be lost if the application crashes while it
     * processes it. At-most-once.
     */
    BEFORE_PROCESSING,
    /**
     * Commit what the previous {@code poll} returned at the next {@code poll} (or when the
     * listener has finished messages), on a rebalance and at {@code close}: a message is
     * never lost but may be delivered again after a crash. At-least-once. The default.
     */
    AFTER_PROCESSING,
    /** Commit only when the application calls {@code commitSync}, {@code commitAsync} or {@code commit}. */
    MANUAL
}
