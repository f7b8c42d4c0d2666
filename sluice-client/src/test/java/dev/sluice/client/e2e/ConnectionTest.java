package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.EmbeddedSluice;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.RecordTooLargeException;
import dev.sluice.client.SendResult;
import dev.sluice.client.Sluice;
import dev.sluice.client.SluiceTimeoutException;
import dev.sluice.client.UnknownTopicException;
import dev.sluice.client.internal.BrokerAddress;
import dev.sluice.client.internal.BrokerConnection;
import dev.sluice.client.internal.BrokerLimits;
import dev.sluice.client.internal.ClientIo;
import dev.sluice.client.internal.RetryBackoff;
import dev.sluice.protocol.DescribeTopicRequest;
import dev.sluice.protocol.DescribeTopicResponse;
import dev.sluice.protocol.FetchRequest;
import dev.sluice.protocol.FetchResponse;
import dev.sluice.protocol.MetadataRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection layer over real TCP: pipelining, timeouts, reconnects, broker limits, and clear errors. */
@EndToEnd
class ConnectionTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void pipelinedRequestsCompleteWhileAFetchIsParkedOnTheSameConnection() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of());
                Admin admin = Admin.create(server.bootstrap());
                Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).build());
                ClientIo io = new ClientIo();
                BrokerConnection connection = new BrokerConnection(io, BrokerAddress.parse(server.bootstrap()),
                        RetryBackoff.of(100, 1_000), null)) {
            admin.createTopic("t", 2);
            CompletableFuture<FetchResponse> parked = connection.send(new FetchRequest(10_000, 1, 1 << 20,
                    List.of(new FetchRequest.Entry("t", 0, 0, 1 << 20))), 15_000);

            List<CompletableFuture<DescribeTopicResponse>> pipelined = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                pipelined.add(connection.send(new DescribeTopicRequest("t"), 10_000));
            }
            CompletableFuture.allOf(pipelined.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);

            assertThat(pipelined).allSatisfy(answer -> assertThat(answer.join().queueCount()).isEqualTo(2));
            assertThat(parked).isNotDone();
            producer.sendSync(Message.builder("t").queue(0).value("wake").build());
            assertThat(parked.get(5, TimeUnit.SECONDS).entries().get(0).endOffset()).isEqualTo(1);
            assertThat(connection.limits()).isEqualTo(new BrokerLimits(16 << 20, 1 << 20));
        }
    }

    @Test
    void aRequestTheBrokerNeverAnswersTimesOut() throws Exception {
        // A listener that accepts connections (the kernel does, from its backlog) and never answers
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ClientIo io = new ClientIo();
                BrokerConnection connection = new BrokerConnection(io,
                        BrokerAddress.parse("127.0.0.1:" + silent.getLocalPort()), RetryBackoff.of(100, 1_000), null)) {
            long startNs = System.nanoTime();
            CompletableFuture<?> answer = connection.send(new MetadataRequest(List.of("t"), false), 300);

            assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SluiceTimeoutException.class).hasMessageContaining("300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void theProducerRetriesAcrossABrokerRestartAndDelivers() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of());
                Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap())
                        .retryBackoffMaxMs(200).requestTimeoutMs(5_000).deliveryTimeoutMs(30_000).build())) {
            producer.sendSync(Message.of("t", "before"));
            server.stop();
            List<CompletableFuture<SendResult>> sends = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sends.add(producer.send(Message.of("t", "k-" + i, "during-" + i)));
            }

            server.startAgain();

            CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
            assertThat(countMessages(server.bootstrap(), "t", 101)).isGreaterThanOrEqualTo(101);
        }
    }

    @Test
    void aProducerStartedWhileTheBrokerIsDownWaitsForItsMetadataAndDelivers() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of())) {
            server.stop();
            try (Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap())
                    .retryBackoffMaxMs(200).maxBlockMs(20_000).build())) {
                // send blocks in the metadata lookup, retried with back-off, until the broker is back
                CompletableFuture<SendResult> sent = CompletableFuture.supplyAsync(
                        () -> producer.sendSync(Message.of("t", "first")));
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !sent.isDone());

                server.startAgain();

                assertThat(sent.get(20, TimeUnit.SECONDS).topic()).isEqualTo("t");
            }
        }
    }

    @Test
    void sendingToAnUnknownTopicWithAutoCreationOffFailsWithUnknownTopicException() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir, Map.of("topics.autoCreate", "false"))) {
            Producer producer = sluice.producer();

            assertThatThrownBy(() -> producer.sendSync(Message.of("missing", "x")))
                    .isInstanceOf(UnknownTopicException.class).hasMessageContaining("missing");
        }
    }

    @Test
    void messagesOverTheProducersLimitFailBeforeSending() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            Producer producer = sluice.producer(b -> b.messageBytesMax(1_024));

            assertThatThrownBy(() -> producer.sendSync(Message.builder("t").value(new byte[2_000]).build()))
                    .isInstanceOf(RecordTooLargeException.class).hasMessageContaining("messageBytesMax");
        }
    }

    @Test
    void theBrokersBatchLimitCapsBatchesAndRejectsLargerMessagesClearly() {
        int brokerBatchBytesMax = 16 * 1024;
        try (EmbeddedSluice sluice = Sluice.embedded(dir, Map.of("storage.batchBytesMax", "16k"))) {
            sluice.admin().createTopic("t", 1);
            // Batches of the default 64 KiB would each be refused with BATCH_TOO_LARGE
            Producer producer = sluice.producer(b -> b.lingerMs(50));
            List<CompletableFuture<SendResult>> sends = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sends.add(producer.send(Message.builder("t").value(new byte[1_000]).build()));
            }
            CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).join();

            assertThatThrownBy(() -> producer.sendSync(Message.builder("t").value(new byte[20_000]).build()))
                    .isInstanceOf(RecordTooLargeException.class)
                    .hasMessageContaining("batchBytesMax").hasMessageContaining(String.format("%,d", brokerBatchBytesMax));
            assertThat(sluice.admin().describeTopic("t").queues().get(0).endOffset()).isEqualTo(200);
        }
    }

    private static int countMessages(String bootstrap, String topic, int expected) {
        MessageLedger ledger = new MessageLedger();
        try (Consumer consumer = Consumer.create(ConsumerConfig.builder(bootstrap).group("count")
                .autoOffsetReset(OffsetReset.EARLIEST).build())) {
            consumer.subscribe(topic);
            long deadlineNs = System.nanoTime() + LIMIT.toNanos();
            while (ledger.distinctCount() < expected && System.nanoTime() - deadlineNs < 0) {
                ledger.recordAll(consumer.poll(Duration.ofMillis(200)));
            }
        }
        return ledger.distinctCount();
    }
}
