package dev.sluice.storage.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the next commit-log segment ahead of the writer: a file of {@code segmentBytes} zeros
 * written through the channel and fsynced, so that its blocks are allocated before any append lands
 * in it. An fdatasync of writes into allocated blocks flushes data pages only; into a sparse file it
 * must also commit the block allocation through the filesystem journal. Measured on this machine's
 * ext4 with 1 MiB synchronous writes: 750 MB/s into zero-filled blocks, 440–500 MB/s into a sparse
 * file. It costs a second write of every segment, on a background thread, so it is on by default
 * under SYNC flush (bound by fsync latency) and off under ASYNC (bound by bandwidth).
 *
 * <p>The file is named {@code *.prealloc} until the writer {@link #take() takes} it and renames it
 * into place, so recovery never mistakes it for log; leftovers are deleted at open. When no file is
 * ready at a roll the writer creates a sparse segment instead and never waits. Thread: one
 * background thread; {@link #take()} from the writer.
 */
public final class SegmentPreallocator implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(SegmentPreallocator.class);
    static final String SUFFIX = ".prealloc";
    private static final long RETRY_AFTER_FAILURE_NS = 10_000_000_000L;

    private final Path directory;
    private final int segmentBytes;
    private final AtomicReference<Path> ready = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile Thread thread;
    private long sequence;

    SegmentPreallocator(Path directory, int segmentBytes) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
    }

    void start(Thread owner) {
        thread = owner;
        owner.start();
    }

    /** A zero-filled segment-sized file to rename into place, or null when none is ready. Writer thread. */
    Path take() {
        Path file = ready.getAndSet(null);
        LockSupport.unpark(thread);
        return file;
    }

    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        while (!stopping) {
            if (ready.get() != null) {
                LockSupport.park(this);
                continue;
            }
            Path file = directory.resolve("next-" + sequence++ + SUFFIX);
            try {
                zeroFill(file);
                ready.set(file);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(file);
                if (stopping) {
                    break;
                }
                LOGGER.warn("could not preallocate a segment in {} (next segment will be sparse): {}", directory,
                        e.toString());
                LockSupport.parkNanos(this, RETRY_AFTER_FAILURE_NS);
            }
        }
        Path unused = ready.getAndSet(null);
        if (unused != null) {
            deleteQuietly(unused);
        }
    }

    private void zeroFill(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (Zeros.write(channel, 0, segmentBytes, () -> stopping) < segmentBytes) {
                throw new IOException("stopped while preallocating " + file);
            }
            channel.force(true);
        }
    }

    /** Deletes preallocated files a previous run left. */
    static void deleteLeftovers(Path directory) throws IOException {
        try (var stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : stream) {
                Files.delete(file);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOGGER.warn("could not delete {}: {}", file, e.toString());
        }
    }
}
