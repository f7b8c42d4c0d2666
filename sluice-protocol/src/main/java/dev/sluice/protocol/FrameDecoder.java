package dev.sluice.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into frames, for the server and the client alike. Emits one
 * {@link ByteBuf} per whole frame, <em>including</em> its 4-byte length field (so
 * {@link FrameHeader#decode} can check it), as a retained slice of the input: the next handler
 * owns it and must release it. Decode its header with {@link FrameHeader#decode}, then its body
 * with {@link Frames}.
 *
 * <p>A length field outside {@code [10, frameBytesMax]} means nothing after it can be trusted:
 * the decoder fires {@code exceptionCaught} with a {@link ProtocolException}
 * ({@link ErrorCode#FRAME_TOO_LARGE} above the limit, {@link ErrorCode#CORRUPT_FRAME} below the
 * minimum) once, then discards every later byte; the handler that sees it closes the
 * connection. One instance per channel (not sharable); runs on the channel's event loop.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private final int frameBytesMax;
    private boolean failed;

    /** A decoder with the default limit, {@link Protocol#FRAME_BYTES_MAX_DEFAULT}. */
    public FrameDecoder() {
        this(Protocol.FRAME_BYTES_MAX_DEFAULT);
    }

    /**
     * A decoder accepting frames whose length field is at most {@code frameBytesMax}.
     *
     * @throws IllegalArgumentException if {@code frameBytesMax} is below the 10-byte header
     */
    public FrameDecoder(int frameBytesMax) {
        if (frameBytesMax < FrameDescriptor.FRAME_LENGTH_MIN
                || frameBytesMax > Integer.MAX_VALUE - FrameDescriptor.LENGTH_FIELD_BYTES) {
            throw new IllegalArgumentException(String.format(
                    "frameBytesMax %d must lie in [%d, %d]", frameBytesMax,
                    FrameDescriptor.FRAME_LENGTH_MIN,
                    Integer.MAX_VALUE - FrameDescriptor.LENGTH_FIELD_BYTES));
        }
        this.frameBytesMax = frameBytesMax;
    }

    /** The largest length field this decoder accepts. */
    public int frameBytesMax() {
        return frameBytesMax;
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < FrameDescriptor.LENGTH_FIELD_BYTES) {
            return;
        }
        int length = FrameDescriptor.length(in, in.readerIndex());
        try {
            FrameDescriptor.checkLength(length, frameBytesMax);
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            context.fireExceptionCaught(e);
            return;
        }
        int frameBytes = FrameDescriptor.LENGTH_FIELD_BYTES + length;
        if (in.readableBytes() < frameBytes) {
            return;
        }
        out.add(in.readRetainedSlice(frameBytes));
    }
}
