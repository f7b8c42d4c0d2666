package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.protocol.Acks;
import dev.sluice.protocol.ApiVersionsRequest;
import dev.sluice.protocol.ApiVersionsResponse;
import dev.sluice.protocol.CreateTopicRequest;
import dev.sluice.protocol.CreditRequest;
import dev.sluice.protocol.DescribeTopicRequest;
import dev.sluice.protocol.DescribeTopicResponse;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FetchRequest;
import dev.sluice.protocol.FetchResponse;
import dev.sluice.protocol.ListTopicsRequest;
import dev.sluice.protocol.ListTopicsResponse;
import dev.sluice.protocol.MetadataRequest;
import dev.sluice.protocol.MetadataResponse;
import dev.sluice.protocol.ProduceRequest;
import dev.sluice.protocol.ProduceResponse;
import dev.sluice.protocol.PushRecords;
import dev.sluice.protocol.SubscribeRequest;
import dev.sluice.protocol.SubscribeResponse;
import dev.sluice.protocol.TopicFlushPolicy;
import dev.sluice.record.Compression;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.record.RecordBatchReader;
import dev.sluice.testsupport.ThreadLeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ThreadLeakCheck.class)
class NativeProtocolTest {
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

    @Test
    void producedBatchIsFetchedBackByteForByte() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            assertThat(connection.call(new CreateTopicRequest("orders", 2, -1, TopicFlushPolicy.BROKER_DEFAULT))
                    .body().errorCode()).isEqualTo(ErrorCode.NONE);
            ByteBuffer batch = batch("k1", "v1", "k2", "v2");

            ProduceResponse produced = (ProduceResponse) connection.call(new ProduceRequest("orders", Acks.DURABLE, 5_000,
                    List.of(new ProduceRequest.Entry(1, Unpooled.wrappedBuffer(batch.duplicate()))))).body();
            FetchResponse fetched = (FetchResponse) connection.call(new FetchRequest(0, 0, 1 << 20,
                    List.of(new FetchRequest.Entry("orders", 1, 0, 1 << 20)))).body();

