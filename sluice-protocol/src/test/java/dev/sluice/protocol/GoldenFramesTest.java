package dev.sluice.protocol;

import dev.sluice.testsupport.NettyLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the byte layout of docs/protocol.md: each frame below was written out by hand from the
 * document, field by field, so the encoder cannot drift from it unnoticed. Each is also decoded
 * back from the pinned bytes.
 */
class GoldenFramesTest {
    private static final ByteBufAllocator ALLOCATOR = ByteBufAllocator.DEFAULT;

    @AfterAll
    static void noLeaks() {
        NettyLeaks.assertNoLeaks();
    }

    @Test
    void produceRequestFrameMatchesTheDocument() {
        ProduceRequest request = new ProduceRequest("t", Acks.LEADER, 1000,
                List.of(new ProduceRequest.Entry(3, Unpooled.wrappedBuffer(new byte[] {1, 2, 3}))));
        String golden = ""
                + "00000021"            // length 33: 10 header + 23 body
                + "0006" + "0001"       // api PRODUCE, version 1
                + "00000007"            // correlation id 7
                + "0000"                // flags: none
                + "0001" + "74"         // topic "t"
                + "01"                  // acks LEADER
                + "000003e8"            // timeoutMs 1000
                + "00000001"            // entries: 1
                + "00000003"            //   queue 3
                + "00000003" + "010203"; //  batch: 3 bytes
        assertRequestFrame(Frames.encodeRequest(ALLOCATOR, 7, request), golden, request);
    }

    @Test
    void createTopicRequestFrameCarriesTheMessageIdWindow() {
        CreateTopicRequest request = new CreateTopicRequest("t", 2, -1, TopicFlushPolicy.SYNC, 600_000);
        String golden = ""
                + "00000022"            // length 34: 10 header + 24 body
                + "0002" + "0001"       // api CREATE_TOPIC, version 1
                + "00000003"            // correlation id 3
                + "0000"                // flags: none
                + "0001" + "74"         // topic "t"
                + "00000002"            // queueCount 2
                + "ffffffffffffffff"    // retentionMs -1 (the broker's)
                + "02"                  // flushPolicy SYNC
                + "00000000000927c0";   // messageIdWindowMs 600,000
        assertRequestFrame(Frames.encodeRequest(ALLOCATOR, 3, request), golden, request);
    }

    @Test
    void produceResponseFrameListsDuplicates() {
        ProduceResponse response = ProduceResponse.success(List.of(new ProduceResponse.Entry(1, ErrorCode.NONE, null,
                7, 9, List.of(new ProduceResponse.Duplicate(2, 0, 5)))));
        String golden = ""
                + "0000003e"            // length 62: 10 header + 52 body
                + "0006" + "0001"       // api PRODUCE, version 1
                + "00000004"            // correlation id 4
                + "0001"                // flags: RESPONSE
                + "0000" + "ffff"       // errorCode NONE, errorMessage null
                + "00000001"            // entries: 1
                + "00000001"            //   queue 1
                + "0000" + "ffff"       //   errorCode NONE, errorMessage null
                + "0000000000000007"    //   baseOffset 7
                + "0000000000000009"    //   appendTimeMs 9
                + "00000001"            //   duplicates: 1
                + "00000002"            //     index 2
                + "00000000"            //     queue 0
                + "0000000000000005";   //     offset 5
        ByteBuf frame = Frames.encodeResponse(ALLOCATOR, (short) 1, 4, response);
        try {
            assertThat(ByteBufUtil.hexDump(frame)).isEqualTo(golden);
            FrameHeader header = FrameHeader.decode(frame);
            assertThat(Frames.decodeResponse(header, frame)).isEqualTo(response);
        } finally {
            frame.release();
        }
    }

