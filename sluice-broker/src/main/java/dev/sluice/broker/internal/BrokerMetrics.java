package dev.sluice.broker.internal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** The broker's data-path counters, bumped from any thread. Thread-safe. */
public final class BrokerMetrics {
    private final LongAdder recordsIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final AtomicReference<String> storageFailure = new AtomicReference<>();

    public void onAppended(long recordCount, int bytes) {
        recordsIn.add(recordCount);
        bytesIn.add(bytes);
    }

    public void onRead(long bytes) {
        bytesOut.add(bytes);
    }

    /** Remembers the first storage failure, for health. */
    public void onStorageFailed(String message) {
        storageFailure.compareAndSet(null, message);
    }

    public long recordsIn() {
        return recordsIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** The first storage failure's message, or null. */
    public String storageFailure() {
        return storageFailure.get();
    }
}
