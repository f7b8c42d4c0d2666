package dev.sluice.client.internal;

import java.util.ConcurrentModificationException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets one thread at a time into a consumer's methods, as Kafka's consumer does: a second thread
 * fails fast with a {@link ConcurrentModificationException} naming the thread inside. Re-entrant
 * for the thread inside. Thread-safe.
 */
final class SingleThreadAccess {
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    private final String what;

    /** @param what the object guarded, for the error ("the consumer") */
    SingleThreadAccess(String what) {
        this.what = what;
    }

    /** Enters, or fails if another thread is inside. */
    void acquire() {
        Thread current = Thread.currentThread();
        Thread inside = owner.compareAndExchange(null, current);
        if (inside != null && inside != current) {
            throw new ConcurrentModificationException(what + " is in use by " + inside.getName()
                    + "; one thread at a time");
        }
    }

    /** Leaves. */
    void release() {
        owner.set(null);
    }
}
