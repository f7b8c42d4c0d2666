package dev.sluice.client.internal;

/** Milliseconds from {@link System#nanoTime()}: for intervals, never for wall-clock times. */
public final class MonotonicClock {
    private static final long NANOS_PER_MILLI = 1_000_000;

    private MonotonicClock() {}

    /** Monotonic milliseconds since an arbitrary origin. */
    public static long nowMs() {
        return System.nanoTime() / NANOS_PER_MILLI;
    }
}
