package dev.sluice.protocol;

import dev.sluice.testsupport.NettyLeaks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each rule of "Field types" and "Responses and errors", broken once. */
class DecodeRejectsTest {
    @AfterAll
    static void noLeaks() {
        NettyLeaks.assertNoLeaks();
    }

    @Test
    void hugeCountWithFourBytesLeftFailsBeforeAllocating() {
        // FETCH: maxWaitMs, minBytes, maxBytes, entries count 2^31-1, then 4 bytes
        ByteBuf body = hex("00000000" + "00000001" + "00100000" + "7fffffff" + "00000000");
        assertCorrupt(() -> FetchRequest.decode(body), "count 2,147,483,647");
    }

    @Test
    void hugeInt32ArrayCountFailsBeforeAllocating() {
        // HEARTBEAT: group "", topic "", memberId "", clientId "", sessionTimeoutMs, ownedQueues
        ByteBuf body = hex("0000" + "0000" + "0000" + "0000" + "00002710" + "7fffffff" + "00000001");
        assertCorrupt(() -> HeartbeatRequest.decode(body), "ownedQueues has count 2,147,483,647");
    }

    @Test
    void negativeCountIsCorrupt() {
        ByteBuf body = hex("0000" + "ffffffff");
        assertCorrupt(() -> ListOffsetsRequest.decode(body), "may not be negative");
    }

    @Test
    void stringPastTheEndIsCorrupt() {
        assertCorrupt(() -> DeleteTopicRequest.decode(hex("0005" + "6162")), "ends inside");
    }

    @Test
    void stringLengthBelowMinusOneIsCorrupt() {
        assertCorrupt(() -> DeleteTopicRequest.decode(hex("fffe")), "length -2");
    }

    @Test
    void nullWhereTheFieldIsNotNullableIsCorrupt() {
        assertCorrupt(() -> DeleteTopicRequest.decode(hex("ffff")), "topic is null");
    }

    @Test
    void bytesPastTheEndIsCorrupt() {
        // PRODUCE: topic "t", acks 1, timeoutMs, one entry: queue 0, batch of 1,000 bytes (3 present)
        ByteBuf body = hex("000174" + "01" + "00000064" + "00000001" + "00000000" + "000003e8" + "010203");
        assertCorrupt(() -> ProduceRequest.decode(body), "ends inside ProduceRequest.Entry.batch");
    }

    @Test
    void nullBytesIsCorrupt() {
        ByteBuf body = hex("000174" + "01" + "00000064" + "00000001" + "00000000" + "ffffffff");
        assertCorrupt(() -> ProduceRequest.decode(body), "may not be null");
    }

    @Test
    void leftoverBytesAreCorrupt() {
        assertCorrupt(() -> UnsubscribeRequest.decode(hex("00000001" + "00")), "left over");
    }

    @ParameterizedTest
    @ValueSource(strings = {"c328", "eda080", "c0af", "f4908080", "ff", "e282", "80"})
    void invalidUtf8IsCorrupt(String utf8) {
        String length = String.format("%04x", utf8.length() / 2);
        assertCorrupt(() -> DeleteTopicRequest.decode(hex(length + utf8)), "not valid UTF-8");
    }

    @Test
    void validMultiByteUtf8Decodes() {
        // "é中𝄞"
        DeleteTopicRequest request = DeleteTopicRequest.decode(hex("0009" + "c3a9" + "e4b8ad" + "f09d849e"));
        assertThat(request.topic()).isEqualTo("é中\uD834\uDD1E");
    }

    @Test
    void unknownAcksIsCorrupt() {
        ByteBuf body = hex("000174" + "03" + "00000064" + "00000000");
        assertCorrupt(() -> ProduceRequest.decode(body), "acks 3 is unknown");
    }

    @Test
    void unknownQueueAckTypeIsCorrupt() {
        // QUEUE_ACK: group "g", topic "t", one entry: queue 0, offset 5, deliveryCount 1, type 4
        ByteBuf body = hex("000167" + "000174" + "00000001" + "00000000" + "0000000000000005" + "00000001" + "04"
                + "00000000" + "ffff");
        assertCorrupt(() -> QueueAckRequest.decode(body), "queue ack type 4 is unknown");
    }

    @Test
    void nullQueueReceiveGroupIsCorrupt() {
        assertCorrupt(() -> QueueReceiveRequest.decode(hex("ffff")), "QueueReceiveRequest.group is null");
    }

    @Test
    void unknownFlushPolicyIsCorrupt() {
        ByteBuf body = hex("000174" + "00000001" + "ffffffffffffffff" + "07");
        assertCorrupt(() -> CreateTopicRequest.decode(body), "flushPolicy 7 is unknown");
    }

    @Test
    void booleanOtherThanZeroOrOneIsCorrupt() {
        assertCorrupt(() -> MetadataRequest.decode(hex("00000000" + "02")), "0 or 1 expected");
    }

    @Test
    void errorHeaderWithNoneAndAMessageIsCorrupt() {
        assertCorrupt(() -> CreateTopicResponse.decode(hex("0000" + "000161")), "must be null");
    }

    @Test
    void errorResponseEndsAfterTheHeader() {
        // ProduceResponse with BROKER_BUSY and message "x": nothing may follow
        assertThat(ProduceResponse.decode(hex("0010" + "000178")))
                .isEqualTo(ProduceResponse.error(ErrorCode.BROKER_BUSY, "x"));
        assertCorrupt(() -> ProduceResponse.decode(hex("0010" + "000178" + "00000000")), "left over");
    }

    @Test
    void unknownErrorCodeReadsAsUnknownServerError() {
        assertThat(CreateTopicResponse.decode(hex("03e7" + "ffff")))
                .isEqualTo(CreateTopicResponse.error(ErrorCode.UNKNOWN_SERVER_ERROR, null));
    }

    @Test
    void pushRecordsIsNotARequestAndCreditHasNoResponse() {
        assertThatThrownBy(() -> Frames.decodeRequest(ApiKey.PUSH_RECORDS, (short) 1, hex("")))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_API));
        assertThatThrownBy(() -> Frames.decodeResponse(ApiKey.CREDIT, (short) 1, hex("")))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_API));
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 2, -1, Short.MAX_VALUE})
    void versionOutsideTheRangeIsUnsupported(short version) {
        assertThatThrownBy(() -> Frames.decodeRequest(ApiKey.LIST_TOPICS, version, hex("")))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION));
    }

    @ParameterizedTest
    @ValueSource(shorts = {23, -1, Short.MAX_VALUE, Short.MIN_VALUE})
    void unknownApiIdIsUnsupported(short id) {
        assertThatThrownBy(() -> ApiKey.forId(id))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_API));
    }

    @Test
    void emptyBodiesDecode() {
        assertThat(Frames.decodeRequest(ApiKey.LIST_TOPICS, (short) 1, hex("")))
                .isEqualTo(new ListTopicsRequest());
        assertThat(Frames.decodeRequest(ApiKey.LIST_GROUPS, (short) 1, hex("")))
                .isEqualTo(new ListGroupsRequest());
    }

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    private static void assertCorrupt(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable decode, String messagePart) {
        assertThatThrownBy(decode)
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CORRUPT_FRAME))
                .hasMessageContaining(messagePart);
    }
}
