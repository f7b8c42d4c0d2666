package dev.sluice.client.internal;

import dev.sluice.client.BufferExhaustedException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The producer's budget of buffered bytes ({@code bufferBytesMax}): {@code send} reserves a
 * message's size before queueing it and waits, at most {@code maxBlockMs}, while the budget is
 * spent; the bytes return when the message's batch completes (acknowledged or failed). Waiters
 * are served in arrival order (a fair lock) so that a big message is not starved by small ones.
 *
 * <p>Thread-safe.
 */
public final class BufferMemory {
    private final long capacityBytes;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition released = lock.newCondition();
    private long usedBytes;

    /** A budget of {@code capacityBytes}. */
    public BufferMemory(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /**
     * Reserves {@code bytes}, waiting up to {@code maxBlockMs} for them.
     *
     * @throws BufferExhaustedException if they did not become free in time
     * @throws IllegalArgumentException if {@code bytes} exceeds the whole budget
     * @throws InterruptedException if interrupted while waiting
     */
    public void reserve(long bytes, long maxBlockMs) throws InterruptedException {
        if (bytes > capacityBytes) {
            throw new IllegalArgumentException(
                    String.format("a message of %,d bytes exceeds bufferBytesMax %,d", bytes, capacityBytes));
        }
        long remainingNs = TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
        lock.lockInterruptibly();
        try {
            while (usedBytes + bytes > capacityBytes) {
                if (remainingNs <= 0) {
                    throw new BufferExhaustedException(String.format(
                            "no room for a message of %,d bytes within maxBlockMs %,d: %,d of bufferBytesMax %,d "
                                    + "bytes wait to be sent or acknowledged",
                            bytes, maxBlockMs, usedBytes, capacityBytes));
                }
                remainingNs = released.awaitNanos(remainingNs);
            }
            usedBytes += bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Returns {@code bytes} to the budget and wakes the waiters. */
    public void release(long bytes) {
        lock.lock();
        try {
            usedBytes -= bytes;
            if (usedBytes < 0) {
                throw new IllegalStateException("released " + bytes + " bytes more than were reserved");
            }
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes reserved now. */
    public long usedBytes() {
        lock.lock();
        try {
            return usedBytes;
        } finally {
            lock.unlock();
        }
    }
}
