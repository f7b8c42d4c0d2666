package dev.sluice.server;

import static dev.sluice.server.NativeProtocolTest.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.protocol.Acks;
import dev.sluice.protocol.CreateTopicRequest;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.ListTopicsRequest;
import dev.sluice.protocol.ProduceRequest;
import dev.sluice.protocol.ProduceResponse;
import dev.sluice.protocol.TopicFlushPolicy;
import dev.sluice.testsupport.ThreadLeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Malformed, oversized and unknown frames get an error answer or a closed connection, never a dead broker. */
@ExtendWith(ThreadLeakCheck.class)
class BadInputTest {
    private static final int FRAME_BYTES_MAX = 2 << 20;

    @TempDir
    Path dir;

    private SluiceServer server;

    @BeforeEach
    void start() {
        ServerConfig loopback = ServerConfig.loopback(BrokerConfig.builder(dir).build());
        server = SluiceServer.start(new ServerConfig(loopback.host(), 0, "auto", 1, FRAME_BYTES_MAX, 1_024, 4, 5_000,
                false, "127.0.0.1", 0, loopback.broker()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void frameLongerThanTheLimitClosesTheConnection() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.writeRaw(header(FRAME_BYTES_MAX + 1, 4, 1, 1, 0));

            assertThat(connection.closedByServer(5_000)).isTrue();
        }
        assertBrokerStillServes();
    }

    @Test
    void frameAtTheLimitIsRead() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            byte[] frame = new byte[4 + FRAME_BYTES_MAX];
            System.arraycopy(header(FRAME_BYTES_MAX, 4, 1, 7, 0), 0, frame, 0, 14);

            connection.writeRaw(frame);
            RawConnection.Answer answer = connection.receive();

            // LIST_TOPICS has an empty body: the extra bytes make it corrupt, but the frame itself was accepted.
            assertThat(answer.header().correlationId()).isEqualTo(7);
            assertThat(answer.body().errorCode()).isEqualTo(ErrorCode.CORRUPT_FRAME);
        }
    }

    @Test
    void frameShorterThanAHeaderClosesTheConnection() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.writeRaw(new byte[] {0, 0, 0, 3, 1, 2, 3});

            assertThat(connection.closedByServer(5_000)).isTrue();
        }
        assertBrokerStillServes();
    }

    @Test
    void unknownApiAndVersionAreAnsweredAndTheConnectionStaysUsable() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.writeRaw(header(10, 99, 1, 11, 0));
            RawConnection.Answer unknownApi = connection.receive();
            connection.writeRaw(header(10, 4, 9, 12, 0));
            RawConnection.Answer unknownVersion = connection.receive();

            assertThat(unknownApi.header().correlationId()).isEqualTo(11);
            assertThat(unknownApi.body().errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_API);
            assertThat(unknownVersion.header().correlationId()).isEqualTo(12);
            assertThat(unknownVersion.body().errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
            assertThat(connection.call(new ListTopicsRequest()).body().errorCode()).isEqualTo(ErrorCode.NONE);
        }
    }

    @Test
    void bodyThatDoesNotParseIsCorruptFrame() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            // CREATE_TOPIC whose topic string claims 200 bytes but has 2.
            ByteBuf frame = Unpooled.buffer();
            frame.writeBytes(header(10 + 4, 2, 1, 5, 0));
            frame.writeShort(200).writeByte('a').writeByte('b');
            frame.setInt(0, frame.readableBytes() - 4);

            connection.write(frame);
            RawConnection.Answer answer = connection.receive();

            assertThat(answer.body().errorCode()).isEqualTo(ErrorCode.CORRUPT_FRAME);
            assertThat(answer.body().errorMessage()).isNotBlank();
            assertThat(connection.call(new ListTopicsRequest()).body().errorCode()).isEqualTo(ErrorCode.NONE);
        }
    }

    @Test
    void batchLargerThanTheLimitIsRejectedWithItsSize() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("big", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));

            ProduceResponse produced = (ProduceResponse) connection.call(new ProduceRequest("big", Acks.LEADER, 5_000,
                    List.of(new ProduceRequest.Entry(0, Unpooled.wrappedBuffer(batch("k", "x".repeat((1 << 20) + 1))))))).body();

            assertThat(produced.entries().get(0).errorCode()).isIn(ErrorCode.BATCH_TOO_LARGE);
            assertThat(produced.entries().get(0).errorMessage()).contains("1,048,576");
        }
    }

    @Test
    void onewayRequestWithAnErrorGetsNoAnswer() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.sendOneway(new ProduceRequest("absent-topic-but-autocreated", Acks.NONE, 5_000,
                    List.of(new ProduceRequest.Entry(77, Unpooled.wrappedBuffer(batch("k", "v"))))));

            RawConnection.Answer next = connection.call(new ListTopicsRequest());

            assertThat(next.body().errorCode()).isEqualTo(ErrorCode.NONE);
        }
    }

    private void assertBrokerStillServes() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            assertThat(connection.call(new ListTopicsRequest()).body().errorCode()).isEqualTo(ErrorCode.NONE);
        }
    }

    static byte[] header(int length, int api, int version, int correlationId, int flags) {
        ByteBuf out = Unpooled.buffer(14);
        out.writeInt(length).writeShort(api).writeShort(version).writeInt(correlationId).writeShort(flags);
        return out.array();
    }
}
