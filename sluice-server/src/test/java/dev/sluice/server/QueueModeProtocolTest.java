package dev.sluice.server;

import static dev.sluice.server.NativeProtocolTest.batch;
import static dev.sluice.server.NativeProtocolTest.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.protocol.Acks;
import dev.sluice.protocol.CreateTopicRequest;
import dev.sluice.protocol.DescribeQueueGroupRequest;
import dev.sluice.protocol.DescribeQueueGroupResponse;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.HeartbeatRequest;
import dev.sluice.protocol.ListTopicsRequest;
import dev.sluice.protocol.ProduceRequest;
import dev.sluice.protocol.QueueAckRequest;
import dev.sluice.protocol.QueueAckResponse;
import dev.sluice.protocol.QueueAckType;
import dev.sluice.protocol.QueueReceiveRequest;
import dev.sluice.protocol.QueueReceiveResponse;
import dev.sluice.protocol.Response;
import dev.sluice.protocol.TopicFlushPolicy;
import dev.sluice.testsupport.ThreadLeakCheck;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The queue-mode apis over a raw connection: field checks, errors, and a receive-ack round trip. */
@ExtendWith(ThreadLeakCheck.class)
class QueueModeProtocolTest {
    @TempDir
    Path dir;

    private SluiceServer server;

    @BeforeEach
    void start() {
        server = SluiceServer.start(ServerConfig.loopback(BrokerConfig.builder(dir).build()).withoutHttp());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static QueueReceiveRequest receive(int maxMessages, int maxBytes, int visibilityTimeoutMs, int maxWaitMs,
            int maxAttempts) {
        return new QueueReceiveRequest("workers", "jobs", maxMessages, maxBytes, visibilityTimeoutMs, maxWaitMs,
                maxAttempts, null, false);
    }

    @Test
    void receiveFieldsOutOfRangeAreInvalidRequestsNamingTheFieldAndTheRange() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("jobs", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));

