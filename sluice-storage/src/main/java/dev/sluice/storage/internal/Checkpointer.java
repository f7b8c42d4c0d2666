package dev.sluice.storage.internal;

import dev.sluice.storage.StorageConfig;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that writes recovery checkpoints the writer snapshots: it waits until the flusher has
 * fsynced the log up to the snapshot's position, forces the queue indexes appended to since the last
 * checkpoint, then replaces the checkpoint file. Forcing thousands of indexes takes seconds (one
 * msync each; measured 4.8 s for 10,000 queues here), so it runs apart from the flusher: a
 * checkpoint never delays an fsync that appenders wait for.
 *
 * <p>A newer snapshot replaces a pending older one (its dirty indexes are merged in). A failed
 * checkpoint is logged at WARN and leaves the previous one in place: recovery then scans more log.
 */
public final class Checkpointer implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(Checkpointer.class);
    /** How often to look at the flushed position while waiting for it. */
    private static final long FLUSH_POLL_NS = 1_000_000;

    /** A checkpoint to write once the log is flushed to its position, and the indexes to force first. */
    record Request(Checkpoint checkpoint, List<QueueIndex> dirtyQueues, List<KeyIndexFile> dirtyKeyFiles,
            CompletableFuture<Void> done) {}

    private final StorageConfig config;
    private final GroupCommitFlusher flusher;
    private final LogHealth health;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}: the next snapshot to write. */
    private Request pending;
    /** Guarded by {@link #lock}: indexes a failed checkpoint did not force, for the next one. */
    private final List<QueueIndex> carriedOver = new ArrayList<>();
    /** Guarded by {@link #lock}: key index files a failed checkpoint did not force. */
    private final List<KeyIndexFile> carriedOverKeyFiles = new ArrayList<>();
    private volatile boolean stopping;
    private volatile Thread thread;

    Checkpointer(StorageConfig config, GroupCommitFlusher flusher, LogHealth health) {
        this.config = config;
        this.flusher = flusher;
        this.health = health;
    }

    void start(Thread owner) {
        thread = owner;
        owner.start();
    }

    /** Hands over a snapshot. Any thread. */
    void request(Request request) {
        synchronized (lock) {
            Request replaced = pending;
            request.dirtyQueues().addAll(carriedOver);
            carriedOver.clear();
            request.dirtyKeyFiles().addAll(carriedOverKeyFiles);
            carriedOverKeyFiles.clear();
            if (replaced != null) {
                // Merged before publishing: the newer snapshot covers more, and must force what the
                // older one would have.
                request.dirtyQueues().addAll(replaced.dirtyQueues());
                request.dirtyKeyFiles().addAll(replaced.dirtyKeyFiles());
                request.done().whenComplete((ignored, error) -> {
                    if (error == null) {
                        replaced.done().complete(null);
                    } else {
                        replaced.done().completeExceptionally(error);
                    }
                });
            }
            pending = request;
        }
        LockSupport.unpark(thread);
    }

    private Request take() {
        synchronized (lock) {
            Request request = pending;
            pending = null;
            return request;
        }
    }

    private void carryOver(Request failed) {
        synchronized (lock) {
            if (pending != null) {
                pending.dirtyQueues().addAll(failed.dirtyQueues());
                pending.dirtyKeyFiles().addAll(failed.dirtyKeyFiles());
            } else {
                carriedOver.addAll(failed.dirtyQueues());
                carriedOverKeyFiles.addAll(failed.dirtyKeyFiles());
            }
        }
    }

    /** Writes the pending checkpoint, if any, and ends the thread. */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        while (true) {
            boolean stop = stopping;
            Request request = take();
            if (request != null) {
                write(request);
            } else if (stop) {
                return;
            } else {
                LockSupport.park(this);
            }
        }
    }

    private void write(Request request) {
        long position = request.checkpoint().logPosition();
        flusher.requestFlush();
        while (flusher.flushedPosition() < position && !health.failed() && !flusher.stopped()) {
            LockSupport.parkNanos(this, FLUSH_POLL_NS);
        }
        if (health.failed()) {
            request.done().completeExceptionally(health.failedException());
            return;
        }
        if (flusher.flushedPosition() < position) {
            request.done().completeExceptionally(new IOException("store closing before the log was flushed"));
            return;
        }
        try {
            long startNs = System.nanoTime();
            for (QueueIndex queue : request.dirtyQueues()) {
                queue.force();
            }
            for (KeyIndexFile file : request.dirtyKeyFiles()) {
                file.force();
            }
            request.checkpoint().write(config.directory());
            LOGGER.debug("checkpoint logPosition={} queueCount={} forcedQueueCount={} durationMs={}", position,
                    request.checkpoint().nextOffsets().size(), request.dirtyQueues().size(),
                    (System.nanoTime() - startNs) / 1_000_000);
            request.done().complete(null);
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("checkpoint at logPosition={} not written, recovery will scan from the previous one: {}",
                    position, e.toString());
            carryOver(request);
            request.done().completeExceptionally(e);
        }
    }
}
