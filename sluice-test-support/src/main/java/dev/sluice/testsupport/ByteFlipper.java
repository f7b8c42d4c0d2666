package dev.sluice.testsupport;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Random;

/**
 * Damages files on purpose, for corruption tests: flips, overwrites or cuts bytes of an existing
 * file in place, through a {@link FileChannel}, and forces each change to disk before returning
 * (so a child JVM or a reopened store sees it, and a later crash does not undo it).
 *
 * <p>Every method works inside the file's current bounds and never grows it: a position or
 * range outside {@code [0, size)} is an {@link IllegalArgumentException} naming the file, the
 * position and the size, rather than a silent no-op or a hole. Stateless and thread-safe; two
 * threads damaging the same bytes at once get no ordering guarantee.
 */
public final class ByteFlipper {
    /** The mask {@link #flip(Path, long)} uses: every bit of the byte changes. */
    public static final int ALL_BITS = 0xFF;

    private ByteFlipper() {}

    /**
     * XORs the byte at {@code position} with {@link #ALL_BITS} and returns its old value.
     *
     * @throws IllegalArgumentException if {@code position} is outside the file
     */
    public static byte flip(Path file, long position) throws IOException {
        return flip(file, position, ALL_BITS);
    }

    /**
     * XORs the byte at {@code position} with {@code mask} (1 to 255: a zero mask would change
     * nothing) and returns its old value. {@code mask} 0x01 flips the lowest bit only.
     *
     * @throws IllegalArgumentException if {@code position} is outside the file or the mask is
     *     not in 1..255
     */
    public static byte flip(Path file, long position, int mask) throws IOException {
        if (mask < 1 || mask > 0xFF) {
            throw new IllegalArgumentException(String.format(
                    "mask must be in 1..255 so the byte changes: %d", mask));
        }
        try (FileChannel channel = openForWrite(file)) {
            checkRange(file, channel.size(), position, 1);
            byte old = readFully(channel, position, 1)[0];
            writeFully(channel, position, new byte[] {(byte) (old ^ mask)});
            channel.force(false);
            return old;
        }
    }

    /**
     * Flips ({@link #flip(Path, long)}) one byte at a position drawn uniformly from {@code
     * [fromPosition, toPosition)} with {@code random}, and returns that position: print it, or
     * derive the {@code Random} from a printed seed, so a failure can be replayed.
     *
     * @throws IllegalArgumentException if the range is empty or reaches outside the file
     */
    public static long flipRandom(Path file, long fromPosition, long toPosition, Random random)
            throws IOException {
        Objects.requireNonNull(random, "random");
        if (fromPosition >= toPosition) {
            throw new IllegalArgumentException(String.format(
                    "empty range [%,d, %,d) to flip a byte in %s", fromPosition, toPosition, file));
        }
        checkRange(file, Files.size(file), fromPosition, toPosition - fromPosition);
        long position = fromPosition + random.nextLong(toPosition - fromPosition);
        flip(file, position);
        return position;
    }

    /**
     * Writes {@code bytes} over the file's bytes from {@code position}.
     *
     * @throws IllegalArgumentException if {@code [position, position + bytes.length)} reaches
     *     outside the file (this never appends)
     */
    public static void overwrite(Path file, long position, byte[] bytes) throws IOException {
        try (FileChannel channel = openForWrite(file)) {
            checkRange(file, channel.size(), position, bytes.length);
            writeFully(channel, position, bytes);
            channel.force(false);
        }
    }

    /**
     * Cuts the file to {@code sizeBytes}, as a crash in the middle of an append can leave it
     * (a torn tail); forces the new size, a metadata change, to disk.
     *
     * @throws IllegalArgumentException if {@code sizeBytes} is negative or larger than the file
     */
    public static void truncate(Path file, long sizeBytes) throws IOException {
        try (FileChannel channel = openForWrite(file)) {
            long fileBytes = channel.size();
            if (sizeBytes < 0 || sizeBytes > fileBytes) {
                throw new IllegalArgumentException(String.format(
                        "cannot truncate %s to %,d bytes: must be in [0, %,d], its size",
                        file, sizeBytes, fileBytes));
            }
            channel.truncate(sizeBytes);
            channel.force(true);
        }
    }

    /**
     * Reads {@code length} bytes from {@code position}.
     *
     * @throws IllegalArgumentException if the range reaches outside the file
     */
    public static byte[] read(Path file, long position, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            checkRange(file, channel.size(), position, length);
            return readFully(channel, position, length);
        }
    }

    private static FileChannel openForWrite(Path file) throws IOException {
        // No CREATE: damaging a file that does not exist is a test bug, not a new empty file.
        return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static void checkRange(Path file, long fileBytes, long position, long length) {
        if (length < 0 || position < 0 || position > fileBytes - length) {
            throw new IllegalArgumentException(String.format(
                    "range [%,d, %,d) (%,d bytes) is outside %s, whose size is %,d bytes",
                    position, position + length, length, file, fileBytes));
        }
    }

    private static byte[] readFully(FileChannel channel, long position, int length)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int readBytes = channel.read(buffer, position + buffer.position());
            if (readBytes < 0) {
                throw new EOFException(String.format(
                        "file ended at %,d while reading %,d bytes from position %,d",
                        position + buffer.position(), length, position));
            }
        }
        return buffer.array();
    }

    private static void writeFully(FileChannel channel, long position, byte[] bytes)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, position + buffer.position());
        }
    }
}
