package dev.sluice.protocol;

import dev.sluice.testsupport.NettyLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Every request and response type: arbitrary values, encoded then decoded, come back equal
 * ({@code ByteBuf} fields compare by content), both as a bare body and as a whole frame; and
 * the frame's body (a composite for FETCH, PUSH_RECORDS and PRODUCE) holds the same bytes as
 * the copying encoder writes.
 */
class RoundTripPropertiesTest {
    private static final ByteBufAllocator ALLOCATOR = ByteBufAllocator.DEFAULT;

    @AfterContainer
    static void noLeaks() {
        NettyLeaks.assertNoLeaks();
    }

    @Property
    void everyRequestComesBackEqual(@ForAll Random random) {
        RandomMessages messages = new RandomMessages(random);
        for (Class<? extends Request> type : RandomMessages.REQUEST_TYPES) {
            Request request = messages.next(type);
            int correlationId = messages.nextInt();
            // when
            ByteBuf body = Unpooled.buffer();
            ByteBuf frame = request.apiKey().hasResponse()
                    ? Frames.encodeRequest(ALLOCATOR, correlationId, request)
                    : Frames.encodeOnewayRequest(ALLOCATOR, correlationId, request);
            byte[] frameBytes = releaseToBytes(frame);
            request.encode(body);
            Request fromBody = Frames.decodeRequest(
                    request.apiKey(), Protocol.PROTOCOL_VERSION, body);
            ByteBuf decodable = Unpooled.wrappedBuffer(frameBytes);
            FrameHeader header = FrameHeader.decode(decodable);
            ByteBuf frameBody = decodable.slice();
            Request fromFrame = Frames.decodeRequest(header, decodable);

            // then
            assertThat(fromBody).as("%s from its body", type.getSimpleName()).isEqualTo(request);
            assertThat(body.isReadable()).isFalse();
            assertThat(fromFrame).as("%s from its frame", type.getSimpleName()).isEqualTo(request);
            assertThat(header).isEqualTo(new FrameHeader(request.apiKey().id(),
                    Protocol.PROTOCOL_VERSION, correlationId,
                    request.apiKey().hasResponse() ? 0 : FrameDescriptor.FLAG_ONEWAY));
            assertSameBytes(frameBody, body.readerIndex(0), type);
        }
    }

    @Property
    void everyResponseComesBackEqual(@ForAll Random random) {
        RandomMessages messages = new RandomMessages(random);
        for (Class<? extends Response> type : RandomMessages.RESPONSE_TYPES) {
            Response response = messages.next(type);
            int correlationId = messages.nextInt();
            // when
            ByteBuf body = Unpooled.buffer();
            ByteBuf frame = response instanceof PushRecords push
                    ? Frames.encodePush(ALLOCATOR, correlationId, push)
                    : Frames.encodeResponse(
                            ALLOCATOR, Protocol.PROTOCOL_VERSION, correlationId, response);
            byte[] frameBytes = releaseToBytes(frame);
            response.encode(body);
            Response fromBody = Frames.decodeResponse(
                    response.apiKey(), Protocol.PROTOCOL_VERSION, body);
            ByteBuf decodable = Unpooled.wrappedBuffer(frameBytes);
            FrameHeader header = FrameHeader.decode(decodable);
            ByteBuf frameBody = decodable.slice();
            Response fromFrame = Frames.decodeResponse(header, decodable);

            // then
            assertThat(fromBody).as("%s from its body", type.getSimpleName()).isEqualTo(response);
            assertThat(body.isReadable()).isFalse();
            assertThat(fromFrame).as("%s from its frame", type.getSimpleName()).isEqualTo(response);
            assertThat(header.correlationId()).isEqualTo(correlationId);
            assertThat(header.flags()).isEqualTo(response.apiKey().push()
                    ? FrameDescriptor.FLAG_PUSH : FrameDescriptor.FLAG_RESPONSE);
            assertSameBytes(frameBody, body.readerIndex(0), type);
        }
    }

    /**
     * The frame's bytes, read in one access, and the frame released. Decoding and comparing a
     * copy keeps paranoid leak tracking (a stack trace per access of a tracked buffer) off the
     * comparisons; the frames themselves are still allocated, tracked and released.
     */
    private static byte[] releaseToBytes(ByteBuf frame) {
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    private static void assertSameBytes(ByteBuf frameBody, ByteBuf copied, Class<?> type) {
        assertThat(ByteBufUtil.equals(frameBody, copied))
                .as("%s frame body equals the copying encoding:%n%s%n%s", type.getSimpleName(),
                        ByteBufUtil.hexDump(frameBody), ByteBufUtil.hexDump(copied))
                .isTrue();
    }
}
