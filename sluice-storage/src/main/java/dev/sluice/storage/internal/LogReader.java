package dev.sluice.storage.internal;

import dev.sluice.storage.CorruptLogException;
import dev.sluice.storage.QueueId;
import dev.sluice.record.RecordBatchDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads whole batches of a queue from the commit log through the queue's index. Every batch is
 * checked again as it is read (entry header, base offset against the index, batch CRC), so a
 * damaged byte on disk fails the read with a {@link CorruptLogException} instead of being served.
 * Thread-safe: readers take no lock; they see what the index has published.
 */
final class LogReader {
    private final CommitLogFiles files;

    LogReader(CommitLogFiles files) {
        this.files = files;
    }

    /** Batches read by {@link #read}, in order, and their total size. */
    record Batches(List<ByteBuffer> batches, int bytes, long nextOffset) {}

    /**
     * Reads batches from the one holding {@code offset} while their sizes add up to at most
     * {@code maxBytes}, but always at least one, so a consumer always makes progress.
     */
    Batches read(QueueIndex queue, long offset, long endOffset, int maxBytes) {
        List<ByteBuffer> batches = new ArrayList<>();
        int[] bytes = {0};
        long[] next = {offset};
        queue.visitFrom(offset, endOffset, (baseOffset, logPosition, entryBytes, recordCount) -> {
            int batchBytes = entryBytes - queue.entryHeaderBytes();
            if (!batches.isEmpty() && bytes[0] + batchBytes > maxBytes) {
                return false;
            }
            ByteBuffer batch = batchAt(queue.id(), baseOffset, logPosition, entryBytes, queue.entryHeaderBytes());
            if (batch == null) {
                return false;
            }
            batches.add(batch);
            bytes[0] += batchBytes;
            next[0] = baseOffset + recordCount;
            return true;
        });
        return new Batches(batches, bytes[0], next[0]);
    }

    /** The segment's mapping, or null when retention deleted it (before it was ever mapped). */
    private ByteBuffer viewOf(Segment segment, long logPosition) {
        if (segment == null) {
            return null;
        }
        try {
            return segment.view();
        } catch (IOException e) {
            if (files.segmentFor(logPosition) != segment) {
                return null;
            }
            throw new UncheckedIOException("cannot map " + segment.path(), e);
        }
    }

    /**
     * The checked batch of the entry at {@code logPosition}, whose size and base offset are read
     * from the log itself (key-index lookups know only the position); null when its segment is gone
     * or the position is not inside it.
     */
    ByteBuffer batchAt(QueueId queue, long logPosition, int headerBytes) {
        Segment segment = files.segmentFor(logPosition);
        ByteBuffer view = viewOf(segment, logPosition);
        if (view == null) {
            return null;
        }
        int at = (int) (logPosition - segment.basePosition());
        if (at + headerBytes + RecordBatchDescriptor.HEADER_BYTES > segment.capacity()) {
            return null;
        }
        int entryBytes = LogEntryDescriptor.entryBytes(view, at);
        long baseOffset = RecordBatchDescriptor.baseOffset(view, at + headerBytes);
        return batchAt(queue, baseOffset, logPosition, entryBytes, headerBytes);
    }

    /**
     * The checked batch of the entry at {@code logPosition}, as a read-only view; null when its
     * segment was deleted by retention meanwhile.
     */
    ByteBuffer batchAt(QueueId queue, long baseOffset, long logPosition, int entryBytes, int headerBytes) {
        Segment segment = files.segmentFor(logPosition);
        ByteBuffer view = viewOf(segment, logPosition);
        if (view == null) {
            return null;
        }
        int at = (int) (logPosition - segment.basePosition());
        int batchStart = at + headerBytes;
        int batchBytes = entryBytes - headerBytes;
        // Pair check: the whole entry (both CRCs) as on append, and that it is the one the index means.
        String problem = LogEntryDescriptor.check(view, at, segment.capacity(), segment.capacity());
        if (problem != null) {
            problem = "entry: " + problem;
        } else if (LogEntryDescriptor.entryBytes(view, at) != entryBytes || LogEntryDescriptor.queue(view, at) != queue.queue()
                || LogEntryDescriptor.topicLength(view, at) + LogEntryDescriptor.HEADER_FIXED_BYTES != headerBytes) {
            problem = "entry disagrees with the index (entryBytes " + LogEntryDescriptor.entryBytes(view, at)
                    + ", index says " + entryBytes + ")";
        } else if (RecordBatchDescriptor.baseOffset(view, batchStart) != baseOffset) {
            problem = "batch base offset " + RecordBatchDescriptor.baseOffset(view, batchStart) + ", index says " + baseOffset;
        }
        if (problem != null) {
            throw new CorruptLogException(String.format("queue %s offset %d: damaged batch at position %d (%s, byte %d): %s",
                    queue, baseOffset, logPosition, segment.path(), at, problem));
        }
        ByteBuffer batch = view.slice(batchStart, batchBytes).asReadOnlyBuffer();
        return batch;
    }
}
