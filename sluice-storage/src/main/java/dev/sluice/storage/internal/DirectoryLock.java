package dev.sluice.storage.internal;

import dev.sluice.storage.StorageLockedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <data>/.lock}, held while a store is open, so two processes (or
 * two stores in one JVM) never write one directory. The file holds the owner's PID for the
 * error message; the lock, not the file, is what counts, so a crashed owner leaves no stale lock.
 */
public final class DirectoryLock implements AutoCloseable {
    static final String FILE_NAME = ".lock";
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws StorageLockedException when another process or store holds the directory */
    public static DirectoryLock acquire(Path directory) throws IOException {
        Path path = directory.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new StorageLockedException("data directory " + directory + " is already open in this JVM");
            }
            if (lock == null) {
                String owner = readOwner(channel);
                throw new StorageLockedException("data directory " + directory + " is in use by another process"
                        + (owner.isEmpty() ? "" : " (pid " + owner + ")") + "; lock file " + path);
            }
            byte[] pid = Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new DirectoryLock(channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close(); // releases the lock too, if it was taken
            throw e;
        }
    }

    private static String readOwner(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
