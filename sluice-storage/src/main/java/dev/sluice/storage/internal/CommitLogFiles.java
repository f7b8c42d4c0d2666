package dev.sluice.storage.internal;

import dev.sluice.storage.CorruptLogException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The ordered set of commit-log segments in {@code <data>/log}. Positions are global: a segment
 * starts where the previous one ends, so a position names one byte of the whole log.
 *
 * <p>Thread-safety: the segment array is copy-on-write; {@link #roll}, {@link #deleteOldest} and
 * {@link #removeFrom} run on the writer thread (or in recovery), lookups from any thread.
 */
public final class CommitLogFiles {
    private final Path directory;
    private volatile Segment[] segments;

    private CommitLogFiles(Path directory, Segment[] segments) {
        this.directory = directory;
        this.segments = segments;
    }

    /**
     * Opens the segments in {@code directory}, creating the first one (zero-filled when asked)
     * when there are none.
     *
     * @throws CorruptLogException when the segments do not follow each other (a gap or overlap)
     */
    public static CommitLogFiles open(Path directory, int segmentBytes, boolean zeroFill) throws IOException {
        Files.createDirectories(directory);
        SegmentPreallocator.deleteLeftovers(directory);
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + Segment.SUFFIX)) {
            stream.forEach(files::add);
        }
        files.sort(Comparator.comparing(CommitLogFiles::basePositionOf));
        List<Segment> opened = new ArrayList<>();
        try {
            for (Path file : files) {
                long base = basePositionOf(file);
                if (!opened.isEmpty() && opened.get(opened.size() - 1).endPosition() != base) {
                    Segment previous = opened.get(opened.size() - 1);
                    throw new CorruptLogException("segment " + file + " starts at " + base + " but the previous one, "
                            + previous.path() + ", ends at " + previous.endPosition() + "; a segment is missing");
                }
                opened.add(Segment.open(file, base, segmentBytes));
            }
            if (opened.isEmpty()) {
                opened.add(Segment.create(directory, 0, segmentBytes, zeroFill));
                fsyncDirectory(directory);
            }
        } catch (IOException | RuntimeException e) {
            for (Segment segment : opened) {
                segment.close();
            }
            throw e;
        }
        return new CommitLogFiles(directory, opened.toArray(new Segment[0]));
    }

    private static long basePositionOf(Path file) {
        String name = file.getFileName().toString();
        String digits = name.substring(0, name.length() - Segment.SUFFIX.length());
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new CorruptLogException("'" + file + "' is not a segment name (20 digits + .log)", e);
        }
    }

    public Segment[] segments() {
        return segments;
    }

    public Segment first() {
        return segments[0];
    }

    public Segment last() {
        Segment[] current = segments;
        return current[current.length - 1];
    }

    /** The first position still on disk. */
    public long startPosition() {
        return segments[0].basePosition();
    }

    /** The segment holding {@code position}, or null when it is before the start or past the end. */
    public Segment segmentFor(long position) {
        Segment[] current = segments;
        int low = 0;
        int high = current.length - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            Segment segment = current[middle];
            if (position < segment.basePosition()) {
                high = middle - 1;
            } else if (position >= segment.endPosition()) {
                low = middle + 1;
            } else {
                return segment;
            }
        }
        return null;
    }

    /** Sum of the segments' sizes. */
    public long totalBytes() {
        long total = 0;
        for (Segment segment : segments) {
            total += segment.capacity();
        }
        return total;
    }

    /**
     * Starts the next segment after the last, from {@code zeroFilled} (renamed into place) when
     * given, else as a new sparse file, and makes its name durable. Writer thread only.
     */
    Segment roll(int segmentBytes, Path zeroFilled) throws IOException {
        long base = last().endPosition();
        Segment next;
        if (zeroFilled != null) {
            Path path = directory.resolve(Segment.fileName(base));
            Files.move(zeroFilled, path, StandardCopyOption.ATOMIC_MOVE);
            next = Segment.open(path, base, segmentBytes);
        } else {
            next = Segment.create(directory, base, segmentBytes, false);
        }
        fsyncDirectory(directory);
        Segment[] current = segments;
        Segment[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = next;
        segments = grown;
        return next;
    }

    /** Deletes the oldest segment; never the last one. Writer thread only. */
    Segment deleteOldest() throws IOException {
        Segment[] current = segments;
        Invariants.check(current.length > 1, "the active segment %s cannot be deleted", current[0]);
        segments = Arrays.copyOfRange(current, 1, current.length);
        current[0].closeAndDelete();
        return current[0];
    }

    /** Deletes every segment after {@code keep}. Recovery only. */
    void removeAfter(Segment keep) throws IOException {
        Segment[] current = segments;
        int index = Arrays.asList(current).indexOf(keep);
        Invariants.check(index >= 0, "segment %s is not in the log", keep);
        segments = Arrays.copyOf(current, index + 1);
        for (int i = index + 1; i < current.length; i++) {
            current[i].closeAndDelete();
        }
        fsyncDirectory(directory);
    }

    void forceRange(long fromPosition, long toPosition) throws IOException {
        for (Segment segment : segments) {
            if (segment.endPosition() > fromPosition && segment.basePosition() < toPosition) {
                segment.force();
            }
        }
    }

    void close() throws IOException {
        IOException first = null;
        for (Segment segment : segments) {
            try {
                segment.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Makes a directory's entries (created, renamed, deleted files) durable. */
    public static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