    @Test
    void fetchResponseFrameMatchesTheDocument() {
        ByteBuf records = Unpooled.wrappedBuffer(new byte[] {(byte) 0xaa, (byte) 0xbb, (byte) 0xcc});
        FetchResponse response = FetchResponse.success(List.of(
                new FetchResponse.Entry("ab", 0, ErrorCode.NONE, null, 0, 5, records)));
        String golden = ""
                + "00000035"            // length 53: 10 header + 43 body
                + "0007" + "0001"       // api FETCH, version 1
                + "00000009"            // correlation id 9
                + "0001"                // flags: RESPONSE
                + "0000" + "ffff"       // errorCode NONE, errorMessage null
                + "00000001"            // entries: 1
                + "0002" + "6162"       //   topic "ab"
                + "00000000"            //   queue 0
                + "0000" + "ffff"       //   errorCode NONE, errorMessage null
                + "0000000000000000"    //   startOffset 0
                + "0000000000000005"    //   endOffset 5
                + "00000003" + "aabbcc"; //  records: 3 bytes
        ByteBuf frame = Frames.encodeResponse(ALLOCATOR, (short) 1, 9, response);
        try {
            assertThat(ByteBufUtil.hexDump(frame)).isEqualTo(golden);
            FrameHeader header = FrameHeader.decode(frame);
            assertThat(Frames.decodeResponse(header, frame)).isEqualTo(response);
        } finally {
            frame.release();
        }
    }

    @Test
    void queueReceiveRequestFrameMatchesTheDocument() {
        QueueReceiveRequest request = new QueueReceiveRequest("g", "t", 10, 65_536, 30_000, 500, 5, null, true);
        String golden = ""
                + "00000027"            // length 39: 10 header + 29 body
                + "0014" + "0001"       // api QUEUE_RECEIVE (20), version 1
                + "00000003"            // correlation id 3
                + "0000"                // flags: none
                + "0001" + "67"         // group "g"
                + "0001" + "74"         // topic "t"
                + "0000000a"            // maxMessages 10
                + "00010000"            // maxBytes 65,536
                + "00007530"            // visibilityTimeoutMs 30,000
                + "000001f4"            // maxWaitMs 500
                + "00000005"            // maxAttempts 5
                + "ffff"                // deadLetterTopic null: "<group>.dlq"
                + "01";                 // messageGroups true
        assertRequestFrame(Frames.encodeRequest(ALLOCATOR, 3, request), golden, request);
    }

    @Test
    void queueReceiveResponseFrameMatchesTheDocument() {
        ByteBuf records = Unpooled.wrappedBuffer(new byte[] {(byte) 0xaa, (byte) 0xbb});
        QueueReceiveResponse response = QueueReceiveResponse.success(List.of(new QueueReceiveResponse.Queue(
                2, ErrorCode.NONE, null, List.of(new QueueReceiveResponse.Delivery(7, 1)), records)));
        String golden = ""
                + "00000030"            // length 48: 10 header + 38 body
                + "0014" + "0001"       // api QUEUE_RECEIVE (20), version 1
                + "00000003"            // correlation id 3
                + "0001"                // flags: RESPONSE
                + "0000" + "ffff"       // errorCode NONE, errorMessage null
                + "00000001"            // queues: 1
                + "00000002"            //   queue 2
                + "0000" + "ffff"       //   errorCode NONE, errorMessage null
                + "00000001"            //   deliveries: 1
                + "0000000000000007"    //     offset 7
                + "00000001"            //     deliveryCount 1
                + "00000002" + "aabb";  //   records: 2 bytes
        ByteBuf frame = Frames.encodeResponse(ALLOCATOR, (short) 1, 3, response);
        try {
            assertThat(ByteBufUtil.hexDump(frame)).isEqualTo(golden);
            FrameHeader header = FrameHeader.decode(frame);
            assertThat(Frames.decodeResponse(header, frame)).isEqualTo(response);
        } finally {
            frame.release();
        }
    }