            assertInvalid(connection.call(receive(0, 1024, 30_000, 0, 5)).body(), "maxMessages 0", "1 to 100,000");
            assertInvalid(connection.call(receive(100_001, 1024, 30_000, 0, 5)).body(), "maxMessages 100,001");
            assertInvalid(connection.call(receive(10, 0, 30_000, 0, 5)).body(), "maxBytes 0");
            assertInvalid(connection.call(receive(10, 1024, 999, 0, 5)).body(), "visibilityTimeoutMs 999");
            assertInvalid(connection.call(receive(10, 1024, 43_200_001, 0, 5)).body(), "visibilityTimeoutMs 43,200,001");
            assertInvalid(connection.call(receive(10, 1024, 30_000, -1, 5)).body(), "maxWaitMs -1");
            assertInvalid(connection.call(receive(10, 1024, 30_000, 30_001, 5)).body(), "maxWaitMs 30,001");
            assertInvalid(connection.call(receive(10, 1024, 30_000, 0, 0)).body(), "maxAttempts 0");
            assertInvalid(connection.call(receive(10, 1024, 30_000, 0, 1_001)).body(), "maxAttempts 1,001");
            // The connection stays usable.
            assertThat(connection.call(new ListTopicsRequest()).body().errorCode()).isEqualTo(ErrorCode.NONE);
        }
    }

    @Test
    void receiveOfAnUnknownTopicIsUnknownTopic() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            Response answer = connection.call(receive(10, 1024, 30_000, 0, 5)).body();
            assertThat(answer.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
            assertThat(answer.errorMessage()).contains("jobs");
        }
    }

    @Test
    void describingAGroupThatIsNotQueueModeSaysWhich() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("jobs", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
            connection.call(new HeartbeatRequest("streamers", "jobs", "", "c", 10_000, List.of()));

            DescribeQueueGroupResponse missing =
                    (DescribeQueueGroupResponse) connection.call(new DescribeQueueGroupRequest("nobody")).body();
            DescribeQueueGroupResponse stream =
                    (DescribeQueueGroupResponse) connection.call(new DescribeQueueGroupRequest("streamers")).body();

            assertThat(missing.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(missing.errorMessage()).contains("no queue-mode group 'nobody'");
            assertThat(stream.errorCode()).isEqualTo(ErrorCode.GROUP_MODE_MISMATCH);
            assertThat(stream.errorMessage()).contains("stream-mode");
        }
    }

    @Test
    void anEmptyAckIsAnsweredWithNoEntries() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            QueueAckResponse answer =
                    (QueueAckResponse) connection.call(new QueueAckRequest("workers", "jobs", List.of())).body();
            assertThat(answer.errorCode()).isEqualTo(ErrorCode.NONE);
            assertThat(answer.entries()).isEmpty();
        }
    }

    @Test
    void aParkedReceiveGetsTheProducedRecordAndItsAckIsApplied() throws IOException {
        try (RawConnection consumer = new RawConnection(server.nativeAddress());
                RawConnection producer = new RawConnection(server.nativeAddress())) {
            consumer.call(new CreateTopicRequest("jobs", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
            int receiveId = consumer.send(receive(10, 1 << 20, 30_000, 10_000, 5));
            // The receive is parked: a request sent after it on the same connection is answered first.
            assertThat(consumer.call(new ListTopicsRequest()).body().errorCode()).isEqualTo(ErrorCode.NONE);

            producer.call(new ProduceRequest("jobs", Acks.LEADER, 5_000,
                    List.of(new ProduceRequest.Entry(0, Unpooled.wrappedBuffer(batch("a", "hello"))))));
            RawConnection.Answer answer = consumer.receive();

            assertThat(answer.header().correlationId()).isEqualTo(receiveId);
            QueueReceiveResponse received = (QueueReceiveResponse) answer.body();
            assertThat(received.errorCode()).isEqualTo(ErrorCode.NONE);
            QueueReceiveResponse.Queue queue = received.queues().get(0);
            assertThat(queue.deliveries()).containsExactly(new QueueReceiveResponse.Delivery(0, 1));
            assertThat(values(queue.records())).containsExactly("hello");

            // Any connection may settle a delivery; a second ack of it has expired.
            QueueAckRequest ack = new QueueAckRequest("workers", "jobs",
                    List.of(new QueueAckRequest.Entry(0, 0, 1, QueueAckType.ACK, 0, null)));
            QueueAckResponse first = (QueueAckResponse) producer.call(ack).body();
            QueueAckResponse second = (QueueAckResponse) producer.call(ack).body();
            assertThat(first.entries()).containsExactly(new QueueAckResponse.Entry(0, 0, ErrorCode.NONE, null));
            assertThat(second.entries()).singleElement()
                    .satisfies(entry -> assertThat(entry.errorCode()).isEqualTo(ErrorCode.DELIVERY_EXPIRED));
        }
    }

    @Test
    void aParkedReceiveOfAClosedConnectionFreesItsSlotAtOnce() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("jobs", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
            connection.send(receive(10, 1 << 20, 30_000, 30_000, 5));
            await().atMost(Duration.ofSeconds(5)).until(() -> server.broker().health().parkedFetches() == 1);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> server.broker().health().parkedFetches() == 0);
    }

    @Test
    void aParkedReceiveDoesNotHoldUpShutdown() throws Exception {
        // A shutdown timeout longer than the receive's wait: were the receive waited for, close would take 30 s.
        ServerConfig loopback = ServerConfig.loopback(BrokerConfig.builder(dir.resolve("long-shutdown")).build());
        SluiceServer patient = SluiceServer.start(new ServerConfig(loopback.host(), 0, loopback.transport(),
                loopback.ioThreads(), loopback.frameBytesMax(), loopback.inFlightRequestsMax(),
                loopback.subscriptionsMax(), 60_000, false, loopback.httpHost(), 0, loopback.broker()));
        try (RawConnection connection = new RawConnection(patient.nativeAddress())) {
            connection.call(new CreateTopicRequest("jobs", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
            connection.send(receive(10, 1 << 20, 30_000, 30_000, 5));
            await().atMost(Duration.ofSeconds(5)).until(() -> patient.broker().health().parkedFetches() == 1);

            CompletableFuture<Void> closed = CompletableFuture.runAsync(patient::close);

            closed.get(20, TimeUnit.SECONDS);
            assertThat(connection.closedByServer(5_000)).as("the parked receive's connection is answered or closed")
                    .isTrue();
        } finally {
            patient.close();
        }
    }

    private static void assertInvalid(Response answer, String... messageParts) {
        assertThat(answer.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(answer.errorMessage()).contains(messageParts);
    }
}
