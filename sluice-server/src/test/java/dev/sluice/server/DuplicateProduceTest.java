package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.protocol.Acks;
import dev.sluice.protocol.CreateTopicRequest;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FetchRequest;
import dev.sluice.protocol.FetchResponse;
import dev.sluice.protocol.InitProducerIdRequest;
import dev.sluice.protocol.InitProducerIdResponse;
import dev.sluice.protocol.ProduceRequest;
import dev.sluice.protocol.ProduceResponse;
import dev.sluice.protocol.TopicFlushPolicy;
import dev.sluice.record.Compression;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.record.ReservedHeaders;
import dev.sluice.testsupport.ThreadLeakCheck;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Raw frames over TCP: the same PRODUCE bytes sent twice are stored once, by producer sequence and by message id. */
@ExtendWith(ThreadLeakCheck.class)
class DuplicateProduceTest {
    @TempDir
    Path dir;

    private SluiceServer server;

    @BeforeEach
    void start() {
        server = SluiceServer.start(ServerConfig.loopback(BrokerConfig.builder(dir).build()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static ByteBuffer batch(long producerId, String... idsAndValues) {
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, System.currentTimeMillis());
        if (producerId >= 0) {
            builder.producer(producerId, (short) 0, 0);
        }
        for (int i = 0; i < idsAndValues.length; i += 2) {
            List<Record.Header> headers = idsAndValues[i] == null ? List.of() : List.of(Record.Header.of(
                    ReservedHeaders.MESSAGE_ID, idsAndValues[i].getBytes(StandardCharsets.UTF_8)));
            builder.append(System.currentTimeMillis(), null, idsAndValues[i + 1].getBytes(StandardCharsets.UTF_8), headers);
        }
        return builder.build();
    }

    private static ProduceResponse.Entry produce(RawConnection connection, String topic, ByteBuffer batch) throws IOException {
        ProduceResponse response = (ProduceResponse) connection.call(new ProduceRequest(topic, Acks.LEADER, 5_000,
                List.of(new ProduceRequest.Entry(0, Unpooled.wrappedBuffer(batch.duplicate()))))).body();
        assertThat(response.errorCode()).isEqualTo(ErrorCode.NONE);
        return response.entries().get(0);
    }

    private static List<String> values(RawConnection connection, String topic) throws IOException {
        FetchResponse fetched = (FetchResponse) connection.call(new FetchRequest(0, 0, 1 << 20,
                List.of(new FetchRequest.Entry(topic, 0, 0, 1 << 20)))).body();
        return NativeProtocolTest.values(fetched.entries().get(0).records());
    }

    @Test
    void sameIdempotentBatchBytesSentTwiceGetTheSameOffsetsAndAreStoredOnce() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("orders", 1, -1, TopicFlushPolicy.BROKER_DEFAULT, 0));
            produce(connection, "orders", batch(-1, null, "before"));
            long producerId = ((InitProducerIdResponse) connection.call(new InitProducerIdRequest(null)).body()).producerId();
            ByteBuffer batch = batch(producerId, null, "a", null, "b");

            ProduceResponse.Entry first = produce(connection, "orders", batch);
            ProduceResponse.Entry again = produce(connection, "orders", batch);

            assertThat(first.errorCode()).isEqualTo(ErrorCode.NONE);
            assertThat(first.baseOffset()).isEqualTo(1);
            assertThat(again).isEqualTo(first);
            assertThat(values(connection, "orders")).containsExactly("before", "a", "b");
        }
    }

    @Test
    void messageIdsAlreadyInTheWindowAreListedAsDuplicatesAndTheRestIsStored() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("orders", 1, -1, TopicFlushPolicy.BROKER_DEFAULT, 60_000));
            ProduceResponse.Entry first = produce(connection, "orders", batch(-1, "m1", "a", "m2", "b"));

            ProduceResponse.Entry second = produce(connection, "orders", batch(-1, "m3", "c", "m2", "b", "m1", "a"));

            assertThat(first.duplicates()).isEmpty();
            assertThat(second.baseOffset()).isEqualTo(2);
            assertThat(second.duplicates()).containsExactly(new ProduceResponse.Duplicate(1, 0, 1),
                    new ProduceResponse.Duplicate(2, 0, 0));
            assertThat(values(connection, "orders")).containsExactly("a", "b", "c");
        }
    }
}
