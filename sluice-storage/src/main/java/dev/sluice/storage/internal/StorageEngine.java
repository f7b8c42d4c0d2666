package dev.sluice.storage.internal;

import dev.sluice.storage.AppendResult;
import dev.sluice.storage.Durability;
import dev.sluice.storage.QueueId;
import dev.sluice.storage.RecoveryReport;
import dev.sluice.storage.StorageConfig;
import dev.sluice.record.Compression;
import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Wires the engine's parts for {@link dev.sluice.storage.LogStore}: directory lock, recovery, the
 * writer and flusher threads, and the lock-free read path. The public API, its validation and its
 * documentation live in {@code LogStore}; this class keeps the internals package-private.
 */
public final class StorageEngine {
    private final StorageConfig config;
    private final DirectoryLock lock;
    private final CommitLogFiles files;
    private final ConcurrentMap<QueueId, QueueIndex> queues;
    private final LogHealth health = new LogHealth();
    private final GroupCommitFlusher flusher;
    private final CommitLogWriter writer;
    private final Thread writerThread;
    private final Thread flusherThread;
    private final Checkpointer checkpointer;
    private final Thread checkpointerThread;
    private final SegmentPreallocator preallocator;
    private final Thread preallocatorThread;
    private final LogReader reader;
    private final KeyIndex keyIndex;
    private final RecoveryReport recoveryReport;

    private StorageEngine(StorageConfig config, DirectoryLock lock, LogRecovery.Recovered recovered, LongSupplier clockMs) {
        this.config = config;
        this.lock = lock;
        this.files = recovered.files();
        this.queues = new ConcurrentHashMap<>(recovered.queues());
        this.recoveryReport = recovered.report();
        this.keyIndex = recovered.keyIndex();
        this.flusher = new GroupCommitFlusher(config, files, health, recovered.endPosition());
        this.checkpointer = new Checkpointer(config, flusher, health);
        this.preallocator = config.segmentZeroFill()
                ? new SegmentPreallocator(config.directory().resolve(LogRecovery.LOG_DIRECTORY), (int) config.segmentBytes())
                : null;
        this.writer = new CommitLogWriter(config, files, queues, health, flusher, checkpointer, preallocator,
                keyIndex, clockMs, recovered.endPosition());
        this.reader = new LogReader(files);
        this.writerThread = new Thread(writer, "sluice-log-writer");
        this.flusherThread = new Thread(flusher, "sluice-log-flusher");
        this.checkpointerThread = new Thread(checkpointer, "sluice-log-checkpointer");
        writerThread.setDaemon(true);
        flusherThread.setDaemon(true);
        checkpointerThread.setDaemon(true);
        flusher.start(flusherThread);
        checkpointer.start(checkpointerThread);
        if (preallocator != null) {
            preallocatorThread = new Thread(preallocator, "sluice-log-preallocator");
            preallocatorThread.setDaemon(true);
            preallocator.start(preallocatorThread);
        } else {
            preallocatorThread = null;
        }
        writer.start(writerThread);
    }

