package dev.sluice.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The key index of one commit-log segment ({@code <base>.keys} beside it): a hash table on disk
 * from a record key's hash (mixed with its queue) to the records with that key, newest first, as
 * RocketMQ's index files are. Memory-mapped; slots are written as zeros when the file is created and
 * entry blocks are claimed through the channel before the mapping writes them (no SIGBUS on a full
 * disk).
 *
 * <pre>
 *  header (16 B): magic "SLKI" (int32) | slotCount (int32) | capacity (int32) | count (int32)
 *  slots:         slotCount x int32: 1 + the newest entry in the slot's chain, 0 = empty
 *  entries:       capacity x 24 B: hash (int32) | previous (int32, 1 + entry, 0 = none) |
 *                 logPosition (int64, of the batch's log entry) | offset (int64, of the record)
 * </pre>
 *
 * <p>Hashes collide: a lookup reads each candidate batch and compares the real key. After a crash,
 * the file of every segment at or past the checkpoint is rebuilt from the log. Thread-safety: one
 * writer; readers follow only entries below the published {@link #count}.
 */
final class KeyIndexFile {
    static final String SUFFIX = ".keys";
    static final int ENTRY_BYTES = 24;
    private static final int MAGIC = 0x534c4b49;
    private static final int HEADER_BYTES = 16;
    private static final int COUNT_OFFSET = 12;
    private static final int CHUNK_BYTES = 64 * 1024;

    private final Path path;
    private final int slotCount;
    private final int capacity;
    private final MappedByteBuffer map;
    private final int entriesStart;
    private volatile int count;
    private long allocatedEnd;
    private boolean dirty;

    private KeyIndexFile(Path path, int slotCount, int capacity, MappedByteBuffer map, int count, long allocatedEnd) {
        this.path = path;
        this.slotCount = slotCount;
        this.capacity = capacity;
        this.map = map;
        this.entriesStart = HEADER_BYTES + slotCount * 4;
        this.count = count;
        this.allocatedEnd = allocatedEnd;
    }

    static Path pathFor(Path logDirectory, long segmentBasePosition) {
        return logDirectory.resolve(Segment.fileName(segmentBasePosition) + SUFFIX);
    }

    /** Creates an empty key index (replacing any file there) with {@code capacity} entries. */
    static KeyIndexFile create(Path path, int capacity) throws IOException {
        int slotCount = Integer.highestOneBit(Math.max(16, capacity / 2));
        long entriesStart = HEADER_BYTES + slotCount * 4L;
        long size = entriesStart + (long) capacity * ENTRY_BYTES;
        Files.deleteIfExists(path);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            Zeros.write(channel, 0, entriesStart, () -> false);
            ByteBuffer header = ByteBuffer.allocate(12).putInt(MAGIC).putInt(slotCount).putInt(capacity).flip();
            channel.write(header, 0);
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            return new KeyIndexFile(path, slotCount, capacity, map, 0, entriesStart);
        }
    }

    /** Opens a key index; null when it is missing or its header is not one. */
    static KeyIndexFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size < HEADER_BYTES) {
                return null;
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            int slotCount = map.getInt(4);
            int capacity = map.getInt(8);
            int count = map.getInt(COUNT_OFFSET);
            long expected = HEADER_BYTES + slotCount * 4L + (long) capacity * ENTRY_BYTES;
            if (map.getInt(0) != MAGIC || slotCount <= 0 || Integer.bitCount(slotCount) != 1 || capacity <= 0
                    || count < 0 || count > capacity || expected != size) {
                return null;
            }
            long entriesEnd = HEADER_BYTES + slotCount * 4L + (long) count * ENTRY_BYTES;
            return new KeyIndexFile(path, slotCount, capacity, map, count, (entriesEnd + 4095) & ~4095L);
        }
    }

    Path path() {
        return path;
    }

    int count() {
        return count;
    }

    /**
     * Adds a record: false when the file is full (the record is then not found by key). Writer
     * thread only.
     *
     * @throws IOException when claiming blocks fails (a full disk)
     */
    boolean add(int hash, long logPosition, long offset) throws IOException {
        int entry = count;
        if (entry == capacity) {
            return false;
        }
        long at = entriesStart + (long) entry * ENTRY_BYTES;
        if (at + ENTRY_BYTES > allocatedEnd) {
            long end = Math.min(entriesStart + (long) capacity * ENTRY_BYTES, (at + ENTRY_BYTES + CHUNK_BYTES - 1)
                    / CHUNK_BYTES * CHUNK_BYTES);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                Zeros.write(channel, allocatedEnd, end, () -> false);
            }
            allocatedEnd = end;
        }
        int slot = HEADER_BYTES + (hash & (slotCount - 1)) * 4;
        int position = (int) at;
        map.putInt(position, hash);
        map.putInt(position + 4, map.getInt(slot));
        map.putLong(position + 8, logPosition);
        map.putLong(position + 16, offset);
        map.putInt(slot, entry + 1);
        map.putInt(COUNT_OFFSET, entry + 1);
        count = entry + 1;
        dirty = true;
        return true;
    }

    /** Visits one candidate; returns false to stop. */
    @FunctionalInterface
    interface CandidateVisitor {
        boolean visit(long logPosition, long offset);
    }

    /** Visits the entries with this hash, newest first, until the visitor returns false. Any thread. */
    boolean visit(int hash, CandidateVisitor visitor) {
        int slot = HEADER_BYTES + (hash & (slotCount - 1)) * 4;
        int next = map.getInt(slot);
        // The slot may already name an entry the writer has not published: wait for it (it is
        // written before the slot, and published right after).
        for (int spins = 0; next > count; spins++) {
            if (spins == 1_000_000) {
                return true; // the writer died between the two writes: the chain is not readable
            }
            Thread.onSpinWait();
        }
        while (next > 0) {
            int position = entriesStart + (next - 1) * ENTRY_BYTES;
            if (map.getInt(position) == hash && !visitor.visit(map.getLong(position + 8), map.getLong(position + 16))) {
                return false;
            }
            next = map.getInt(position + 4);
        }
        return true;
    }

    boolean takeDirty() {
        boolean was = dirty;
        dirty = false;
        return was;
    }

    void force() {
        map.force();
    }

    void delete() throws IOException {
        Files.deleteIfExists(path);
    }
}
