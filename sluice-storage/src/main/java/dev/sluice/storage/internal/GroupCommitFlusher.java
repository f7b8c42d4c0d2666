package dev.sluice.storage.internal;

import dev.sluice.storage.FlushPolicy;
import dev.sluice.storage.StorageConfig;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that fsyncs the commit log. Under SYNC flush it fsyncs whenever the writer has
 * written past the flushed position; under ASYNC every {@code flushIntervalMs}, or at once when an
 * append asked for {@link dev.sluice.storage.Durability#FLUSHED}. Each fsync covers everything
 * written before it began, so every append waiting shares it (group commit) while the writer keeps
 * writing. After an fsync it publishes the covered records (SYNC) and completes the waiting futures
 * in log order. It also writes checkpoints the writer snapshots.
 *
 * <p>Durability state, in this order: {@code flushedPosition <= writtenPosition}. An fsync error
 * fails the log (sticky); it is never retried.
 */
public final class GroupCommitFlusher implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(GroupCommitFlusher.class);

    /** A checkpoint to write once the log is flushed to its position, and the indexes to force first. */
    record CheckpointRequest(Checkpoint checkpoint, List<QueueIndex> dirtyQueues, CompletableFuture<Void> done) {}

    private final StorageConfig config;
    private final CommitLogFiles files;
    private final LogHealth health;
    private final ConcurrentLinkedQueue<FlushWaiter> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicReference<CheckpointRequest> checkpoint = new AtomicReference<>();
    private volatile long writtenPosition;
    private volatile long flushedPosition;
    private volatile boolean stopping;
    private volatile Thread thread;
    private long fsyncCount;

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

    void requestCheckpoint(CheckpointRequest request) {
        CheckpointRequest replaced = checkpoint.getAndSet(request);
        if (replaced != null) {
            // The newer snapshot covers more; the older one's dirty indexes still need forcing.
            request.dirtyQueues().addAll(replaced.dirtyQueues());
            replaced.done().complete(null);
        }
        wake();
    }

    /** Flushes everything written, writes the pending checkpoint, and ends the thread. */
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
                long written = writtenPosition;
                long nowNs = System.nanoTime();
                boolean due = written > flushedPosition && (stop || config.flushPolicy() == FlushPolicy.SYNC
                        || !waiters.isEmpty() || nowNs - nextIntervalFlushNs >= 0);
                if (due) {
                    flush(written);
                    nextIntervalFlushNs = nowNs + intervalNs;
                } else if (nowNs - nextIntervalFlushNs >= 0) {
                    nextIntervalFlushNs = nowNs + intervalNs;
                }
                completeWaiters();
                CheckpointRequest request = checkpoint.getAndSet(null);
                if (request != null) {
                    writeCheckpoint(request);
                }
                if (stop && writtenPosition == flushedPosition && checkpoint.get() == null) {
                    completeWaiters();
                    return;
                }
                if (!due && request == null) {
                    LockSupport.parkNanos(this, Math.max(1, nextIntervalFlushNs - System.nanoTime()));
                }
            }
        } catch (Throwable t) {
            health.fail("flusher stopped", t);
            failWaiters();
        }
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

    private void writeCheckpoint(CheckpointRequest request) {
        long position = request.checkpoint().logPosition();
        if (!health.failed() && flushedPosition < position) {
            flush(writtenPosition);
            completeWaiters();
        }
        if (health.failed()) {
            request.done().completeExceptionally(health.failedException());
            return;
        }
        try {
            for (QueueIndex queue : request.dirtyQueues()) {
                queue.force();
            }
            request.checkpoint().write(config.directory());
            LOGGER.debug("checkpoint logPosition={} queueCount={}", position, request.checkpoint().nextOffsets().size());
            request.done().complete(null);
        } catch (IOException | RuntimeException e) {
            // The log itself is fine; recovery will scan from the previous checkpoint.
            LOGGER.warn("checkpoint at logPosition={} not written: {}", position, e.toString());
            request.done().completeExceptionally(e);
        }
    }
}
