package dev.sluice.record;

import java.nio.ByteBuffer;

/** Kafka's varint encoding: unsigned LEB128 of the zig-zag encoded value. Stateless. */
public final class Varint {
    private Varint() {}

    /**
     * Reads an unsigned 32-bit varint at {@code position}, reading no byte at or past {@code end}.
     *
     * @return the raw (not yet zig-zag decoded) value in the high 32 bits and the number of bytes
     *     read in the low 32 bits, or -1 if the varint is malformed or runs past {@code end}; a
     *     valid result is negative when the raw value uses bit 31, so test for {@code == -1}
     */
    public static long readUnsignedVarint(ByteBuffer buffer, int position, int end) {
        int value = 0;
        for (int i = 0; i < 5; i++) {
            if (position + i >= end) {
                return -1;
            }
            int b = buffer.get(position + i) & 0xff;
            value |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (i == 4 && (b & 0xf0) != 0) {
                    return -1;
                }
                return ((long) value << 32) | (i + 1);
            }
        }
        return -1;
    }

    public static int zigZagDecode(int raw) {
        return (raw >>> 1) ^ -(raw & 1);
    }

    public static int zigZagEncode(int value) {
        return (value << 1) ^ (value >> 31);
    }

    public static long zigZagEncode(long value) {
        return (value << 1) ^ (value >> 63);
    }

    /** Bytes that {@link #writeVarint(ByteBuffer, int)} takes for {@code value}. */
    public static int sizeOfVarint(int value) {
        return sizeOfUnsignedVarint(zigZagEncode(value));
    }

    public static int sizeOfVarlong(long value) {
        long v = zigZagEncode(value);
        int bytes = 1;
        while ((v & 0xffffffffffffff80L) != 0L) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }

    public static int sizeOfUnsignedVarint(int value) {
        int bytes = 1;
        while ((value & 0xffffff80) != 0) {
            bytes++;
            value >>>= 7;
        }
        return bytes;
    }

    /** Writes a zig-zag varint at the buffer's position, advancing it. */
    public static void writeVarint(ByteBuffer buffer, int value) {
        writeUnsignedVarint(buffer, zigZagEncode(value));
    }

    public static void writeUnsignedVarint(ByteBuffer buffer, int value) {
        while ((value & 0xffffff80) != 0) {
            buffer.put((byte) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        buffer.put((byte) value);
    }

    public static void writeVarlong(ByteBuffer buffer, long value) {
        long v = zigZagEncode(value);
        while ((v & 0xffffffffffffff80L) != 0L) {
            buffer.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buffer.put((byte) v);
    }
}