    @Test
    void queueAckRequestFrameMatchesTheDocument() {
        QueueAckRequest request = new QueueAckRequest("g", "t", List.of(
                new QueueAckRequest.Entry(1, 7, 2, QueueAckType.NACK, 1_000, null),
                new QueueAckRequest.Entry(0, 3, 1, QueueAckType.REJECT, 0, "x")));
        String golden = ""
                + "00000043"            // length 67: 10 header + 57 body
                + "0015" + "0001"       // api QUEUE_ACK (21), version 1
                + "00000004"            // correlation id 4
                + "0000"                // flags: none
                + "0001" + "67"         // group "g"
                + "0001" + "74"         // topic "t"
                + "00000002"            // entries: 2
                + "00000001"            //   queue 1
                + "0000000000000007"    //   offset 7
                + "00000002"            //   deliveryCount 2
                + "01"                  //   type NACK
                + "000003e8"            //   delayMs 1,000
                + "ffff"                //   reason null
                + "00000000"            //   queue 0
                + "0000000000000003"    //   offset 3
                + "00000001"            //   deliveryCount 1
                + "02"                  //   type REJECT
                + "00000000"            //   delayMs 0
                + "0001" + "78";        //   reason "x"
        assertRequestFrame(Frames.encodeRequest(ALLOCATOR, 4, request), golden, request);
    }

    @Test
    void heartbeatRequestFrameMatchesTheDocument() {
        HeartbeatRequest request = new HeartbeatRequest("g", "t", "", "c", 10_000, List.of(1, 2));
        String golden = ""
                + "00000025"            // length 37: 10 header + 27 body
                + "0009" + "0001"       // api HEARTBEAT, version 1
                + "00000001"            // correlation id 1
                + "0000"                // flags: none
                + "0001" + "67"         // group "g"
                + "0001" + "74"         // topic "t"
                + "0000"                // memberId "" (join)
                + "0001" + "63"         // clientId "c"
                + "00002710"            // sessionTimeoutMs 10,000
                + "00000002" + "00000001" + "00000002"; // ownedQueues [1, 2]
        assertRequestFrame(Frames.encodeRequest(ALLOCATOR, 1, request), golden, request);
    }

    @Test
    void creditFrameIsOnewayAndMatchesTheDocument() {
        CreditRequest request = new CreditRequest(4, 65_536);
        String golden = ""
                + "00000012"            // length 18: 10 header + 8 body
                + "0011" + "0001"       // api CREDIT (17), version 1
                + "0000000b"            // correlation id 11
                + "0002"                // flags: ONEWAY
                + "00000004"            // subscriptionId 4
                + "00010000";           // creditBytes 65,536
        assertRequestFrame(Frames.encodeOnewayRequest(ALLOCATOR, 11, request), golden, request);
    }

    @Test
    void errorResponseToAnUnknownApiMatchesTheDocument() {
        FrameHeader request = new FrameHeader((short) 99, (short) 1, 5, (short) 0);
        String golden = ""
                + "0000001c"            // length 28: 10 header + 18 body
                + "0063" + "0001"       // api 99 echoed, version 1
                + "00000005"            // correlation id 5
                + "0001"                // flags: RESPONSE
                + "0003"                // errorCode UNSUPPORTED_API
                + "000e" + ByteBufUtil.hexDump("unknown api 99".getBytes(StandardCharsets.UTF_8));
        ByteBuf frame = Frames.encodeErrorResponse(
                ALLOCATOR, request, ErrorCode.UNSUPPORTED_API, "unknown api 99");
        try {
            assertThat(ByteBufUtil.hexDump(frame)).isEqualTo(golden);
        } finally {
            frame.release();
        }
    }

    private static void assertRequestFrame(ByteBuf frame, String golden, Request expected) {
        try {
            assertThat(ByteBufUtil.hexDump(frame)).isEqualTo(golden);
            FrameHeader header = FrameHeader.decode(frame);
            assertThat(Frames.decodeRequest(header, frame)).isEqualTo(expected);
        } finally {
            frame.release();
        }
    }
}
