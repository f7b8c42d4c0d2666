package dev.sluice.broker.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands out producer ids that this broker never handed out before, in blocks of
 * {@link #BLOCK_SIZE}: the end of the current block is persisted in the {@code producer-ids} file
 * (one line, {@code next <id>}; write temp, fsync, rename, fsync the directory) before any id of
 * the block is given out.
 *
 * <p><b>Crash.</b> Ids of a block not used before the crash are skipped, never reused. The floor
 * given to {@link #open} (the highest producer id in the log + 1) guards against a lost file.
 * Thread-safe.
 */
public final class ProducerIdAllocator {
    /** Ids persisted per file write. */
    public static final long BLOCK_SIZE = 1000;
    private static final String FILE = "producer-ids";

    private final Path file;
    private long next;
    private long blockEnd;

    private ProducerIdAllocator(Path directory, long next) {
        this.file = directory.resolve(FILE);
        this.next = next;
        this.blockEnd = next;
    }

    /** Reads the file in {@code directory} (absent: start at 0), never going below {@code floor}. */
    public static ProducerIdAllocator open(Path directory, long floor) {
        Path file = directory.resolve(FILE);
        long next = 0;
        try {
            if (Files.exists(file)) {
                String line = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!line.startsWith("next ")) {
                    throw new IllegalStateException("producer id file " + file + " is not 'next <id>': '" + line + "'");
                }
                next = Long.parseLong(line.substring(5));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read producer id file " + file, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("producer id file " + file + " holds no number", e);
        }
        return new ProducerIdAllocator(directory, Math.max(next, floor));
    }

    /** A fresh producer id; writes and fsyncs the file once per block. */
    public synchronized long allocate() {
        if (next == blockEnd) {
            write(next + BLOCK_SIZE);
            blockEnd = next + BLOCK_SIZE;
        }
        return next++;
    }

    private void write(long end) {
        try {
            AtomicFiles.replace(file, "next " + end + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write producer id file " + file, e);
        }
    }
}
