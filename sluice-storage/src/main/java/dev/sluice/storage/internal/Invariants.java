package dev.sluice.storage.internal;

/** Always-on checks at module boundaries and on disk reads and writes. A broken invariant fails stop. */
public final class Invariants {
    private Invariants() {}

    /** @throws IllegalStateException with the formatted message when {@code condition} is false */
    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException(String.format(format, args));
        }
    }
}
