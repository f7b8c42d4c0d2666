package dev.sluice.storage.internal;

import dev.sluice.storage.QueueId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A queue's index: its {@link IndexSegment} files in {@code <data>/queues/<topic>-<queue>/}, one
 * entry per batch, mapping offsets (and, through the running max timestamp column, times) to
 * commit-log positions. Holds no per-message objects on the heap.
 *
 * <p>Thread-safety: mutated by the log writer only (or recovery before the store opens). Readers
 * see entries below {@link #visibleEndOffset()}: written entries under ASYNC flush, flushed ones
 * under SYNC (published by the flusher).
 */
public final class QueueIndex {
    private final QueueId id;
    private final Path directory;
    private final byte[] topicBytes;
    private final int segmentEntries;
    private volatile IndexSegment[] segments;
    private volatile long visibleEndOffset;
    private volatile long startOffset;
    private long nextOffset;
    private long runningMaxTimestamp = Long.MIN_VALUE;
    private boolean dirty;
    private int stagedEntries;

    private QueueIndex(QueueId id, Path directory, int segmentEntries, IndexSegment[] segments) {
        this.id = id;
        this.directory = directory;
        this.topicBytes = id.topicBytes();
        this.segmentEntries = segmentEntries;
        this.segments = segments;
        IndexSegment last = segments[segments.length - 1];
        this.nextOffset = last.nextOffset();
        this.startOffset = segments[0].count() == 0 ? segments[0].baseOffset() : segments[0].baseOffsetAt(0);
        if (last.count() > 0) {
            runningMaxTimestamp = last.maxTimestampAt(last.count() - 1);
        }
    }

    /** Creates an empty index whose first offset will be {@code baseOffset}. */
    static QueueIndex create(Path queuesDirectory, QueueId id, long baseOffset, int segmentEntries) throws IOException {
        Path directory = queuesDirectory.resolve(id.directoryName());
        Files.createDirectories(directory);
        // No directory fsync: an index lost with its directory entry after a machine crash is
        // missing or short at recovery, which rebuilds it from the log. Creating 10,000 queues
        // would otherwise cost 10,000 fsyncs.
        IndexSegment first = IndexSegment.create(directory, baseOffset, segmentEntries);
        return new QueueIndex(id, directory, segmentEntries, new IndexSegment[] {first});
    }

    /**
     * Opens the index in {@code directory}.
     *
     * @return null when the directory holds no index file or its files do not follow each other
     */
    static QueueIndex open(Path directory, QueueId id, int segmentEntries) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + IndexSegment.SUFFIX)) {
            stream.forEach(files::add);
        }
        if (files.isEmpty()) {
            return null;
        }
        files.sort(Comparator.comparingLong(IndexSegment::baseOffsetOf));
        IndexSegment[] opened = new IndexSegment[files.size()];
        for (int i = 0; i < opened.length; i++) {
            opened[i] = IndexSegment.open(files.get(i));
            if (i > 0 && opened[i - 1].nextOffset() != opened[i].baseOffset()) {
                return null;
            }
        }
        return new QueueIndex(id, directory, segmentEntries, opened);
    }

    public QueueId id() {
        return id;
    }

    byte[] topicBytes() {
        return topicBytes;
    }

    /** Bytes of this queue's log-entry header. */
    public int entryHeaderBytes() {
        return LogEntryDescriptor.headerBytes(topicBytes.length);
    }

    /** The offset the next appended record gets. Writer thread only. */
    long nextOffset() {
        return nextOffset;
    }

    /** Reserves {@code recordCount} offsets for a staged batch. Writer thread only. */
    long reserve(int recordCount) {
        long base = nextOffset;
        nextOffset += recordCount;
        return base;
    }

    /** Gives back offsets reserved by a write that failed. Writer thread only. */
    void unreserve(long baseOffset) {
        Invariants.check(baseOffset <= nextOffset, "unreserve %d above next offset %d of %s", baseOffset, nextOffset, id);
        nextOffset = baseOffset;
    }

    public long visibleEndOffset() {
        return visibleEndOffset;
    }

    public long startOffset() {
        return startOffset;
    }

    /** Makes records below {@code endOffset} readable. Called by one publisher (writer or flusher). */
    void publish(long endOffset) {
        if (endOffset > visibleEndOffset) {
            visibleEndOffset = endOffset;
        }
    }

    /** The index's own end: the offset after its last entry. */
    long indexedEndOffset() {
        return last().nextOffset();
    }

    boolean takeDirty() {
        boolean was = dirty;
        dirty = false;
        return was;
    }

    private IndexSegment last() {
        IndexSegment[] current = segments;
        return current[current.length - 1];
    }

    /**
     * Whether {@code stagedEntries} more entries would not fit in the last index file: the caller
     * then writes what it staged and calls {@link #roll()} before staging more.
     */
    boolean needsRoll(int stagedEntries) {
        IndexSegment last = last();
        return last.count() + stagedEntries >= last.capacityEntries();
    }

    /** Starts a new index file at the index's next offset. Writer thread only. */
    void roll() throws IOException {
        IndexSegment last = last();
        IndexSegment next = IndexSegment.create(directory, last.nextOffset(), segmentEntries);
        CommitLogFiles.fsyncDirectory(directory);
        IndexSegment[] current = segments;
        IndexSegment[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = next;
        segments = grown;
    }

    /**
     * Claims disk blocks for {@code entries} more entries in the last index file, so that writing
     * them through the mapping cannot fault on a full disk. Writer thread (or recovery) only.
     */
    void reserveEntries(int entries) throws IOException {
        IndexSegment last = last();
        last.allocate(last.count() + entries);
    }

    /**
     * Records a written batch, whose entry {@link #reserveEntries} claimed space for. Writer thread
     * only.
     */
    void append(long baseOffset, long logPosition, long batchMaxTimestamp, int entryBytes, int recordCount)
            throws IOException {
        IndexSegment last = last();
        Invariants.check(baseOffset == last.nextOffset(), "index of %s expects offset %d, got %d", id,
                last.nextOffset(), baseOffset);
        runningMaxTimestamp = Math.max(runningMaxTimestamp, batchMaxTimestamp);
        last.append(baseOffset, logPosition, runningMaxTimestamp, entryBytes, recordCount);
        dirty = true;
    }

    /** Rolls if needed and claims space for one entry: the caller then appends it. Recovery only. */
    void prepareAppend() throws IOException {
        if (needsRoll(0)) {
            roll();
        }
        reserveEntries(1);
    }

    /** Entries the writer has staged (copied into its buffer) and not yet indexed. Writer thread only. */
    int stagedEntries() {
        return stagedEntries;
    }

    void staged(int entries) {
        stagedEntries += entries;
        Invariants.check(stagedEntries >= 0, "negative staged entries for %s", id);
    }

    /** Visits one index entry; returns false to stop. */
    @FunctionalInterface
    public interface EntryVisitor {
        boolean visit(long baseOffset, long logPosition, int entryBytes, int recordCount);
    }

    /**
     * Visits, in order, the entries from the one holding {@code offset} up to (not including) the
     * first at or past {@code endOffset}, until the visitor returns false.
     */
    public void visitFrom(long offset, long endOffset, EntryVisitor visitor) {
        IndexSegment[] current = segments;
        int segment = current.length - 1;
        while (segment > 0 && current[segment].baseOffset() > offset) {
            segment--;
        }
        int entry = current[segment].floorEntry(offset);
        if (entry < 0) {
            entry = 0;
        }
        for (; segment < current.length; segment++, entry = 0) {
            IndexSegment file = current[segment];
            int count = file.count();
            for (; entry < count; entry++) {
                long base = file.baseOffsetAt(entry);
                if (base >= endOffset) {
                    return;
                }
                int records = file.recordCountAt(entry);
                if (base + records <= offset) {
                    continue;
                }
                if (!visitor.visit(base, file.logPositionAt(entry), file.entryBytesAt(entry), records)) {
                    return;
                }
            }
        }
    }

    /**
     * Visits the first entry below {@code endOffset} holding a record at or after {@code timestamp}
     * (by the running max), if any.
     *
     * @return whether an entry was found
     */
    public boolean visitFirstAtOrAfterTimestamp(long timestamp, long endOffset, EntryVisitor visitor) {
        long start = startOffset;
        for (IndexSegment file : segments) {
            int count = file.count();
            int limit = count;
            while (limit > 0 && file.baseOffsetAt(limit - 1) >= endOffset) {
                limit--;
            }
            if (start >= file.nextOffset()) {
                continue; // wholly below the start offset: its entries point into deleted segments
            }
            // Entries below the start offset point into segments retention deleted.
            int from = Math.max(0, file.floorEntry(start));
            int entry = file.firstEntryAtOrAfterTimestamp(timestamp, from, limit);
            if (entry >= 0) {
                visitor.visit(file.baseOffsetAt(entry), file.logPositionAt(entry), file.entryBytesAt(entry),
                        file.recordCountAt(entry));
                return true;
            }
            if (limit < count) {
                return false;
            }
        }
        return false;
    }

    /**
     * Moves the start offset to the first batch at or after {@code logStartPosition} and deletes
     * index files wholly before it (never the last). Writer thread only (retention, recovery).
     */
    void trimBelow(long logStartPosition) throws IOException {
        IndexSegment[] current = segments;
        int keepFrom = 0;
        while (keepFrom < current.length - 1) {
            IndexSegment file = current[keepFrom];
            int count = file.count();
            if (count > 0 && file.logPositionAt(count - 1) >= logStartPosition) {
                break;
            }
            keepFrom++;
        }
        if (keepFrom > 0) {
            segments = Arrays.copyOfRange(current, keepFrom, current.length);
            for (int i = 0; i < keepFrom; i++) {
                current[i].delete();
            }
        }
        IndexSegment first = segments[0];
        int entry = first.firstEntryAtOrAfterPosition(logStartPosition);
        long start = entry < first.count() ? first.baseOffsetAt(entry) : first.nextOffset();
        if (start > startOffset) {
            startOffset = start;
        }
    }

    /**
     * Removes entries whose log position is at or past {@code position}, deleting emptied index
     * files but the first. Recovery only.
     */
    void truncateFromPosition(long position) throws IOException {
        IndexSegment[] current = segments;
        int last = current.length - 1;
        while (last > 0 && (current[last].count() == 0 || current[last].logPositionAt(0) >= position)) {
            current[last].delete();
            last--;
        }
        segments = Arrays.copyOf(current, last + 1);
        IndexSegment file = segments[last];
        file.truncate(file.firstEntryAtOrAfterPosition(position));
        nextOffset = file.nextOffset();
        runningMaxTimestamp = file.count() > 0 ? file.maxTimestampAt(file.count() - 1) : Long.MIN_VALUE;
        if (last == 0 && file.count() == 0) {
            startOffset = file.baseOffset();
        }
    }

    /** Forces every index file's mapped pages to disk. Any thread. */
    void force() {
        for (IndexSegment file : segments) {
            file.force();
        }
    }

    /** Deletes an index directory whatever it holds. Recovery only. */
    static void deleteDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path file : stream) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }
}
