package dev.sluice.storage;

import dev.sluice.storage.internal.QueueIndex;
import dev.sluice.storage.internal.StorageEngine;
import dev.sluice.record.InvalidBatchException;
import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.record.RecordKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Sluice's storage engine: one shared commit log for every queue of every topic, a memory-mapped
 * index per queue, group-commit flush, crash recovery and retention. Batches are Kafka RecordBatch
 * v2, stored as sent except for the base offset the engine assigns.
 *
 * <p>Append from any thread: batches are validated on the caller's thread and written by one
 * writer thread, in the order they reach it; {@link #append} blocks while {@code appendQueueDepth}
 * requests wait (back-pressure). The returned future completes on the writer thread (written) or
 * the flusher thread (flushed): attach only short callbacks, or use the {@code *Async} variants.
 * Read from any thread, without locks.
 *
 * <p>After a crash, {@link #open} recovers: it scans the log from the last checkpoint, verifies
 * CRCs, truncates a torn tail and rebuilds indexes; {@link #recoveryReport()} says what it did.
 * Under {@link FlushPolicy#SYNC} no acknowledged batch is ever lost, and reads only see flushed data.
 */
public final class LogStore implements AutoCloseable {
    private static final long[] NO_KEYS = new long[0];
    private final StorageConfig config;
    private final StorageEngine engine;
    private volatile boolean closed;

    private LogStore(StorageConfig config, StorageEngine engine) {
        this.config = config;
        this.engine = engine;
    }

    /**
     * Opens (creating if needed) the store in {@code config.directory()}, recovering it if the last
     * run did not close it.
     *
     * @throws StorageLockedException when another process has the directory open
     * @throws CorruptLogException when recovery finds damage it may not repair silently
     * @throws UncheckedIOException when the directory cannot be read or written
     */
    public static LogStore open(StorageConfig config) {
        return open(config, System::currentTimeMillis);
    }

    /** As {@link #open(StorageConfig)}, with the clock retention and append times use. */
    public static LogStore open(StorageConfig config, java.util.function.LongSupplier clockMs) {
        try {
            return new LogStore(config, StorageEngine.open(config, clockMs));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the store in " + config.directory() + ": " + e.getMessage(), e);
        }
    }

    public StorageConfig config() {
        return config;
    }

    public RecoveryReport recoveryReport() {
        return engine.recoveryReport();
    }

    /** Appends with {@link Durability#WRITTEN} (under SYNC flush, that waits for the fsync too). */
    public CompletableFuture<AppendResult> append(QueueId queue, ByteBuffer batch) {
        return append(queue, batch, Durability.WRITTEN);
    }

    /**
     * Appends one RecordBatch v2 (the bytes between the buffer's position and limit, which are not
     * changed) to {@code queue}, creating the queue on first use.
     *
     * @return a future completing with where the batch landed, or exceptionally with
     *     {@link InvalidBatchException} (nothing stored), {@link StorageFullException},
     *     {@link StorageFailedException} or {@link StorageClosedException}
     */
    public CompletableFuture<AppendResult> append(QueueId queue, ByteBuffer batch, Durability durability) {
        CheckedBatch checked;
        try {
            checked = check(queue, batch);
        } catch (InvalidBatchException e) {
            return CompletableFuture.failedFuture(e);
        }
        return append(checked, durability);
    }

    /**
     * Validates one RecordBatch v2 for {@code queue} (size against {@code batchBytesMax}, length,
     * magic, CRC32C, record count, framing) and computes what its append needs, on the caller's
     * thread; the bytes are not changed.
     *
     * @throws InvalidBatchException naming the rule, the value and the queue; nothing is stored
     */
    public CheckedBatch check(QueueId queue, ByteBuffer batch) {
        try {
            RecordBatchDescriptor.check(batch, batch.position(), batch.remaining(), config.batchBytesMax());
            long[] keyHashes = config.keyIndexEntriesPerSegment() > 0 ? RecordKeys.keyHashes(batch, batch.position()) : NO_KEYS;
            return new CheckedBatch(queue, batch.duplicate(), keyHashes);
        } catch (InvalidBatchException e) {
            throw new InvalidBatchException(e.reason(), e.getMessage() + " (queue " + queue + ")");
        }
    }

    /**
     * Appends a batch {@link #check} accepted to its queue, creating the queue on first use.
     *
     * @return as {@link #append(QueueId, ByteBuffer, Durability)}
     */
    public CompletableFuture<AppendResult> append(CheckedBatch batch, Durability durability) {
        CompletableFuture<AppendResult> future = new CompletableFuture<>();
        if (closed) {
            return CompletableFuture.failedFuture(new StorageClosedException("store " + config.directory() + " is closed"));
        }
        if (engine.health().failed()) {
            return CompletableFuture.failedFuture(engine.health().failedException());
        }
        if (engine.isWriterThread()) {
            return CompletableFuture.failedFuture(new IllegalStateException("append called on the writer thread "
                    + "(from a callback of an append's future) would wait on itself; chain with thenComposeAsync"));
        }
        try {
            engine.submit(batch.queue(), batch.batch(), batch.keyHashes(), durability, future);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.completeExceptionally(new StorageClosedException("interrupted while waiting for the writer"));
        }
        return future;
    }

    /**
     * Reads whole batches of {@code queue} starting with the one that holds {@code offset}, up to
     * {@code maxBytes} in total but always at least one batch when there is one. Every batch is
     * CRC-checked as it is read.
     *
     * @throws CorruptLogException when a batch on disk is damaged (it is never returned)
     */
    public ReadResult read(QueueId queue, long offset, int maxBytes) {
        QueueIndex index = engine.queue(queue);
        if (index == null) {
            return offset == 0 ? new ReadResult(ReadResult.Status.OK, List.of(), 0, 0, 0, 0)
                    : ReadResult.outOfRange(offset, 0, 0);
        }
        long end = index.visibleEndOffset();
        long start = index.startOffset();
        if (offset < start || offset > end) {
            return ReadResult.outOfRange(offset, start, end);
        }
        if (offset == end) {
            return new ReadResult(ReadResult.Status.OK, List.of(), offset, start, end, 0);
        }
        StorageEngine.ReadBatches batches = engine.read(index, offset, end, maxBytes);
        if (batches.batches().isEmpty()) {
            // Retention deleted the segment between the offset check and the read.
            return ReadResult.outOfRange(offset, index.startOffset(), end);
        }
        return new ReadResult(ReadResult.Status.OK, batches.batches(), batches.nextOffset(), start, end, batches.bytes());
    }

    /**
     * The first readable offset of {@code queue} whose record has a timestamp at or after
     * {@code timestampMs}, or -1 when none has. For a compressed batch the answer is the batch's
     * first offset.
     */
    public long offsetForTimestamp(QueueId queue, long timestampMs) {
        QueueIndex index = engine.queue(queue);
        if (index == null) {
            return -1;
        }
        long found = engine.offsetForTimestamp(index, timestampMs, index.visibleEndOffset());
        return found < 0 ? -1 : Math.max(found, index.startOffset());
    }

    /**
     * Offsets of {@code queue}'s readable records whose key equals {@code key}, newest first, at most
     * {@code maxResults}. Served by the key index (hash candidates checked against the records
     * themselves); keys in snappy, lz4 or zstd batches, or past a full key-index file, are not found.
     * Empty when the key index is off.
     */
    public List<Long> offsetsForKey(QueueId queue, byte[] key, int maxResults) {
        QueueIndex index = engine.queue(queue);
        if (index == null || maxResults <= 0) {
            return List.of();
        }
        return engine.offsetsForKey(index, ByteBuffer.wrap(key), maxResults);
    }

    /** The queue's first readable offset (0 for an unknown queue). */
    public long startOffset(QueueId queue) {
        QueueIndex index = engine.queue(queue);
        return index == null ? 0 : index.startOffset();
    }

    /** The offset the queue's next record gets, among visible records (0 for an unknown queue). */
    public long endOffset(QueueId queue) {
        QueueIndex index = engine.queue(queue);
        return index == null ? 0 : index.visibleEndOffset();
    }

    /** Every queue with an index. */
    public Set<QueueId> queues() {
        return engine.queues();
    }

    /** The first commit-log position still on disk. */
    public long logStartPosition() {
        return engine.logStartPosition();
    }

    /** The commit-log position after the last written entry. */
    public long writtenPosition() {
        return engine.writtenPosition();
    }

    /** The commit-log position up to which an fsync has completed. */
    public long flushedPosition() {
        return engine.flushedPosition();
    }

    /** fsyncs of the commit log since open: with group commit, far fewer than appends. */
    public long fsyncCount() {
        return engine.fsyncCount();
    }

    /** Whether the log is FAILED (an IO or fsync error); appends fail until it is reopened. */
    public boolean failed() {
        return engine.health().failed();
    }

    /** Runs retention now; returns how many segments it deleted. */
    public int enforceRetention() {
        return await(() -> engine.enforceRetention());
    }

    /** Writes a checkpoint now (indexes forced, log flushed); recovery then scans from here. */
    public void checkpoint() {
        await(() -> engine.checkpoint());
    }

    private interface FutureCall<T> {
        CompletableFuture<T> call() throws InterruptedException;
    }

    private <T> T await(FutureCall<T> call) {
        if (closed) {
            throw new StorageClosedException("store " + config.directory() + " is closed");
        }
        try {
            return call.call().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageClosedException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StorageException(e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Writes what is queued, fsyncs, checkpoints (so the next open scans nothing), stops the
     * threads and releases the directory. Appends after close fail with {@link StorageClosedException}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            engine.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the store in " + config.directory(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
