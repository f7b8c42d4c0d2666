package dev.sluice.broker;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock tests move by hand. Thread-safe. */
final class ManualClock implements LongSupplier {
    private final AtomicLong nowMs;

    ManualClock(long startMs) {
        nowMs = new AtomicLong(startMs);
    }

    @Override
    public long getAsLong() {
        return nowMs.get();
    }

    void advance(long ms) {
        nowMs.addAndGet(ms);
    }
}
