package dev.sluice.client.internal;

import dev.sluice.client.SpoolConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a producer spool: segments {@code spool-<first sequence>.log} of entries
 * {@code [length int32][crc32c int32][sequence int64][payload]} (the length counts what follows it,
 * the CRC covers sequence and payload), a {@code spool.checkpoint} file naming the highest sequence
 * below which everything is acknowledged, a {@code spool.id} file, and a {@code spool.lock} file
 * held while a producer uses the directory.
 *
 * <p>Opening recovers: entries past the checkpoint are handed back as {@link #recovered()}; a torn or
 * corrupt tail of the newest segment is cut off (a crash mid-write), a corrupt entry in an older
 * segment ends that segment's recovery and is counted in {@link #corruptEntries()}.
 *
 * <p>Thread-safe: appends, forces and checkpoints are serialised on this object; reads are positional.
 */
public final class SpoolLog implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolLog.class);
    /** Length, CRC and sequence. */
    public static final int ENTRY_OVERHEAD = 4 + 4 + 8;
    private static final String CHECKPOINT = "spool.checkpoint";
    private static final String ID = "spool.id";
    private static final String LOCK = "spool.lock";

    /** Where one entry lies. */
    public record Entry(long sequence, Segment segment, long position, int size) {}

    /** One spool file. */
    public static final class Segment {
        final Path path;
        final long baseSequence;
        final FileChannel channel;
        long size;
        long lastSequence;

        Segment(Path path, long baseSequence, FileChannel channel, long size) {
            this.path = path;
            this.baseSequence = baseSequence;
            this.channel = channel;
            this.size = size;
            this.lastSequence = baseSequence - 1;
        }
    }

    private final SpoolConfig config;
    private final String spoolId;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<Segment> segments = new ArrayList<>();
    private final List<Entry> recovered = new ArrayList<>();
    private long corruptEntries;
    private long nextSequence;
    private long checkpointed;
    private boolean dirty;

    private SpoolLog(SpoolConfig config, String spoolId, FileChannel lockChannel, FileLock lock) {
        this.config = config;
        this.spoolId = spoolId;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (creating if needed) and recovers the spool in {@code config.directory()}.
     *
     * @throws IllegalStateException if another producer holds the directory
     * @throws UncheckedIOException if the directory cannot be used
     */
    public static SpoolLog open(SpoolConfig config) {
        Path dir = config.directory();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("spool directory " + dir + " is in use by another producer");
            }
            SpoolLog log = new SpoolLog(config, readOrCreateId(dir), lockChannel, lock);
            log.recover();
            return log;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new UncheckedIOException("cannot open the spool in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private static String readOrCreateId(Path dir) throws IOException {
        Path file = dir.resolve(ID);
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = UUID.randomUUID().toString();
        writeAtomically(dir, ID, id + "\n");
        return id;
    }

    private void recover() throws IOException {
        Path dir = config.directory();
        checkpointed = readCheckpoint(dir);
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.getFileName().toString().matches("spool-\\d{20}\\.log")).sorted().toList();
        }
        long highest = checkpointed;
        for (int i = 0; i < files.size(); i++) {
            Path path = files.get(i);
            String name = path.getFileName().toString();
            long base = Long.parseLong(name.substring(6, 26));
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Segment segment = new Segment(path, base, channel, channel.size());
            long validEnd = scan(segment, i == files.size() - 1);
            if (validEnd < segment.size) {
                channel.truncate(validEnd);
                channel.force(true);
                segment.size = validEnd;
            }
            highest = Math.max(highest, segment.lastSequence);
            segments.add(segment);
        }
        nextSequence = highest + 1;
        dirty = false;
        if (!recovered.isEmpty() || corruptEntries > 0) {
            LOGGER.info("spool {} recovered: {} unacknowledged messages, {} corrupt entries skipped",
                    dir, recovered.size(), corruptEntries);
        }
        deleteAcknowledgedSegments();
    }

    /** Reads a segment's entries; returns where its valid part ends. */
    private long scan(Segment segment, boolean newest) throws IOException {
        long position = 0;
        ByteBuffer header = ByteBuffer.allocate(ENTRY_OVERHEAD);
        while (position + ENTRY_OVERHEAD <= segment.size) {
            header.clear();
            readFully(segment.channel, header, position);
            header.flip();
            int length = header.getInt();
            int crc = header.getInt();
            long sequence = header.getLong();
            long end = position + 4 + (long) length;
            boolean plausible = length >= 12 && end <= segment.size && sequence > segment.lastSequence;
            if (plausible) {
                ByteBuffer payload = ByteBuffer.allocate(length - 12);
                readFully(segment.channel, payload, position + ENTRY_OVERHEAD);
                payload.flip();
                plausible = crc == crc(sequence, payload);
            }
            if (!plausible) {
                // A torn write leaves a short last entry; a bad entry with bytes after it is corruption.
                if (newest && end >= segment.size) {
                    LOGGER.warn("spool {}: cutting off a torn or corrupt tail at byte {} of {}", segment.path, position,
                            segment.size);
                } else {
                    corruptEntries++;
                    LOGGER.error("spool {}: corrupt entry at byte {}; the rest of this file ({} bytes) is skipped",
                            segment.path, position, segment.size - position);
                }
                return position;
            }
            segment.lastSequence = sequence;
            if (sequence > checkpointed) {
                recovered.add(new Entry(sequence, segment, position, (int) (end - position)));
            }
            position = end;
        }
        if (position < segment.size && newest) {
            LOGGER.warn("spool {}: cutting off a torn tail of {} bytes", segment.path, segment.size - position);
        }
        return position;
    }

    private static long readCheckpoint(Path dir) throws IOException {
        Path file = dir.resolve(CHECKPOINT);
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException("spool checkpoint " + file + " does not hold a number: '" + text + "'", e);
        }
    }

    /** This spool's id (a UUID made when the directory was first used). */
    public String spoolId() {
        return spoolId;
    }

    /** The entries found at open that were not acknowledged, in sequence order. */
    public List<Entry> recovered() {
        return List.copyOf(recovered);
    }

    /** Corrupt entries skipped at open (in segments older than the newest). */
    public long corruptEntries() {
        return corruptEntries;
    }

    /**
     * Appends one entry (written, not fsynced) and returns where it lies; {@code payloadFor} makes the
     * payload from the entry's sequence number.
     */
    public synchronized Entry append(java.util.function.LongFunction<ByteBuffer> payloadFor) {
        long sequence = nextSequence;
        ByteBuffer payload = payloadFor.apply(sequence);
        int payloadBytes = payload.remaining();
        Segment segment = activeSegment(ENTRY_OVERHEAD + payloadBytes);
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_OVERHEAD + payloadBytes);
        entry.putInt(12 + payloadBytes).putInt(crc(sequence, payload.duplicate())).putLong(sequence).put(payload);
        entry.flip();
        long position = segment.size;
        try {
            while (entry.hasRemaining()) {
                segment.channel.write(entry, position + entry.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the spool " + segment.path + ": " + e.getMessage(), e);
        }
        segment.size += entry.limit();
        segment.lastSequence = sequence;
        nextSequence++;
        dirty = true;
        return new Entry(sequence, segment, position, entry.limit());
    }

    private Segment activeSegment(int entryBytes) {
        Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        if (last != null && (last.size == 0 || last.size + entryBytes <= config.segmentBytes())) {
            return last;
        }
        try {
            if (last != null) {
                last.channel.force(false);
            }
            Path path = config.directory().resolve(String.format("spool-%020d.log", nextSequence));
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            forceDirectory(config.directory());
            Segment segment = new Segment(path, nextSequence, channel, 0);
            segments.add(segment);
            return segment;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a spool file in " + config.directory() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The payload of an entry, its CRC checked again. */
    public ByteBuffer read(Entry entry) {
        ByteBuffer payload = ByteBuffer.allocate(entry.size() - ENTRY_OVERHEAD);
        ByteBuffer crcField = ByteBuffer.allocate(4);
        try {
            readFully(entry.segment().channel, crcField, entry.position() + 4);
            readFully(entry.segment().channel, payload, entry.position() + ENTRY_OVERHEAD);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spool " + entry.segment().path + ": " + e.getMessage(), e);
        }
        payload.flip();
        if (crcField.getInt(0) != crc(entry.sequence(), payload.duplicate())) {
            throw new IllegalStateException("spool entry " + entry.sequence() + " in " + entry.segment().path
                    + " changed on disk (CRC mismatch)");
        }
        return payload;
    }

    /** Fsyncs what was appended; returns the highest sequence it covers. */
    public long force() {
        Segment active;
        long covered;
        synchronized (this) {
            covered = nextSequence - 1;
            if (!dirty || segments.isEmpty()) {
                return covered;
            }
            dirty = false;
            active = segments.get(segments.size() - 1);
        }
        try {
            active.channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync the spool " + active.path + ": " + e.getMessage(), e);
        }
        return covered;
    }

    /**
     * Records that every entry up to {@code sequence} is acknowledged (atomically replaced checkpoint
     * file) and deletes the files that hold only such entries.
     */
    public synchronized void checkpoint(long sequence) {
        if (sequence <= checkpointed) {
            return;
        }
        try {
            writeAtomically(config.directory(), CHECKPOINT, sequence + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the spool checkpoint in " + config.directory() + ": "
                    + e.getMessage(), e);
        }
        checkpointed = sequence;
        deleteAcknowledgedSegments();
    }

    /** The highest sequence appended so far (the checkpoint's at open if nothing was). */
    public synchronized long lastSequence() {
        return nextSequence - 1;
    }

    /** The highest sequence a checkpoint covers. */
    public synchronized long checkpointed() {
        return checkpointed;
    }

    /** The number of spool files. */
    public synchronized int segmentCount() {
        return segments.size();
    }

    private void deleteAcknowledgedSegments() {
        while (segments.size() > 1 && segments.get(0).lastSequence <= checkpointed) {
            Segment oldest = segments.remove(0);
            closeQuietly(oldest.channel);
            try {
                Files.deleteIfExists(oldest.path);
            } catch (IOException e) {
                LOGGER.warn("cannot delete the acknowledged spool file {}: {}", oldest.path, e.getMessage());
            }
        }
    }

    private static void writeAtomically(Path dir, String name, String content) throws IOException {
        Path temp = dir.resolve(name + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(dir);
    }

    /** Fsyncs a directory, so that a file created or renamed in it survives a machine crash. */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static int crc(long sequence, ByteBuffer payload) {
        CRC32C crc = new CRC32C();
        ByteBuffer seq = ByteBuffer.allocate(8).putLong(0, sequence);
        crc.update(seq);
        crc.update(payload);
        return (int) crc.getValue();
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int read = channel.read(into, at);
            if (read < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += read;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOGGER.debug("close failed", e);
            }
        }
    }

    /** Fsyncs, closes the files and releases the directory. */
    @Override
    public synchronized void close() {
        for (Segment segment : segments) {
            try {
                segment.channel.force(false);
            } catch (IOException e) {
                LOGGER.warn("cannot fsync the spool file {} at close: {}", segment.path, e.getMessage());
            }
            closeQuietly(segment.channel);
        }
        segments.clear();
        try {
            lock.release();
        } catch (IOException e) {
            LOGGER.debug("lock release failed", e);
        }
        closeQuietly(lockChannel);
    }
}
