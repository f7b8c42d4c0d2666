package dev.sluice.storage.internal;

import dev.sluice.storage.FlushPolicy;
import dev.sluice.storage.StorageConfig;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that fsyncs the commit log. Under SYNC flush it fsyncs whenever the writer has
 * written past the flushed position; under ASYNC every {@code flushIntervalMs}, or at once when an
 * append asked for {@link dev.sluice.storage.Durability#FLUSHED}. Each fsync covers everything
 * written before it began, so every append waiting shares it (group commit) while the writer keeps
 * writing. After an fsync it publishes the covered records (SYNC) and completes the waiting futures
 * in log order. Checkpoints are the {@link Checkpointer}'s: they never hold up an fsync.
 *
 * <p>Durability state, in this order: {@code flushedPosition <= writtenPosition}. An fsync error
 * fails the log (sticky); it is never retried.
 */
public final class GroupCommitFlusher implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(GroupCommitFlusher.class);

    private final StorageConfig config;
    private final CommitLogFiles files;
    private final LogHealth health;
    private final ConcurrentLinkedQueue<FlushWaiter> waiters = new ConcurrentLinkedQueue<>();
    private volatile boolean flushRequested;
    private volatile long writtenPosition;
    private volatile long flushedPosition;
    private volatile boolean stopping;
    private volatile boolean stopped;
    private volatile Thread thread;
    /** Written by the flusher only; volatile because readers (metrics, benchmarks) are other threads. */
    private volatile long fsyncCount;

    GroupCommitFlusher(StorageConfig config, CommitLogFiles files, LogHealth health, long position) {
        this.config = config;
        this.files = files;
        this.health = health;
        this.writtenPosition = position;
        this.flushedPosition = position;
    }

    void start(Thread owner) {
        this.thread = owner;
        owner.start();
    }

    public long flushedPosition() {
        return flushedPosition;
    }

    public long writtenPosition() {
        return writtenPosition;
    }

    public long fsyncCount() {
        return fsyncCount;
    }

    /** Queues work for when an fsync covers the waiter's position. Writer thread only, in log order. */
    void enqueue(FlushWaiter waiter) {
        waiters.add(waiter);
    }

    /** The writer has written everything below {@code position}. Writer thread only. */
    void onWritten(long position, boolean wake) {
        writtenPosition = position;
        if (wake) {
            wake();
        }
    }

    /** Asks for an fsync of everything written now, whatever the policy. Any thread. */
    void requestFlush() {
        flushRequested = true;
        wake();
    }

    /** Flushes everything written and ends the thread. */
    void stop() {
        stopping = true;
        wake();
    }

    private void wake() {
        Thread owner = thread;
        if (owner != null) {
            LockSupport.unpark(owner);
        }
    }

    @Override
    public void run() {
        long intervalNs = TimeUnit.MILLISECONDS.toNanos(config.flushIntervalMs());
        long nextIntervalFlushNs = System.nanoTime() + intervalNs;
        try {
            while (true) {
                boolean stop = stopping;
                if (health.failed()) {
                    // FAILED: no fsync will ever be tried again; fail whoever waits, then idle.
                    failWaiters();
                    if (stop) {
                        return;
                    }
                    LockSupport.parkNanos(this, intervalNs);
                    continue;
                }
                long written = writtenPosition;
                long nowNs = System.nanoTime();
                boolean requested = flushRequested;
                boolean due = written > flushedPosition && (stop || requested
                        || config.flushPolicy() == FlushPolicy.SYNC || !waiters.isEmpty()
                        || nowNs - nextIntervalFlushNs >= 0);
                if (requested) {
                    flushRequested = false;
                }
                if (due) {
                    flush(written);
                    nextIntervalFlushNs = nowNs + intervalNs;
                } else if (nowNs - nextIntervalFlushNs >= 0) {
                    nextIntervalFlushNs = nowNs + intervalNs;
                }
                completeWaiters();
                if (stop && writtenPosition == flushedPosition) {
                    completeWaiters();
                    return;
                }
                if (!due) {
                    LockSupport.parkNanos(this, Math.max(1, nextIntervalFlushNs - System.nanoTime()));
                }
            }
        } catch (Throwable t) {
            health.fail("flusher stopped", t);
            failWaiters();
        } finally {
            stopped = true;
        }
    }

    /** Whether the thread has ended: nothing will be flushed any more. */
    boolean stopped() {
        return stopped;
    }

    private void flush(long target) {
        if (health.failed()) {
            failWaiters();
            return;
        }
        try {
            files.forceRange(flushedPosition, target);
            fsyncCount++;
            Invariants.check(target <= writtenPosition, "flushed %d past written %d", target, writtenPosition);
            flushedPosition = target;
        } catch (IOException | RuntimeException e) {
            health.fail("fsync of the commit log up to position " + target + " failed", e);
        }
    }

    private void completeWaiters() {
        if (health.failed()) {
            failWaiters();
            return;
        }
        long flushed = flushedPosition;
        FlushWaiter waiter;
        while ((waiter = waiters.peek()) != null && waiter.endPosition() <= flushed) {
            waiters.poll();
            if (waiter.publish()) {
                waiter.queue().publish(waiter.endOffset());
            }
            if (waiter.future() != null) {
                waiter.future().complete(waiter.result());
            }
        }
    }

    private void failWaiters() {
        FlushWaiter waiter;
        while ((waiter = waiters.poll()) != null) {
            if (waiter.future() != null) {
                waiter.future().completeExceptionally(health.failedException());
            }
        }
    }
}
