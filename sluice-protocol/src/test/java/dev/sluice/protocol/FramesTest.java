package dev.sluice.protocol;

import dev.sluice.testsupport.NettyLeaks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FramesTest {
    private static final ByteBufAllocator ALLOCATOR = ByteBufAllocator.DEFAULT;
    private static final int BATCH_BYTES = 4096;

    @AfterAll
    static void noLeaks() {
        NettyLeaks.assertNoLeaks();
    }

    @Test
    void fetchResponseLinksMappedBatchesWithoutCopying(@TempDir Path directory) throws IOException {
        // given two batches read from a memory-mapped file
        Path segment = directory.resolve("segment");
        Files.write(segment, new byte[2 * BATCH_BYTES]);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, 2 * BATCH_BYTES);
            ByteBuffer first = mapped.duplicate().position(0).limit(BATCH_BYTES);
            ByteBuffer second = mapped.duplicate().position(BATCH_BYTES).limit(2 * BATCH_BYTES);
            FetchResponse response = FetchResponse.success(List.of(
                    FetchResponse.entry("orders", 3, 0, 100, List.of(first, second))));

            // when
            ByteBuf frame = Frames.encodeResponse(ALLOCATOR, (short) 1, 8, response);
            try {
                // then the frame is a composite, and a change to the file shows through it
                assertThat(frame).isInstanceOf(CompositeByteBuf.class);
                channel.write(ByteBuffer.wrap(new byte[] {0x5a}), BATCH_BYTES + 7);
                int recordsStart = frame.readableBytes() - 2 * BATCH_BYTES;
                assertThat(frame.getByte(recordsStart + BATCH_BYTES + 7)).isEqualTo((byte) 0x5a);
                assertThat(first.position()).isZero();
                assertThat(second.position()).isEqualTo(BATCH_BYTES);

                FrameHeader header = FrameHeader.decode(frame);
                FetchResponse decoded = (FetchResponse) Frames.decodeResponse(header, frame);
                assertThat(decoded.entries().get(0).records().readableBytes()).isEqualTo(2 * BATCH_BYTES);
                assertThat(decoded).isEqualTo(response);
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void pushRecordsLinksBatchesAndLeavesTheCallersReference() {
        ByteBuffer batch = ByteBuffer.allocateDirect(BATCH_BYTES);
        PushRecords push = PushRecords.of(77, List.of(batch.asReadOnlyBuffer()));
        ByteBuf records = push.records();
        int referencesBefore = records.refCnt();

        ByteBuf frame = Frames.encodePush(ALLOCATOR, 5, push);
        assertThat(frame).isInstanceOf(CompositeByteBuf.class);
        batch.put(100, (byte) 9);
        assertThat(frame.getByte(frame.readableBytes() - BATCH_BYTES + 100)).isEqualTo((byte) 9);
        frame.release();

        assertThat(records.refCnt()).isEqualTo(referencesBefore);
    }

    @Test
    void smallRecordsAreCopiedIntoOneBuffer() {
        FetchResponse response = FetchResponse.success(List.of(FetchResponse.entry(
                "orders", 0, 0, 1, List.of(ByteBuffer.wrap(new byte[] {1, 2, 3})))));
        ByteBuf frame = Frames.encodeResponse(ALLOCATOR, (short) 1, 1, response);
        try {
            assertThat(frame).isNotInstanceOf(CompositeByteBuf.class);
            FrameHeader header = FrameHeader.decode(frame);
            assertThat(Frames.decodeResponse(header, frame)).isEqualTo(response);
        } finally {
            frame.release();
        }
    }

    @Test
    void decodedBytesAreSlicesOfTheFrame() {
        ByteBuf batch = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4});
        ByteBuf frame = Frames.encodeRequest(ALLOCATOR, 1,
                new ProduceRequest("t", Acks.DURABLE, 10, List.of(new ProduceRequest.Entry(0, batch))));
        try {
            FrameHeader header = FrameHeader.decode(frame);
            ProduceRequest request = (ProduceRequest) Frames.decodeRequest(header, frame);
            ByteBuf decoded = request.entries().get(0).batch();
            frame.setByte(frame.writerIndex() - 1, 44);
            assertThat(decoded.getByte(3)).as("a slice sees the frame's bytes").isEqualTo((byte) 44);
            assertThat(decoded.refCnt()).isEqualTo(frame.refCnt());
        } finally {
            frame.release();
        }
    }

    @Test
    void requestHeaderChecksFlagsAndDirection() {
        assertRequestRejected(new FrameHeader(ApiKey.FETCH.id(), (short) 1, 1, FrameDescriptor.FLAG_RESPONSE),
                ErrorCode.CORRUPT_FRAME);
        assertRequestRejected(new FrameHeader(ApiKey.FETCH.id(), (short) 1, 1, FrameDescriptor.FLAG_PUSH),
                ErrorCode.CORRUPT_FRAME);
        assertRequestRejected(new FrameHeader(ApiKey.FETCH.id(), (short) 1, 1, (short) 0x10),
                ErrorCode.CORRUPT_FRAME);
        assertRequestRejected(new FrameHeader(ApiKey.FETCH.id(), (short) 1, 1, FrameDescriptor.FLAG_ONEWAY),
                ErrorCode.INVALID_REQUEST);
        assertRequestRejected(new FrameHeader(ApiKey.CREDIT.id(), (short) 1, 1, (short) 0),
                ErrorCode.INVALID_REQUEST);
        assertRequestRejected(new FrameHeader((short) 42, (short) 1, 1, (short) 0),
                ErrorCode.UNSUPPORTED_API);
        assertRequestRejected(new FrameHeader(ApiKey.FETCH.id(), (short) 2, 1, (short) 0),
                ErrorCode.UNSUPPORTED_VERSION);
    }

    @Test
    void responseHeaderChecksFlags() {
        ByteBuf body = Unpooled.wrappedBuffer(new byte[] {0, 0, -1, -1});
        assertThatThrownBy(() -> Frames.decodeResponse(
                new FrameHeader(ApiKey.LEAVE_GROUP.id(), (short) 1, 1, (short) 0), body))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("RESPONSE expected");
        assertThatThrownBy(() -> Frames.decodeResponse(
                new FrameHeader(ApiKey.PUSH_RECORDS.id(), (short) 1, 1, FrameDescriptor.FLAG_RESPONSE), body))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("PUSH expected");
        assertThat(Frames.decodeResponse(
                new FrameHeader(ApiKey.LEAVE_GROUP.id(), (short) 1, 1, FrameDescriptor.FLAG_RESPONSE), body))
                .isEqualTo(LeaveGroupResponse.success());
    }

    @Test
    void frameHeaderRejectsAShortFrameOrAWrongLength() {
        assertThatThrownBy(() -> FrameHeader.decode(Unpooled.wrappedBuffer(new byte[13])))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("shorter than its 14-byte header");
        ByteBuf frame = Unpooled.buffer().writeInt(11).writeZero(10);
        assertThatThrownBy(() -> FrameHeader.decode(frame))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("disagrees");
    }

    @Test
    void encodingChecksTheDirection() {
        assertThatThrownBy(() -> Frames.encodeRequest(ALLOCATOR, 1, new CreditRequest(1, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.encodeOnewayRequest(ALLOCATOR, 1, new ListTopicsRequest()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.encodeResponse(ALLOCATOR, (short) 1, 1,
                PushRecords.of(0, List.of()))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.encodeErrorResponse(ALLOCATOR,
                new FrameHeader((short) 1, (short) 1, 1, (short) 0), ErrorCode.NONE, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStringTooLongOrMalformedFailsTheEncodeAndReleasesTheFrame() {
        String tooLong = "x".repeat(Short.MAX_VALUE + 1);
        assertThatThrownBy(() -> Frames.encodeRequest(ALLOCATOR, 1, new DeleteTopicRequest(tooLong)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32,768");
        assertThatThrownBy(() -> Frames.encodeRequest(ALLOCATOR, 1, new DeleteTopicRequest("a\uD800b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        ByteBuf big = Unpooled.wrappedBuffer(new byte[BATCH_BYTES]);
        FetchResponse linked = FetchResponse.success(List.of(
                new FetchResponse.Entry("t", 0, ErrorCode.NONE, null, 0, 0, big),
                new FetchResponse.Entry("\uDC00", 0, ErrorCode.NONE, null, 0, 0, big)));
        assertThatThrownBy(() -> Frames.encodeResponse(ALLOCATOR, (short) 1, 1, linked))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(big.refCnt()).isEqualTo(1);
    }

    @Test
    void aStringOfExactly32767BytesRoundTrips() {
        String longest = "é".repeat(16_383) + "x";
        ByteBuf frame = Frames.encodeRequest(ALLOCATOR, 1, new DeleteTopicRequest(longest));
        try {
            FrameHeader header = FrameHeader.decode(frame);
            assertThat(Frames.decodeRequest(header, frame)).isEqualTo(new DeleteTopicRequest(longest));
        } finally {
            frame.release();
        }
    }

    @Test
    void errorResponsesCarryOnlyTheHeader() {
        ByteBuf frame = Frames.encodeResponse(ALLOCATOR, (short) 1, 3,
                DescribeGroupResponse.error(ErrorCode.UNKNOWN_MEMBER, "member m-1 is not in group g"));
        try {
            assertThat(frame.readableBytes()).isEqualTo(14 + 2 + 2 + 28);
            FrameHeader header = FrameHeader.decode(frame);
            Response response = Frames.decodeResponse(header, frame);
            assertThat(response.isError()).isTrue();
            assertThat(response.errorCode()).isEqualTo(ErrorCode.UNKNOWN_MEMBER);
            assertThat(response.errorMessage()).isEqualTo("member m-1 is not in group g");
        } finally {
            frame.release();
        }
    }

    @Test
    void responsesRejectAMessageWithNone() {
        assertThatThrownBy(() -> new CreateTopicResponse(ErrorCode.NONE, "fine"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CreateTopicResponse.error(ErrorCode.NONE, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRequestRejected(FrameHeader header, ErrorCode expected) {
        ByteBuf body = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00000000000000000000000000000000"));
        assertThatThrownBy(() -> Frames.decodeRequest(header, body))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.errorCode()).as(header.toString()).isEqualTo(expected));
    }
}
