package dev.sluice.protocol;

import dev.sluice.testsupport.NettyLeaks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private static final int FRAME_BYTES_MAX = 64;

    @AfterAll
    static void noLeaks() {
        NettyLeaks.assertNoLeaks();
    }

    @Test
    void emitsAFrameSplitIntoSingleBytesOnceWhole() {
        // given
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(FRAME_BYTES_MAX));
        byte[] frame = frameBytes(5, 1);

        // when every byte arrives alone
        for (int i = 0; i < frame.length; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {frame[i]}));
            if (i < frame.length - 1) {
                ByteBuf none = channel.readInbound();
                assertThat(none).isNull();
            }
        }

        // then one frame, length field included
        assertThat(readAll(channel)).containsExactly(ByteBufUtil.hexDump(frame));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void emitsEveryFrameOfOneMergedWrite() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(FRAME_BYTES_MAX));
        byte[] first = frameBytes(0, 1);
        byte[] second = frameBytes(7, 2);
        byte[] third = frameBytes(FRAME_BYTES_MAX - FrameDescriptor.HEADER_BYTES, 3);
        byte[] fourthHalf = Arrays.copyOf(frameBytes(3, 4), 9);

        channel.writeInbound(Unpooled.wrappedBuffer(first, second, third, fourthHalf));

        assertThat(readAll(channel)).containsExactly(
                ByteBufUtil.hexDump(first), ByteBufUtil.hexDump(second), ByteBufUtil.hexDump(third));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void acceptsLengthAtTheLimitAndTheMinimum() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(FRAME_BYTES_MAX));
        byte[] atMax = frameBytes(FRAME_BYTES_MAX - FrameDescriptor.HEADER_BYTES, 1);
        byte[] atMin = frameBytes(0, 2);
        assertThat(atMax.length).isEqualTo(FRAME_BYTES_MAX + 4);

        channel.writeInbound(Unpooled.wrappedBuffer(atMax), Unpooled.wrappedBuffer(atMin));

        assertThat(readAll(channel)).hasSize(2);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void failsOnLengthOneAboveTheLimitAndDiscardsTheRest() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(FRAME_BYTES_MAX));

        assertThatThrownBy(() -> channel.writeInbound(lengthOnly(FRAME_BYTES_MAX + 1)))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE))
                .hasMessage("frame length 65 exceeds frameBytesMax 64");

        // nothing after a bad length can be trusted: a valid frame is discarded too
        channel.writeInbound(Unpooled.wrappedBuffer(frameBytes(1, 1)));
        ByteBuf none = channel.readInbound();
        assertThat(none).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void failsOnTheDefaultLimitWithoutWaitingForTheBody() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());

        assertThatThrownBy(() -> channel.writeInbound(lengthOnly(Protocol.FRAME_BYTES_MAX_DEFAULT + 1)))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
        channel.finishAndReleaseAll();
    }

    @Test
    void failsOnLengthBelowTheHeader() {
        for (int length : new int[] {9, 0, -1, Integer.MIN_VALUE}) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(FRAME_BYTES_MAX));
            assertThatThrownBy(() -> channel.writeInbound(lengthOnly(length)))
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CORRUPT_FRAME))
                    .hasMessageContaining("below the header's 10 bytes");
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void rejectsALimitBelowTheHeader() {
        assertThatThrownBy(() -> new FrameDecoder(9)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new FrameDecoder(10).frameBytesMax()).isEqualTo(10);
    }

    @Test
    void emittedFramesDecodeWithFrameHeader() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
        ByteBuf encoded = Frames.encodeRequest(channel.alloc(), 42, new DeleteTopicRequest("orders"));

        channel.writeInbound(encoded);
        ByteBuf frame = channel.readInbound();
        try {
            FrameHeader header = FrameHeader.decode(frame);
            assertThat(header.correlationId()).isEqualTo(42);
            assertThat(Frames.decodeRequest(header, frame)).isEqualTo(new DeleteTopicRequest("orders"));
        } finally {
            frame.release();
        }
        assertThat(channel.finish()).isFalse();
    }

    /** A frame with {@code bodyBytes} zero bytes of body (api LIST_TOPICS). */
    private static byte[] frameBytes(int bodyBytes, int correlationId) {
        ByteBuf frame = Unpooled.buffer();
        frame.writeInt(FrameDescriptor.HEADER_BYTES + bodyBytes);
        frame.writeShort(ApiKey.LIST_TOPICS.id());
        frame.writeShort(1);
        frame.writeInt(correlationId);
        frame.writeShort(0);
        frame.writeZero(bodyBytes);
        return ByteBufUtil.getBytes(frame);
    }

    private static ByteBuf lengthOnly(int length) {
        return Unpooled.buffer(4).writeInt(length);
    }

    private static List<String> readAll(EmbeddedChannel channel) {
        List<String> frames = new ArrayList<>();
        for (ByteBuf frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            frames.add(ByteBufUtil.hexDump(frame));
            frame.release();
        }
        return frames;
    }
}
