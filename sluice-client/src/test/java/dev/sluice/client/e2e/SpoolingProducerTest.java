package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.BufferExhaustedException;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.RecordTooLargeException;
import dev.sluice.client.SendResult;
import dev.sluice.client.SluiceException;
import dev.sluice.client.SpoolConfig;
import dev.sluice.client.SpoolingProducer;
import dev.sluice.record.ReservedHeaders;
import dev.sluice.testsupport.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The producer's local spool: sends survive a broker outage and a killed producer, up to a bound, then fail loudly. */
@EndToEnd
class SpoolingProducerTest {
    @TempDir
    Path dir;

    private static ProducerConfig producerConfig(String bootstrap) {
        // A short delivery timeout, so that the outage outlasts it and the spool's resends are what delivers.
        return ProducerConfig.builder(bootstrap).requestTimeoutMs(1_000).deliveryTimeoutMs(2_000)
                .retryBackoffMaxMs(200).maxBlockMs(1_000).closeTimeoutMs(1_000).build();
    }

    private SpoolConfig spool() {
        return SpoolConfig.of(dir.resolve("spool")).withResendBackoff(50, 500);
    }

    @Test
    void sendsAcceptedWhileTheBrokerIsDownAreDeliveredOnceWhenItReturns() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"), Map.of())) {
            String bootstrap = server.bootstrap();
            server.stop();
            List<CompletableFuture<SendResult>> sends = new ArrayList<>();
            try (SpoolingProducer producer = SpoolingProducer.open(producerConfig(bootstrap), spool())) {
                // Given 1,000 sends accepted while the broker is down, past the producer's delivery timeout
                for (int i = 0; i < 1_000; i++) {
                    sends.add(producer.send(Message.of("t", "k" + (i % 10), "m-" + i)));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> producer.resentMessages() > 0);
                assertThat(sends).noneMatch(CompletableFuture::isDone);
                assertThat(producer.spooledMessages()).isEqualTo(1_000);

                // When the broker returns
                server.startAgain();
                CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
                assertThat(producer.spooledMessages()).isZero();
            }
            // Then each message is stored once, carrying the message id the spool gave it
            Map<String, Integer> seen = readAll(server.bootstrap(), 1_000);
            assertThat(seen).hasSize(1_000).allSatisfy((value, count) -> assertThat(count).as(value).isEqualTo(1));
        }
    }

    @Test
    void aFullSpoolFailsTheNextSendAtOnceAndKeepsWhatItHolds() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"), Map.of())) {
            String bootstrap = server.bootstrap();
            server.stop();
            List<CompletableFuture<SendResult>> accepted = new ArrayList<>();
            try (SpoolingProducer producer = SpoolingProducer.open(producerConfig(bootstrap),
                    spool().withBytesMax(16 * 1024))) {
                CompletableFuture<SendResult> refused = null;
                for (int i = 0; i < 10_000 && refused == null; i++) {
                    CompletableFuture<SendResult> send = producer.send(Message.of("t", "m-" + i));
                    if (send.isCompletedExceptionally()) {
                        refused = send;
                    } else {
                        accepted.add(send);
                    }
                }
                assertThat(refused).as("a send beyond bytesMax fails").isNotNull();
                CompletableFuture<SendResult> failed = refused;
                assertThatThrownBy(failed::get).cause().isInstanceOf(BufferExhaustedException.class)
                        .hasMessageContaining("is full").hasMessageContaining("bytesMax 16384");
                assertThat(accepted).hasSizeGreaterThan(100);
                assertThat(producer.spooledBytes()).isLessThanOrEqualTo(16 * 1024);
                server.startAgain();
                CompletableFuture.allOf(accepted.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            }
            assertThat(readAll(server.bootstrap(), accepted.size())).hasSize(accepted.size());
        }
    }

    @Test
    void messagesLeftAtCloseStayInTheSpoolAndTheNextOpenDeliversThem() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"), Map.of())) {
            String bootstrap = server.bootstrap();
            server.stop();
            List<CompletableFuture<SendResult>> sends = new ArrayList<>();
            try (SpoolingProducer producer = SpoolingProducer.open(producerConfig(bootstrap), spool())) {
                for (int i = 0; i < 500; i++) {
                    sends.add(producer.send(Message.of("t", "m-" + i)));
                }
            }
            assertThat(sends).allSatisfy(send -> assertThatThrownBy(send::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SluiceException.class).hasMessageContaining("stays in the spool"));

            server.startAgain();
            try (SpoolingProducer reopened = SpoolingProducer.open(producerConfig(bootstrap), spool())) {
                assertThat(reopened.recoveredMessages()).isEqualTo(500);
                reopened.flush();
                assertThat(reopened.spooledMessages()).isZero();
            }
            Map<String, Integer> seen = readAll(server.bootstrap(), 500);
            assertThat(seen).hasSize(500).allSatisfy((value, count) -> assertThat(count).isEqualTo(1));
        }
    }

    @Test
    void aProducerKilledWithKill9LosesNoMessageItsSendAccepted() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"), Map.of())) {
            String bootstrap = server.bootstrap();
            server.stop();
            Path spoolDir = dir.resolve("spool");
            int accepted;
            // Given a producer process that spools sends to a broker that is down, killed mid-way
            try (ChildJvm child = ChildJvm.builder(SpoolingChild.class)
                    .args(spoolDir.toString(), bootstrap, "5000").start()) {
                child.awaitLine(line -> line.equals("SPOOLED 2000"), Duration.ofSeconds(60));
                child.killHard();
                accepted = (int) child.lines().stream().filter(line -> line.startsWith("SPOOLED ")).count();
            }
            // When the broker returns and a producer opens the spool again
            server.startAgain();
            try (SpoolingProducer reopened = SpoolingProducer.open(producerConfig(bootstrap), spool())) {
                assertThat(reopened.recoveredMessages()).isGreaterThanOrEqualTo(accepted);
                reopened.flush();
            }
            // Then every message whose send returned is stored, once, and nothing else
            Map<String, Integer> seen = readAll(server.bootstrap(), "spooled", accepted);
            for (int i = 0; i < accepted; i++) {
                assertThat(seen).as("m-%d", i).containsEntry("m-" + i, 1);
            }
            assertThat(seen.keySet()).allSatisfy(value ->
                    assertThat(Integer.parseInt(value.substring(2))).isLessThan(5_000));
        }
    }

    @Test
    void aSpoolWhoseFilesFailStopsAndFailsLaterSendsInsteadOfHanging() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"), Map.of())) {
            String bootstrap = server.bootstrap();
            server.stop();
            Path spoolDir = dir.resolve("spool");
            byte[] tooLarge = new byte[2 * 1024 * 1024];
            try (SpoolingProducer producer = SpoolingProducer.open(producerConfig(bootstrap), spool())) {
                // A message the producer refuses leaves the spool, so the checkpoint moves and is written
                assertThatThrownBy(() -> producer.send(Message.of("t", tooLarge)).get(10, TimeUnit.SECONDS))
                        .cause().isInstanceOf(RecordTooLargeException.class);
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(spoolDir.resolve("spool.checkpoint")));
                // When the spool's directory goes away, the next checkpoint cannot be written
                try (var files = Files.list(spoolDir)) {
                    for (Path file : files.toList()) {
                        Files.delete(file);
                    }
                }
                Files.delete(spoolDir);
                producer.send(Message.of("t", tooLarge));
                // Then the spool stops: sends fail with the cause at once, flush does not hang
                await().atMost(Duration.ofSeconds(10)).until(() -> producer.send(Message.of("t", "m"))
                        .isCompletedExceptionally());
                assertThatThrownBy(() -> producer.send(Message.of("t", "m")).get()).cause()
                        .isInstanceOf(SluiceException.class).hasMessageContaining("checkpoint failed");
                assertThatThrownBy(producer::flush).isInstanceOf(SluiceException.class);
            }
        }
    }

    /** Reads the topic from the start until {@code expected} messages or 3 quiet seconds; value → times seen. */
    private static Map<String, Integer> readAll(String bootstrap, int expected) {
        return readAll(bootstrap, "t", expected);
    }

    private static Map<String, Integer> readAll(String bootstrap, String topic, int expected) {
        Map<String, Integer> seen = new HashMap<>();
        int read = 0;
        try (Consumer consumer = Consumer.create(ConsumerConfig.builder(bootstrap).group("verify-" + System.nanoTime())
                .autoOffsetReset(OffsetReset.EARLIEST).build())) {
            consumer.subscribe(topic);
            long quietSinceNs = System.nanoTime();
            long deadlineNs = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() - deadlineNs < 0
                    && (read < expected || System.nanoTime() - quietSinceNs < Duration.ofSeconds(1).toNanos())) {
                List<ReceivedMessage> messages = consumer.poll(Duration.ofMillis(200));
                for (ReceivedMessage message : messages) {
                    assertThat(message.header(ReservedHeaders.MESSAGE_ID)).isNotNull();
                    seen.merge(message.valueAsString(), 1, Integer::sum);
                    read++;
                }
                if (!messages.isEmpty()) {
                    quietSinceNs = System.nanoTime();
                } else if (read < expected && System.nanoTime() - quietSinceNs > Duration.ofSeconds(3).toNanos()) {
                    break;
                }
            }
        }
        return seen;
    }

}
