package dev.sluice.client.internal;

import java.util.function.DoubleSupplier;

/**
 * Exponential back-off with jitter: before attempt {@code n + 1} (after {@code n} failures) wait
 * {@code min(maxMs, baseMs * 2^(n-1))}, scaled by a random factor in
 * {@code [1 - JITTER, 1 + JITTER)} so that clients that failed together do not retry together,
 * and never more than {@code maxMs}.
 *
 * <p>Immutable and thread-safe (provided the random source is).
 */
public final class RetryBackoff {
    /** The spread of the jitter around the nominal back-off: ±20 %. */
    public static final double JITTER = 0.2;
    /** Doublings after which the nominal back-off stops growing (avoids overflow). */
    private static final int DOUBLINGS_MAX = 30;

    private final long baseMs;
    private final long maxMs;
    private final DoubleSupplier random;

    /**
     * A back-off from {@code baseMs} up to {@code maxMs}, drawing jitter from {@code random}
     * (values in {@code [0, 1)}).
     */
    public RetryBackoff(long baseMs, long maxMs, DoubleSupplier random) {
        if (baseMs < 1 || maxMs < baseMs) {
            throw new IllegalArgumentException("back-off " + baseMs + " ms to " + maxMs + " ms must be 1 <= base <= max");
        }
        this.baseMs = baseMs;
        this.maxMs = maxMs;
        this.random = random;
    }

    /** A back-off drawing jitter from {@link java.util.concurrent.ThreadLocalRandom}. */
    public static RetryBackoff of(long baseMs, long maxMs) {
        return new RetryBackoff(baseMs, maxMs, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /**
     * How long to wait after {@code failures} failed attempts (at least 1).
     *
     * @throws IllegalArgumentException if {@code failures} is below 1
     */
    public long backoffMs(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures " + failures + " must be at least 1");
        }
        long nominal = Math.min(maxMs, baseMs << Math.min(failures - 1, DOUBLINGS_MAX));
        double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
        return Math.max(1, Math.min(maxMs, Math.round(nominal * factor)));
    }
}