    /** Locks the directory, recovers it and starts the threads. */
    public static StorageEngine open(StorageConfig config, LongSupplier clockMs) throws IOException {
        Files.createDirectories(config.directory());
        DirectoryLock lock = DirectoryLock.acquire(config.directory());
        try {
            return new StorageEngine(config, lock, LogRecovery.recover(config), clockMs);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    public LogHealth health() {
        return health;
    }

    /** Hands a validated batch to the writer; blocks while the writer's queue is full. */
    public void submit(QueueId queue, ByteBuffer batch, long[] keyHashes, Durability durability,
            CompletableFuture<AppendResult> future) throws InterruptedException {
        writer.submit(new AppendRequest(queue, batch, keyHashes, durability, future));
    }

    /** Whether the caller is the writer thread (an append from it would wait on itself). */
    public boolean isWriterThread() {
        return writer.isOwnerThread();
    }

    /** The queue's index, or null when nothing was ever appended to it. */
    public QueueIndex queue(QueueId queue) {
        return queues.get(queue);
    }

    public Set<QueueId> queues() {
        return new TreeSet<>(queues.keySet());
    }

    /** See {@link LogReader#read}. */
    public ReadBatches read(QueueIndex queue, long offset, long endOffset, int maxBytes) {
        LogReader.Batches batches = reader.read(queue, offset, endOffset, maxBytes);
        return new ReadBatches(batches.batches(), batches.bytes(), batches.nextOffset());
    }

    /** Batches read, their total size and the offset after the last one. */
    public record ReadBatches(List<ByteBuffer> batches, int bytes, long nextOffset) {}

    /**
     * The first offset below {@code endOffset} whose record's timestamp is at least
     * {@code timestampMs} (to the batch for compressed batches), or -1.
     */
    public long offsetForTimestamp(QueueIndex queue, long timestampMs, long endOffset) {
        long[] found = {-1};
        queue.visitFirstAtOrAfterTimestamp(timestampMs, endOffset, (baseOffset, logPosition, entryBytes, recordCount) -> {
            ByteBuffer batch = reader.batchAt(queue.id(), baseOffset, logPosition, entryBytes, queue.entryHeaderBytes());
            found[0] = batch == null ? -1 : firstOffsetAtOrAfter(batch, baseOffset, timestampMs);
            return false;
        });
        return found[0];
    }

    private static long firstOffsetAtOrAfter(ByteBuffer batch, long baseOffset, long timestampMs) {
        if (!Compression.forId(RecordBatchDescriptor.compression(batch, 0)).isSupported()) {
            return baseOffset;
        }
        long found = RecordBatchReader.firstOffsetAtOrAfter(batch, 0, timestampMs);
        // The batch's max timestamp is at or after timestampMs, so one of its records is too; a
        // batch whose header and records disagree answers with its first offset.
        return found < 0 ? baseOffset : found;
    }

    /** See {@link dev.sluice.storage.LogStore#offsetsForKey}. */
    public List<Long> offsetsForKey(QueueIndex queue, ByteBuffer key, int maxResults) {
        if (keyIndex == null) {
            return List.of();
        }
        long start = queue.startOffset();
        long end = queue.visibleEndOffset();
        List<Long> found = new ArrayList<>();
        keyIndex.visit(queue.id(), key, (logPosition, offset) -> {
            // Each record is indexed once, so no offset comes back twice.
            if (offset >= start && offset < end && keyAt(queue, logPosition, offset, key)) {
                found.add(offset);
            }
            return found.size() < maxResults;
        });
        return found;
    }

    /** Whether the record at {@code offset}, in the batch at {@code logPosition}, has this key. */
    private boolean keyAt(QueueIndex queue, long logPosition, long offset, ByteBuffer key) {
        ByteBuffer batch = reader.batchAt(queue.id(), logPosition, queue.entryHeaderBytes());
        if (batch == null || !Compression.forId(RecordBatchDescriptor.compression(batch, 0)).isSupported()) {
            return false;
        }
        for (Record record : RecordBatchReader.records(batch, 0)) {
            if (record.offset() == offset) {
                return record.key() != null && record.key().equals(key);
            }
        }
        return false;
    }

    public long logStartPosition() {
        return files.startPosition();
    }

    public long writtenPosition() {
        return flusher.writtenPosition();
    }

    public long flushedPosition() {
        return flusher.flushedPosition();
    }

    public long fsyncCount() {
        return flusher.fsyncCount();
    }

    public CompletableFuture<Integer> enforceRetention() throws InterruptedException {
        return writer.retention();
    }

    public CompletableFuture<Void> checkpoint() throws InterruptedException {
        return writer.checkpoint();
    }

    /**
     * Writes what is queued, fsyncs, writes a clean checkpoint, stops the threads, closes the
     * files and releases the lock.
     */
    public void close() throws IOException, InterruptedException {
        try {
            writer.stop();
            writerThread.join();
            if (preallocator != null) {
                preallocator.stop();
                preallocatorThread.join();
            }
            flusherThread.join();
            checkpointerThread.join();
        } finally {
            try {
                files.close();
            } finally {
                lock.close();
            }
        }
    }
}
