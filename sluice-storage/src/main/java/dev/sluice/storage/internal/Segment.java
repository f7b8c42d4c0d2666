package dev.sluice.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One commit-log segment file, named by its base position (20 digits) and preallocated to its
 * full size, so positions never move and a read mapping never runs past the end of the file.
 * Preallocation sets the length (a sparse file): space is claimed as data is written, and a full
 * disk surfaces as an {@link IOException} from {@link #write}, never as a SIGBUS, because writes
 * go through the channel and only reads use the mapping.
 *
 * <p>Thread-safety: {@link #write} and {@link #truncateTo} from the writer (or recovery) only;
 * {@link #force} from the flusher; {@link #view} from any thread. A view stays valid after the
 * segment is deleted (the mapping keeps the pages).
 */
public final class Segment {
    static final String SUFFIX = ".log";

    private final Path path;
    private final long basePosition;
    private final int capacity;
    private final FileChannel channel;
    private volatile MappedByteBuffer map;

    private Segment(Path path, long basePosition, int capacity, FileChannel channel) {
        this.path = path;
        this.basePosition = basePosition;
        this.capacity = capacity;
        this.channel = channel;
    }

    static String fileName(long basePosition) {
        return String.format("%020d%s", basePosition, SUFFIX);
    }

    /**
     * Creates a new segment of zeros, sparse or with its blocks written ({@link SegmentPreallocator}
     * says why); fails if the file exists.
     */
    static Segment create(Path directory, long basePosition, int capacity, boolean zeroFill) throws IOException {
        Path path = directory.resolve(fileName(basePosition));
        // Zero-filling takes seconds: do it under a name recovery ignores, so a crash meanwhile
        // never leaves a short segment.
        Path filling = zeroFill ? directory.resolve(fileName(basePosition) + SegmentPreallocator.SUFFIX) : path;
        FileChannel channel = FileChannel.open(filling, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            if (zeroFill) {
                Zeros.write(channel, 0, capacity, () -> false);
                channel.force(true);
                Files.move(filling, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } else {
                // Setting the length by writing the last byte makes the file its full size at once.
                channel.write(ByteBuffer.wrap(new byte[1]), capacity - 1L);
            }
            return new Segment(path, basePosition, capacity, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(filling);
            throw e;
        }
    }

    /**
     * Opens an existing segment. A file under 4 KiB and shorter than {@code expectedCapacity} (a
     * crash while it was being created sparse) is extended with zeros; a longer one keeps its size,
     * which may be an older {@code segmentBytes}.
     */
    static Segment open(Path path, long basePosition, int expectedCapacity) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException("segment " + path + " is " + size + " bytes, more than a mapping can hold");
            }
            int capacity = (int) size;
            if (size < expectedCapacity && size < 4096) {
                channel.write(ByteBuffer.wrap(new byte[1]), expectedCapacity - 1L);
                capacity = expectedCapacity;
            }
            return new Segment(path, basePosition, capacity, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public long basePosition() {
        return basePosition;
    }

    public int capacity() {
        return capacity;
    }

    /** The position just past this segment: the base position of the next one. */
    public long endPosition() {
        return basePosition + capacity;
    }

    public boolean contains(long position) {
        return position >= basePosition && position < endPosition();
    }

    /** Writes all of {@code source} at the log position {@code position}. Writer thread only. */
    void write(ByteBuffer source, long position) throws IOException {
        Invariants.check(position >= basePosition && position + source.remaining() <= endPosition(),
                "write of %d bytes at %d outside segment [%d, %d)", source.remaining(), position, basePosition,
                endPosition());
        long filePosition = position - basePosition;
        while (source.hasRemaining()) {
            filePosition += channel.write(source, filePosition);
        }
    }

    /** fsyncs the segment's data (not its metadata: the size never changes after creation). */
    void force() throws IOException {
        channel.force(false);
    }

    /**
     * A read-only view of the whole segment, index 0 being the base position. Mapped on first use.
     */
    public ByteBuffer view() throws IOException {
        MappedByteBuffer mapped = map;
        if (mapped == null) {
            synchronized (this) {
                mapped = map;
                if (mapped == null) {
                    mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, capacity);
                    map = mapped;
                }
            }
        }
        return mapped.duplicate();
    }

    /**
     * Zeroes the segment from {@code position} to its end by cutting the file there and growing it
     * back (the kernel then reads zeros). Recovery, or the writer after a failed write: readers only
     * read below the write position, so they never touch the pages cut; views keep their mapping.
     */
    void truncateTo(long position) throws IOException {
        Invariants.check(contains(position), "truncate at %d outside segment [%d, %d)", position, basePosition,
                endPosition());
        channel.truncate(position - basePosition);
        channel.write(ByteBuffer.wrap(new byte[1]), capacity - 1L);
        channel.force(true);
    }

    long lastModifiedMs() throws IOException {
        return Files.getLastModifiedTime(path).toMillis();
    }

    void close() throws IOException {
        channel.close();
    }

    void closeAndDelete() throws IOException {
        channel.close();
        Files.deleteIfExists(path);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
