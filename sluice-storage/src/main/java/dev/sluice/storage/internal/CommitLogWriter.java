package dev.sluice.storage.internal;

import dev.sluice.storage.AppendResult;
import dev.sluice.storage.Durability;
import dev.sluice.storage.FlushPolicy;
import dev.sluice.storage.QueueId;
import dev.sluice.storage.StorageClosedException;
import dev.sluice.storage.StorageConfig;
import dev.sluice.storage.StorageException;
import dev.sluice.storage.StorageFullException;
import dev.sluice.record.RecordBatchDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit log's single writer. Appenders hand it validated batches through a bounded queue
 * ({@code appendQueueDepth}; {@link #submit} blocks when it is full: back-pressure). It drains
 * the queue, gives each batch its offsets, copies batch and entry header into one buffer and
 * writes the buffer with one call, then indexes the entries and hands completion to the
 * {@link GroupCommitFlusher}. It also runs retention and snapshots checkpoints (which the
 * {@link Checkpointer} writes), so that every
 * mutation of segments and indexes happens on this one thread.
 *
 * <p>A full disk fails only the appends in the write that hit it (their offsets are given back);
 * any other IO error fails the log (sticky).
 */
public final class CommitLogWriter implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(CommitLogWriter.class);
    private static final Object STOP = new Object();
    private static final int DRAIN_MAX = 1024;

    /** A batch copied into the buffer and not yet written. */
    private record Staged(AppendRequest request, QueueIndex queue, long baseOffset, int recordCount, long position,
            int entryBytes, long maxTimestamp) {}

    private final StorageConfig config;
    private final CommitLogFiles files;
    private final ConcurrentMap<QueueId, QueueIndex> queues;
    private final Path queuesDirectory;
    private final LogHealth health;
    private final GroupCommitFlusher flusher;
    private final Checkpointer checkpointer;
    private final SegmentPreallocator preallocator;
    private final KeyIndex keyIndex;
    private final LongSupplier clockMs;
    private final BlockingQueue<Object> requests;
    private final ByteBuffer buffer;
    private final List<Staged> staged = new ArrayList<>();
    private final List<Object> drained = new ArrayList<>(DRAIN_MAX);
    private volatile Thread owner;
    private volatile boolean exited;
    private Segment segment;
    private long writePosition;
    private long checkpointedPosition = -1;
    private long nextRetentionMs;
    private long nextCheckpointMs;

    CommitLogWriter(StorageConfig config, CommitLogFiles files, ConcurrentMap<QueueId, QueueIndex> queues,
            LogHealth health, GroupCommitFlusher flusher, Checkpointer checkpointer, SegmentPreallocator preallocator,
            KeyIndex keyIndex, LongSupplier clockMs, long endPosition) {
        this.config = config;
        this.files = files;
        this.queues = queues;
        this.queuesDirectory = config.directory().resolve(LogRecovery.QUEUES_DIRECTORY);
        this.health = health;
        this.flusher = flusher;
        this.checkpointer = checkpointer;
        this.preallocator = preallocator;
        this.keyIndex = keyIndex;
        this.clockMs = clockMs;
        this.requests = new ArrayBlockingQueue<>(config.appendQueueDepth());
        this.buffer = ByteBuffer.allocateDirect(config.writeBufferBytes());
        this.segment = files.segmentFor(endPosition) != null ? files.segmentFor(endPosition) : files.last();
        this.writePosition = endPosition;
        this.checkpointedPosition = endPosition;
        long now = clockMs.getAsLong();
        this.nextRetentionMs = now;
        this.nextCheckpointMs = now + config.checkpointIntervalMs();
    }

    void start(Thread thread) {
        owner = thread;
        thread.start();
    }

    /** Hands a request to the writer, blocking while its queue is full. Any thread. */
    void submit(AppendRequest request) throws InterruptedException {
        requests.put(request);
        if (exited) {
            failLeftovers();
        }
    }

    /** Runs {@code task} on the writer thread, after the appends queued before it are written. */
    <T> CompletableFuture<T> call(WriterTask<T> task) throws InterruptedException {
        Call<T> call = new Call<>(task, new CompletableFuture<>());
        requests.put(call);
        if (exited) {
            failLeftovers();
        }
        return call.future();
    }

    /** Work for the writer thread. */
    @FunctionalInterface
    interface WriterTask<T> {
        T run() throws IOException;
    }

    private record Call<T>(WriterTask<T> task, CompletableFuture<T> future) {
        void run() {
            try {
                future.complete(task.run());
            } catch (IOException | RuntimeException e) {
                future.completeExceptionally(e);
            }
        }
    }

    /** Asks the writer to write what is queued, snapshot a clean checkpoint and end. */
    void stop() throws InterruptedException {
        requests.put(STOP);
    }

    @Override
    public void run() {
        boolean stopping = false;
        try {
            while (!stopping) {
                Object first = requests.poll(maintenanceWaitMs(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    drained.add(first);
                    requests.drainTo(drained, DRAIN_MAX - 1);
                }
                for (Object item : drained) {
                    if (item instanceof AppendRequest request) {
                        stage(request);
                    } else if (item == STOP) {
                        stopping = true;
                    } else {
                        writeStaged();
                        ((Call<?>) item).run();
                    }
                }
                drained.clear();
                writeStaged();
                maybeMaintain();
            }
            checkpointer.request(snapshotCheckpoint(true));
            flusher.stop();
        } catch (Throwable t) {
            health.fail("writer stopped", t);
            for (Staged entry : staged) {
                entry.request().future().completeExceptionally(health.failedException());
            }
            staged.clear();
            // The item that threw and those drained after it (completed ones ignore this).
            for (Object item : drained) {
                if (item instanceof AppendRequest request) {
                    request.future().completeExceptionally(health.failedException());
                } else if (item instanceof Call<?> call) {
                    call.future().completeExceptionally(health.failedException());
                }
            }
            drained.clear();
        } finally {
            exited = true;
            failLeftovers();
            flusher.stop();
            checkpointer.stop();
        }
    }

    private void failLeftovers() {
        Object item;
        while ((item = requests.poll()) != null) {
            if (item instanceof AppendRequest request) {
                request.future().completeExceptionally(new StorageClosedException("store closed before the append was written"));
            } else if (item instanceof Call<?> call) {
                call.future().completeExceptionally(new StorageClosedException("store closed before the task ran"));
            }
        }
    }

    private long maintenanceWaitMs() {
        long now = clockMs.getAsLong();
        return Math.max(1, Math.min(Math.min(nextRetentionMs, nextCheckpointMs) - now, 1_000));
    }

    private void stage(AppendRequest request) throws IOException {
        if (health.failed()) {
            request.future().completeExceptionally(health.failedException());
            return;
        }
        QueueIndex queue = queues.get(request.queue());
        if (queue == null) {
            queue = createQueue(request);
            if (queue == null) {
                return;
            }
        }
        ByteBuffer batch = request.batch();
        int headerBytes = queue.entryHeaderBytes();
        int entryBytes = headerBytes + batch.remaining();
        if (writePosition + buffer.position() + entryBytes > segment.endPosition()) {
            writeStaged();
            if (!roll(request)) {
                return;
            }
        }
        if (entryBytes > buffer.remaining()) {
            writeStaged();
        }
        if (!prepareIndex(queue, request)) {
            return;
        }
        int start = buffer.position();
        int batchStart = start + headerBytes;
        int recordCount = RecordBatchDescriptor.recordCount(batch, batch.position());
        long maxTimestamp = RecordBatchDescriptor.maxTimestamp(batch, batch.position());
        buffer.position(batchStart);
        buffer.put(batch.duplicate());
        long baseOffset = queue.reserve(recordCount);
        RecordBatchDescriptor.baseOffset(buffer, batchStart, baseOffset);
        LogEntryDescriptor.writeHeader(buffer, start, entryBytes, queue.topicBytes(), request.queue().queue());
        staged.add(new Staged(request, queue, baseOffset, recordCount, writePosition + start, entryBytes, maxTimestamp));
        queue.staged(1);
    }

    /**
     * Makes room in the queue's index for one more staged entry, before the batch is staged: rolls
     * the index file when full and claims its disk blocks. False (and the request failed) when the
     * disk is full; nothing was staged then, so nothing is written.
     */
    private boolean prepareIndex(QueueIndex queue, AppendRequest request) throws IOException {
        try {
            if (queue.needsRoll(queue.stagedEntries())) {
                writeStaged();
                queue.roll();
            }
            queue.reserveEntries(queue.stagedEntries() + 1);
            return true;
        } catch (IOException e) {
            if (isDiskFull(e)) {
                request.future().completeExceptionally(new StorageFullException(
                        "disk full growing the index of queue " + request.queue() + " in " + queuesDirectory, e));
                return false;
            }
            throw e;
        }
    }

    private void clearStaged() {
        for (Staged entry : staged) {
            entry.queue().staged(-1);
        }
        staged.clear();
        buffer.clear();
    }

    private QueueIndex createQueue(AppendRequest request) throws IOException {
        if (queues.size() >= config.queueCountMax()) {
            request.future().completeExceptionally(new StorageException(String.format(
                    "queue %s would be queue %,d; queueCountMax is %,d", request.queue(), queues.size() + 1,
                    config.queueCountMax())));
            return null;
        }
        try {
            QueueIndex queue = QueueIndex.create(queuesDirectory, request.queue(), 0, config.indexSegmentEntries());
            queues.put(request.queue(), queue);
            return queue;
        } catch (IOException e) {
            if (isDiskFull(e)) {
                request.future().completeExceptionally(new StorageFullException(
                        "disk full creating the index of queue " + request.queue() + " in " + queuesDirectory, e));
                return null;
            }
            throw e;
        }
    }

    /** Starts the next segment; false (and the request failed) when the disk is too full. */
    private boolean roll(AppendRequest request) throws IOException {
        long usable = Files.getFileStore(files.last().path()).getUsableSpace();
        if (usable < config.diskFreeBytesMin()) {
            request.future().completeExceptionally(new StorageFullException(String.format(
                    "disk has %,d bytes usable, less than diskFreeBytesMin %,d; not starting a new segment in %s",
                    usable, config.diskFreeBytesMin(), files.last().path().getParent())));
            return false;
        }
        try {
            segment = files.roll((int) config.segmentBytes(), preallocator == null ? null : preallocator.take());
        } catch (IOException e) {
            if (isDiskFull(e)) {
                request.future().completeExceptionally(new StorageFullException(
                        "disk full creating a segment in " + files.last().path().getParent(), e));
                return false;
            }
            throw e;
        }
        writePosition = segment.basePosition();
        if (keyIndex != null) {
            try {
                keyIndex.create(segment);
            } catch (IOException e) {
                LOGGER.warn("no key index for segment {}: {}", segment.path(), e.toString());
            }
        }
        // The old segment's unused tail is zeros by construction: written, as far as the flusher
        // and the checkpointer are concerned, even if nothing lands in the new segment.
        flusher.onWritten(writePosition, false);
        LOGGER.info("segment roll segment={} basePosition={}", segment.path().getFileName(), segment.basePosition());
        return true;
    }

    /** Writes the buffer, indexes its entries and hands their completion to the flusher. */
    private void writeStaged() throws IOException {
        if (staged.isEmpty()) {
            return;
        }
        buffer.flip();
        try {
            segment.write(buffer, writePosition);
        } catch (IOException e) {
            for (int i = staged.size() - 1; i >= 0; i--) {
                staged.get(i).queue().unreserve(staged.get(i).baseOffset());
            }
            StorageException error;
            if (isDiskFull(e) && discardPartialWrite()) {
                error = new StorageFullException(String.format("disk full writing %,d bytes at position %,d of %s",
                        buffer.limit(), writePosition, segment.path()), e);
            } else {
                health.fail("write of " + buffer.limit() + " bytes at position " + writePosition + " of " + segment.path(), e);
                error = health.failedException();
            }
            for (Staged entry : staged) {
                entry.request().future().completeExceptionally(error);
            }
            clearStaged();
            return;
        }
        long now = clockMs.getAsLong();
        boolean sync = config.flushPolicy() == FlushPolicy.SYNC;
        boolean wake = sync;
        for (Staged entry : staged) {
            QueueIndex queue = entry.queue();
            queue.append(entry.baseOffset(), entry.position(), entry.maxTimestamp(), entry.entryBytes(), entry.recordCount());
            if (keyIndex != null) {
                keyIndex.addOrSkip(segment, queue.id(), entry.position(), entry.baseOffset(), entry.request().keyHashes());
            }
            long endOffset = entry.baseOffset() + entry.recordCount();
            AppendResult result = new AppendResult(queue.id(), entry.baseOffset(), endOffset - 1, entry.position(), now);
            CompletableFuture<AppendResult> future = entry.request().future();
            long endPosition = entry.position() + entry.entryBytes();
            if (sync) {
                flusher.enqueue(new FlushWaiter(endPosition, queue, endOffset, future, result, true));
            } else {
                queue.publish(endOffset);
                if (entry.request().durability() == Durability.FLUSHED) {
                    flusher.enqueue(new FlushWaiter(endPosition, queue, endOffset, future, result, false));
                    wake = true;
                } else {
                    future.complete(result);
                }
            }
        }
        writePosition += buffer.limit();
        flusher.onWritten(writePosition, wake);
        clearStaged();
    }

    /**
     * Removes what a failed write left past the write position: part of the buffer may have reached
     * the file, and entries whose appends were failed must not come back at recovery. Cutting the
     * file frees those blocks, so growing it back fits even on the full disk.
     */
    private boolean discardPartialWrite() {
        try {
            segment.truncateTo(writePosition);
            return true;
        } catch (IOException e) {
            health.fail("discarding a partial write at position " + writePosition + " of " + segment.path(), e);
            return false;
        }
    }

    private void maybeMaintain() throws IOException {
        long now = clockMs.getAsLong();
        if (now >= nextRetentionMs) {
            nextRetentionMs = now + config.retentionCheckIntervalMs();
            enforceRetention();
        }
        if (now >= nextCheckpointMs) {
            nextCheckpointMs = now + config.checkpointIntervalMs();
            if (writePosition != checkpointedPosition) {
                checkpointer.request(snapshotCheckpoint(false));
            }
        }
    }

    /** Deletes the segments retention allows; returns how many. Writer thread only. */
    int enforceRetention() throws IOException {
        int deleted = 0;
        while (Retention.shouldDelete(config, files, flusher.flushedPosition(), clockMs.getAsLong())) {
            Segment oldest = files.deleteOldest();
            if (keyIndex != null) {
                keyIndex.delete(oldest.basePosition());
            }
            deleted++;
            LOGGER.info("retention deleted segment={} logStartPosition={}", oldest.path().getFileName(),
                    files.startPosition());
        }
        if (deleted > 0) {
            for (QueueIndex queue : queues.values()) {
                queue.trimBelow(files.startPosition());
            }
        }
        return deleted;
    }

    /** Snapshots every queue's next offset at the current write position. Writer thread only. */
    Checkpointer.Request snapshotCheckpoint(boolean clean) {
        Map<QueueId, Long> nextOffsets = new HashMap<>(queues.size() * 2);
        List<QueueIndex> dirty = new ArrayList<>();
        for (QueueIndex queue : queues.values()) {
            nextOffsets.put(queue.id(), queue.nextOffset());
            if (queue.takeDirty()) {
                dirty.add(queue);
            }
        }
        checkpointedPosition = writePosition;
        return new Checkpointer.Request(new Checkpoint(clean, writePosition, nextOffsets), dirty,
                keyIndex == null ? new ArrayList<>() : keyIndex.takeDirty(), new CompletableFuture<>());
    }

    /** Snapshots a checkpoint now and hands it to the checkpointer; the future completes once it is on disk. */
    CompletableFuture<Void> checkpoint() throws InterruptedException {
        return call(() -> {
            Checkpointer.Request request = snapshotCheckpoint(false);
            checkpointer.request(request);
            return request.done();
        }).thenCompose(done -> done);
    }

    /** Deletes what retention allows, on the writer thread; completes with the number of segments deleted. */
    CompletableFuture<Integer> retention() throws InterruptedException {
        return call(this::enforceRetention);
    }

    boolean isOwnerThread() {
        return Thread.currentThread() == owner;
    }

    /**
     * Whether an IO error is the disk (or quota) being full: by the error text when the C library
     * speaks English, else by the file store having less usable space than one write buffer.
     */
    private boolean isDiskFull(IOException e) {
        String message = e.getMessage();
        if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
            return true;
        }
        try {
            return Files.getFileStore(files.last().path()).getUsableSpace() < config.writeBufferBytes();
        } catch (IOException | RuntimeException ignored) {
            return false;
        }
    }
}
