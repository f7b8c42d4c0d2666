package dev.sluice.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The header of one frame: the raw {@code api} id (an unknown id must still be answered, so it
 * is kept as a number; {@link #apiKey()} resolves it), {@code version}, {@code correlationId}
 * and {@code flags}. See {@link FrameDescriptor} for the layout. Immutable.
 */
public record FrameHeader(short apiId, short version, int correlationId, short flags) {

    /**
     * Reads the header of a whole frame as {@link FrameDecoder} emits it (length field
     * included), leaving the reader index at the body's first byte and the body as the rest of
     * the readable bytes. Checks only the structure: the length field must equal the bytes
     * after it. The api, version and flags are checked by {@link Frames#decodeRequest(FrameHeader,
     * ByteBuf)} or by the caller, so that a bad one can still be answered with this header's
     * correlation id.
     *
     * @throws ProtocolException {@link ErrorCode#CORRUPT_FRAME} if the frame is shorter than a
     *     header or its length field disagrees with its size
     */
    public static FrameHeader decode(ByteBuf frame) {
        int readable = frame.readableBytes();
        if (readable < FrameDescriptor.BODY_OFFSET) {
            throw ProtocolException.corruptFrame(
                    "frame of %d bytes is shorter than its %d-byte header",
                    readable, FrameDescriptor.BODY_OFFSET);
        }
        int start = frame.readerIndex();
        int length = FrameDescriptor.length(frame, start);
        if (length != readable - FrameDescriptor.LENGTH_FIELD_BYTES) {
            throw ProtocolException.corruptFrame(
                    "frame length field %d disagrees with the %d bytes after it",
                    length, readable - FrameDescriptor.LENGTH_FIELD_BYTES);
        }
        FrameHeader header = new FrameHeader(
                FrameDescriptor.api(frame, start),
                FrameDescriptor.version(frame, start),
                FrameDescriptor.correlationId(frame, start),
                FrameDescriptor.flags(frame, start));
        frame.skipBytes(FrameDescriptor.BODY_OFFSET);
        return header;
    }

    /** Writes a header with a zero length field; {@link Frames} patches the length. */
    void encode(ByteBuf out) {
        out.writeInt(0);
        out.writeShort(apiId);
        out.writeShort(version);
        out.writeInt(correlationId);
        out.writeShort(flags);
    }

    /**
     * The api of this frame.
     *
     * @throws ProtocolException {@link ErrorCode#UNSUPPORTED_API} for an unknown id
     */
    public ApiKey apiKey() {
        return ApiKey.forId(apiId);
    }

    public boolean isResponse() {
        return (flags & FrameDescriptor.FLAG_RESPONSE) != 0;
    }

    public boolean isOneway() {
        return (flags & FrameDescriptor.FLAG_ONEWAY) != 0;
    }

    public boolean isPush() {
        return (flags & FrameDescriptor.FLAG_PUSH) != 0;
    }
}
