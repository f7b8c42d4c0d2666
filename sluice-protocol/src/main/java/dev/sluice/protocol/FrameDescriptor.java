package dev.sluice.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The layout of a native protocol frame. Offsets are from the frame's first byte (the length
 * field); every integer is big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |            length (int32, bytes after this field)             |  0
 *  +-------------------------------+-------------------------------+
 *  |           api (int16)         |         version (int16)       |  4, 6
 *  +-------------------------------+-------------------------------+
 *  |                     correlation id (int32)                    |  8
 *  +-------------------------------+-------------------------------+
 *  |          flags (int16)        |    body ... (length - 10)     | 12, 14
 *  +-------------------------------+-------------------------------+
 * </pre>
 *
 * <p>{@code length} lies in {@code [FRAME_LENGTH_MIN, frameBytesMax]}; a length outside it
 * cannot be trusted, so the connection closes. Flags: bit 0 {@link #FLAG_RESPONSE}, bit 1
 * {@link #FLAG_ONEWAY}, bit 2 {@link #FLAG_PUSH}; the other bits must be zero. Stateless and
 * thread-safe.
 */
public final class FrameDescriptor {
    public static final int LENGTH_OFFSET = 0;
    public static final int API_OFFSET = 4;
    public static final int VERSION_OFFSET = 6;
    public static final int CORRELATION_ID_OFFSET = 8;
    public static final int FLAGS_OFFSET = 12;
    public static final int BODY_OFFSET = 14;

    /** Bytes of the length field, which its value does not count. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** Bytes of the header after the length field: api, version, correlation id, flags. */
    public static final int HEADER_BYTES = BODY_OFFSET - LENGTH_FIELD_BYTES;
    /** The smallest valid {@code length}: a header with an empty body. */
    public static final int FRAME_LENGTH_MIN = HEADER_BYTES;

    /** Set on every answer. */
    public static final short FLAG_RESPONSE = 1;
    /** The sender wants no answer. */
    public static final short FLAG_ONEWAY = 1 << 1;
    /** A broker-initiated frame; its correlation id is a subscription id. */
    public static final short FLAG_PUSH = 1 << 2;
    /** Every flag v1 defines; other bits must be zero. */
    public static final short FLAGS_KNOWN = FLAG_RESPONSE | FLAG_ONEWAY | FLAG_PUSH;

    private FrameDescriptor() {}

    /** The length field of the frame starting at {@code start}. */
    public static int length(ByteBuf buffer, int start) {
        return buffer.getInt(start + LENGTH_OFFSET);
    }

    public static short api(ByteBuf buffer, int start) {
        return buffer.getShort(start + API_OFFSET);
    }

    public static short version(ByteBuf buffer, int start) {
        return buffer.getShort(start + VERSION_OFFSET);
    }

    public static int correlationId(ByteBuf buffer, int start) {
        return buffer.getInt(start + CORRELATION_ID_OFFSET);
    }

    public static short flags(ByteBuf buffer, int start) {
        return buffer.getShort(start + FLAGS_OFFSET);
    }

    /**
     * Checks a frame's {@code length} field against {@code [FRAME_LENGTH_MIN, frameBytesMax]}.
     *
     * @throws ProtocolException {@link ErrorCode#FRAME_TOO_LARGE} above the limit,
     *     {@link ErrorCode#CORRUPT_FRAME} below the minimum (a negative length included)
     */
    public static void checkLength(int length, int frameBytesMax) {
        if (length > frameBytesMax) {
            throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE, String.format(
                    "frame length %,d exceeds frameBytesMax %,d", length, frameBytesMax));
        }
        if (length < FRAME_LENGTH_MIN) {
            throw ProtocolException.corruptFrame(
                    "frame length %d is below the header's %d bytes", length, FRAME_LENGTH_MIN);
        }
    }

    /**
     * Checks that {@code flags} sets no bit v1 leaves undefined.
     *
     * @throws ProtocolException {@link ErrorCode#CORRUPT_FRAME} otherwise
     */
    public static void checkFlags(short flags) {
        if ((flags & ~FLAGS_KNOWN) != 0) {
            throw ProtocolException.corruptFrame(
                    "flags 0x%04x set undefined bits (defined: 0x%04x)", flags, FLAGS_KNOWN);
        }
    }
}
