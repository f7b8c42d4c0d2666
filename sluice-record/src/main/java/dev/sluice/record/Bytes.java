package dev.sluice.record;

import java.nio.ByteBuffer;

/** Small helpers for the byte buffers that records hold. Stateless. */
final class Bytes {
    /** Bytes shown by {@link #describe(ByteBuffer)} before it elides the rest. */
    private static final int DESCRIBE_BYTES_MAX = 16;

    private Bytes() {}

    /**
     * A read-only copy of {@code source}'s remaining bytes positioned at 0, or {@code null} for
     * {@code null}. The source's position is not changed.
     */
    static ByteBuffer frozenCopy(ByteBuffer source) {
        if (source == null) {
            return null;
        }
        byte[] copy = new byte[source.remaining()];
        source.get(source.position(), copy);
        return ByteBuffer.wrap(copy).asReadOnlyBuffer();
    }

    /** A short text for logs and test failures: the size and the first bytes in hex. */
    static String describe(ByteBuffer buffer) {
        if (buffer == null) {
            return "null";
        }
        int size = buffer.remaining();
        StringBuilder text = new StringBuilder().append(size).append(" bytes");
        if (size > 0) {
            text.append(" 0x");
            for (int i = 0; i < Math.min(size, DESCRIBE_BYTES_MAX); i++) {
                text.append(String.format("%02x", buffer.get(buffer.position() + i)));
            }
            if (size > DESCRIBE_BYTES_MAX) {
                text.append("...");
            }
        }
        return text.toString();
    }
}
