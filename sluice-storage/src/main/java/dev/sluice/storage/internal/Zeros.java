package dev.sluice.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.BooleanSupplier;

/**
 * Writes zeros through a file channel, which makes the file system allocate the blocks: the one
 * way to claim disk space from Java that fails with an {@link IOException} on a full disk (a write
 * through a mapping into a hole would be a SIGBUS). Stateless.
 */
final class Zeros {
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private Zeros() {}

    /**
     * Writes zeros over {@code [from, to)} of the file, 1 MiB a call, checking {@code stop} between
     * calls.
     *
     * @return the position reached: {@code to}, or less when stopped
     */
    static long write(FileChannel channel, long from, long to, BooleanSupplier stop) throws IOException {
        long position = from;
        while (position < to && !stop.getAsBoolean()) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), to - position));
            while (zeros.hasRemaining()) {
                position += channel.write(zeros, position);
            }
        }
        return position;
    }
}