            assertThat(produced.entries()).singleElement().satisfies(entry -> {
                assertThat(entry.errorCode()).isEqualTo(ErrorCode.NONE);
                assertThat(entry.baseOffset()).isZero();
            });
            FetchResponse.Entry entry = fetched.entries().get(0);
            assertThat(entry.errorCode()).isEqualTo(ErrorCode.NONE);
            assertThat(entry.endOffset()).isEqualTo(2);
            assertThat(values(entry.records())).containsExactly("v1", "v2");
        }
    }

    @Test
    void parkedFetchIsAnsweredWhenAnotherConnectionProduces() throws IOException {
        try (RawConnection consumer = new RawConnection(server.nativeAddress());
                RawConnection producer = new RawConnection(server.nativeAddress())) {
            consumer.call(new CreateTopicRequest("events", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
            int fetchId = consumer.send(new FetchRequest(10_000, 1, 1 << 20, List.of(new FetchRequest.Entry("events", 0, 0, 1 << 20))));
            // The fetch is parked: a request sent after it on the same connection is answered first.
            assertThat(consumer.call(new ListTopicsRequest()).body().errorCode()).isEqualTo(ErrorCode.NONE);

            producer.call(new ProduceRequest("events", Acks.LEADER, 5_000,
                    List.of(new ProduceRequest.Entry(0, Unpooled.wrappedBuffer(batch("a", "hello"))))));
            RawConnection.Answer answer = consumer.receive();

            assertThat(answer.header().correlationId()).isEqualTo(fetchId);
            assertThat(values(((FetchResponse) answer.body()).entries().get(0).records())).containsExactly("hello");
        }
    }

    @Test
    void unknownTopicAndQueueAreErrorsPerEntry() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("small", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));

            ProduceResponse produced = (ProduceResponse) connection.call(new ProduceRequest("small", Acks.LEADER, 5_000,
                    List.of(new ProduceRequest.Entry(3, Unpooled.wrappedBuffer(batch("a", "b")))))).body();
            DescribeTopicResponse missing = (DescribeTopicResponse) connection.call(new DescribeTopicRequest("nope")).body();
            MetadataResponse metadata = (MetadataResponse) connection.call(new MetadataRequest(List.of("small", "Bad Name"), true)).body();

            assertThat(produced.entries().get(0).errorCode()).isEqualTo(ErrorCode.UNKNOWN_QUEUE);
            assertThat(missing.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
            assertThat(missing.errorMessage()).contains("nope");
            assertThat(metadata.topics()).extracting(MetadataResponse.Topic::errorCode)
                    .containsExactly(ErrorCode.NONE, ErrorCode.INVALID_TOPIC);
        }
    }

    @Test
    void corruptBatchIsRejectedAndNothingIsStored() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("t", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
            ByteBuffer batch = batch("k", "v");
            batch.put(batch.limit() - 1, (byte) (batch.get(batch.limit() - 1) ^ 0x40));

            ProduceResponse produced = (ProduceResponse) connection.call(new ProduceRequest("t", Acks.LEADER, 5_000,
                    List.of(new ProduceRequest.Entry(0, Unpooled.wrappedBuffer(batch))))).body();

            assertThat(produced.entries().get(0).errorCode()).isEqualTo(ErrorCode.INVALID_BATCH);
            assertThat(server.broker().describeTopic("t").queues().get(0).endOffset()).isZero();
        }
    }

    @Test
    void apiVersionsListsEveryApiAndTheLimits() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            ApiVersionsResponse versions = (ApiVersionsResponse) connection.call(new ApiVersionsRequest("test")).body();

            assertThat(versions.apis()).hasSize(dev.sluice.protocol.ApiKey.values().length);
            assertThat(versions.frameBytesMax()).isEqualTo(16 << 20);
            assertThat(versions.batchBytesMax()).isEqualTo(1 << 20);
        }
    }

    @Test
    void stalledPushSubscriberGetsNoMoreThanItsCreditUntilItGrantsMore() throws IOException {
        try (RawConnection producer = new RawConnection(server.nativeAddress());
                RawConnection subscriber = new RawConnection(server.nativeAddress())) {
            producer.call(new CreateTopicRequest("feed", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
            int batchBytes = batch("k", "x".repeat(1_000)).remaining();
            for (int i = 0; i < 50; i++) {
                producer.call(new ProduceRequest("feed", Acks.LEADER, 5_000,
                        List.of(new ProduceRequest.Entry(0, Unpooled.wrappedBuffer(batch("k", "x".repeat(1_000)))))));
            }
            int credit = 3 * batchBytes;

            SubscribeResponse subscribed = (SubscribeResponse) subscriber.call(new SubscribeRequest("feed", 0, 0, credit)).body();
            List<PushRecords> pushes = drainPushes(subscriber);
            int pushedBytes = pushes.stream().mapToInt(push -> push.records().readableBytes()).sum();

            assertThat(subscribed.errorCode()).isEqualTo(ErrorCode.NONE);
            assertThat(pushedBytes).isBetween(credit, credit + batchBytes);

            subscriber.sendOneway(new CreditRequest(subscribed.subscriptionId(), 100 * batchBytes));
            List<PushRecords> more = drainPushes(subscriber);

            assertThat(pushes.get(pushes.size() - 1).nextOffset()
                    + more.stream().mapToInt(push -> values(push.records()).size()).sum()).isEqualTo(50);
        }
    }

    @Test
    void aClientThatNeverReadsItsAnswersCannotMakeTheBrokerBufferWithoutBound() throws Exception {
        try (RawConnection producer = new RawConnection(server.nativeAddress());
                RawConnection greedy = new RawConnection(server.nativeAddress())) {
            producer.call(new CreateTopicRequest("big", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
            producer.call(new ProduceRequest("big", Acks.LEADER, 5_000, List.of(new ProduceRequest.Entry(0,
                    Unpooled.wrappedBuffer(batch("k", "x".repeat(1_000_000))))))); // one answer: about 1 MB

            for (int i = 0; i < 200; i++) { // 200 MB of answers if the broker kept writing
                greedy.send(new FetchRequest(0, 0, 1 << 20, List.of(new FetchRequest.Entry("big", 0, 0, 1 << 20))));
            }
            // Let the broker work through what it has read; then its sent-bytes counter says what it buffered.
            org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofSeconds(2)).atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> true);

            assertThat(sentBytes()).as("frame bytes the broker wrote or queued for the connection that does not read")
                    .isLessThan(64L << 20);
            assertThat(producer.call(new ListTopicsRequest()).body().errorCode()).as("other clients are served")
                    .isEqualTo(ErrorCode.NONE);
        }
    }

    private double sentBytes() throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpAddress().getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(line -> line.startsWith("sluice_network_sent_bytes_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void aParkedFetchOfAClosedConnectionFreesItsSlotAtOnce() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("idle", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
            connection.send(new FetchRequest(30_000, 1, 1 << 20, List.of(new FetchRequest.Entry("idle", 0, 0, 1 << 20))));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> server.broker().health().parkedFetches() == 1);
        }

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> server.broker().health().parkedFetches() == 0);
    }

    @Test
    void anEndedPushSubscriptionFreesItsParkedWaitAtOnce() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("quiet", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
            for (int i = 0; i < 50; i++) {
                SubscribeResponse subscribed = (SubscribeResponse) connection.call(new SubscribeRequest("quiet", 0, 0, 1 << 20)).body();
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                        .until(() -> server.broker().health().parkedFetches() == 1);
                assertThat(connection.call(new dev.sluice.protocol.UnsubscribeRequest(subscribed.subscriptionId())).body()
                        .errorCode()).isEqualTo(ErrorCode.NONE);
            }

            // Caught up, each subscription parked a 30-second wait; unsubscribing must have freed them.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> server.broker().health().parkedFetches() == 0);
        }
    }

    @Test
    void healthAndMetricsAreServedOverHttp() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.httpAddress().getPort();
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new ListTopicsRequest());
        }

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(base + "/nope")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("sluice_requests_seconds_count{api=\"LIST_TOPICS\"")
                .contains("sluice_connections").contains("sluice_storage_fsyncs_total").contains("jvm_memory_used_bytes");
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void listTopicsShowsCreatedTopics() throws IOException {
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("b", 2, -1, TopicFlushPolicy.SYNC));
            connection.call(new CreateTopicRequest("a", 1, -1, TopicFlushPolicy.ASYNC));

            ListTopicsResponse topics = (ListTopicsResponse) connection.call(new ListTopicsRequest()).body();

            assertThat(topics.topics()).containsExactly(new ListTopicsResponse.Topic("a", 1), new ListTopicsResponse.Topic("b", 2));
        }
    }

    private static List<PushRecords> drainPushes(RawConnection connection) throws IOException {
        List<PushRecords> pushes = new ArrayList<>();
        connection.setReadTimeout(500);
        try {
            while (true) {
                RawConnection.Answer answer = connection.receive();
                if (answer.header().isPush()) {
                    pushes.add((PushRecords) answer.body());
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return pushes; // nothing more within half a second: the broker stopped sending
        } finally {
            connection.setReadTimeout(10_000);
        }
    }

    static ByteBuffer batch(String... keysAndValues) {
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, System.currentTimeMillis());
        for (int i = 0; i < keysAndValues.length; i += 2) {
            builder.append(keysAndValues[i].getBytes(StandardCharsets.UTF_8), keysAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    static List<String> values(ByteBuf records) {
        ByteBuffer buffer = records.nioBuffer();
        List<String> values = new ArrayList<>();
        int position = buffer.position();
        while (position < buffer.limit()) {
            for (Record record : RecordBatchReader.records(buffer, position)) {
                values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
            }
            position += dev.sluice.record.RecordBatchDescriptor.sizeInBytes(buffer, position);
        }
        return values;
    }
}
