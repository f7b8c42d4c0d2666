package dev.sluice.storage.internal;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file of a queue's index: fixed-size entries, one per batch, memory-mapped. Named by the
 * base offset of its first entry (20 digits + {@code .index}); preallocated (sparse) to hold
 * {@code capacity} entries, so an entry whose {@code entryBytes} is zero is unused.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  baseOffset (int64)                           |  0
 *  +---------------------------------------------------------------+
 *  |                  logPosition (int64, of the log entry)        |  8
 *  +---------------------------------------------------------------+
 *  |     maxTimestamp (int64, running max over the queue so far)   | 16
 *  +-------------------------------+-------------------------------+
 *  |   entryBytes (int32, > 0)     |      recordCount (int32)      | 24
 *  +-------------------------------+-------------------------------+
 * </pre>
 *
 * <p>The timestamp column holds the running maximum of the batches' max timestamps, so it never
 * decreases and "first offset at or after T" is a binary search on this same file: the queue's
 * time index is a column of its offset index.
 *
 * <p>Disk blocks are claimed through the file channel ({@link #allocate}) before the mapping writes
 * to them: a write through a mapping into a hole of a sparse file on a full disk is a SIGBUS that
 * kills the JVM; a channel write returns an error instead.
 *
 * <p>After a crash: entries are trusted up to the last checkpoint (forced before it was written);
 * past it they are cut and rebuilt from the log. Thread-safety: one writer (the log writer);
 * readers see entries below {@link #count()}, which is published after the entry is written.
 */
public final class IndexSegment {
    public static final int ENTRY_BYTES = 32;
    static final String SUFFIX = ".index";
    private static final int BASE_OFFSET_OFFSET = 0;
    private static final int LOG_POSITION_OFFSET = 8;
    private static final int MAX_TIMESTAMP_OFFSET = 16;
    private static final int ENTRY_BYTES_OFFSET = 24;
    private static final int RECORD_COUNT_OFFSET = 28;

    private final Path path;
    private final long baseOffset;
    private final int capacity;
    /** Bytes of the mapping with disk blocks behind them: zeros for a claimed chunk. */
    static final int ALLOCATION_CHUNK_BYTES = 64 * 1024;

    private final MappedByteBuffer map;
    private volatile int count;
    private long allocatedBytes;

    private IndexSegment(Path path, long baseOffset, int capacity, MappedByteBuffer map, int count) {
        this.path = path;
        this.baseOffset = baseOffset;
        this.capacity = capacity;
        this.map = map;
        this.count = count;
    }

    static String fileName(long baseOffset) {
        return String.format("%020d%s", baseOffset, SUFFIX);
    }

    static long baseOffsetOf(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    static IndexSegment create(Path directory, long baseOffset, int capacity) throws IOException {
        Path path = directory.resolve(fileName(baseOffset));
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) capacity * ENTRY_BYTES);
            return new IndexSegment(path, baseOffset, capacity, map, 0);
        }
    }

    /**
     * Opens an index file; its entry count is the length of its prefix of used entries, found by
     * binary search (entries are only ever appended).
     */
    static IndexSegment open(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size % ENTRY_BYTES != 0 || size == 0 || size / ENTRY_BYTES > Integer.MAX_VALUE) {
                throw new IOException("index " + path + " is " + size + " bytes, not a positive multiple of "
                        + ENTRY_BYTES);
            }
            int capacity = (int) (size / ENTRY_BYTES);
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            IndexSegment segment = new IndexSegment(path, baseOffsetOf(path), capacity, map, 0);
            segment.allocatedBytes = 0;
            int low = 0;
            int high = capacity;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (segment.entryBytesAt(middle) != 0) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            segment.count = low;
            // Pages holding entries were written, so they have blocks; claim past them on demand.
            segment.allocatedBytes = Math.min(size, ((long) low * ENTRY_BYTES + 4095) & ~4095L);
            return segment;
        }
    }

    public Path path() {
        return path;
    }

    public long baseOffset() {
        return baseOffset;
    }

    public int count() {
        return count;
    }

    public int capacityEntries() {
        return capacity;
    }

    public boolean isFull() {
        return count == capacity;
    }

    public long baseOffsetAt(int entry) {
        return map.getLong(entry * ENTRY_BYTES + BASE_OFFSET_OFFSET);
    }

    public long logPositionAt(int entry) {
        return map.getLong(entry * ENTRY_BYTES + LOG_POSITION_OFFSET);
    }

    public long maxTimestampAt(int entry) {
        return map.getLong(entry * ENTRY_BYTES + MAX_TIMESTAMP_OFFSET);
    }

    public int entryBytesAt(int entry) {
        return map.getInt(entry * ENTRY_BYTES + ENTRY_BYTES_OFFSET);
    }

    public int recordCountAt(int entry) {
        return map.getInt(entry * ENTRY_BYTES + RECORD_COUNT_OFFSET);
    }

    /** The offset after the last entry, or the base offset when empty. */
    public long nextOffset() {
        int entries = count;
        return entries == 0 ? baseOffset : baseOffsetAt(entries - 1) + recordCountAt(entries - 1);
    }

    /**
     * Claims disk blocks for the first {@code entries} entries, a chunk at a time, by writing zeros
     * through the channel (entries past {@link #count()} are unused, so zeroing them loses nothing).
     * Writer thread (or recovery) only.
     *
     * @throws IOException when the disk is full (the mapping is then never written there)
     */
    void allocate(int entries) throws IOException {
        long needed = (long) Math.min(entries, capacity) * ENTRY_BYTES;
        if (needed <= allocatedBytes) {
            return;
        }
        long end = Math.min((long) capacity * ENTRY_BYTES,
                (needed + ALLOCATION_CHUNK_BYTES - 1) / ALLOCATION_CHUNK_BYTES * ALLOCATION_CHUNK_BYTES);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            Zeros.write(channel, allocatedBytes, end, () -> false);
        }
        allocatedBytes = end;
    }

    /** Appends an entry and publishes it. Writer thread only; the caller checks {@link #isFull()}. */
    void append(long entryBaseOffset, long logPosition, long maxTimestamp, int entryBytes, int recordCount) {
        int entry = count;
        Invariants.check(entry < capacity, "index %s is full (%d entries)", path, capacity);
        Invariants.check((long) (entry + 1) * ENTRY_BYTES <= allocatedBytes,
                "index %s entry %d is past its allocated %d bytes", path, entry, allocatedBytes);
        Invariants.check(entryBytes > 0 && recordCount > 0, "index entry with %d bytes and %d records", entryBytes,
                recordCount);
        int at = entry * ENTRY_BYTES;
        map.putLong(at + BASE_OFFSET_OFFSET, entryBaseOffset);
        map.putLong(at + LOG_POSITION_OFFSET, logPosition);
        map.putLong(at + MAX_TIMESTAMP_OFFSET, maxTimestamp);
        map.putInt(at + RECORD_COUNT_OFFSET, recordCount);
        map.putInt(at + ENTRY_BYTES_OFFSET, entryBytes);
        count = entry + 1;
    }

    /** The last entry whose base offset is at most {@code offset}, or -1 when there is none. */
    int floorEntry(long offset) {
        int low = 0;
        int high = count - 1;
        int found = -1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (baseOffsetAt(middle) <= offset) {
                found = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }

    /** The first entry among {@code [from, limit)} whose running max timestamp is at least {@code timestamp}, or -1. */
    int firstEntryAtOrAfterTimestamp(long timestamp, int from, int limit) {
        int low = from;
        int high = limit - 1;
        int found = -1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (maxTimestampAt(middle) >= timestamp) {
                found = middle;
                high = middle - 1;
            } else {
                low = middle + 1;
            }
        }
        return found;
    }

    /** The first entry whose log position is at least {@code position}, or {@link #count()}. */
    int firstEntryAtOrAfterPosition(long position) {
        int low = 0;
        int high = count;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (logPositionAt(middle) < position) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Keeps the first {@code entries} entries and zeroes the rest. Recovery only. */
    void truncate(int entries) {
        for (int at = entries * ENTRY_BYTES; at < count * ENTRY_BYTES; at += 8) {
            map.putLong(at, 0L);
        }
        count = entries;
    }

    /** Writes the mapped pages to disk (for a checkpoint). Any thread. */
    void force() {
        map.force();
    }

    void delete() throws IOException {
        Files.deleteIfExists(path);
    }
}
