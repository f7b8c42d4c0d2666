package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.ReceivedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A parked FETCH answers when data arrives, and counts as a long poll, not as a request that timed out. */
@EndToEnd
class LongPollTest {
    @TempDir
    Path dir;

    @Test
    void aMessageSentWhileThePollIsParkedIsReturnedPromptly() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of());
                Admin admin = Admin.create(server.bootstrap());
                Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).lingerMs(0).build());
                Consumer consumer = Consumer.create(ConsumerConfig.builder(server.bootstrap()).group("g")
                        .autoOffsetReset(OffsetReset.EARLIEST).fetchMaxWaitMs(10_000).build())) {
            admin.createTopic("t", 1);
            ExecutorService pollThread = Executors.newSingleThreadExecutor();
            try {
                consumer.subscribe("t");
                pollThread.submit(() -> awaitAssignment(consumer)).get(10, TimeUnit.SECONDS);
                CompletableFuture<List<ReceivedMessage>> poll =
                        CompletableFuture.supplyAsync(() -> consumer.poll(Duration.ofSeconds(10)), pollThread);
                await().atMost(Duration.ofSeconds(5)).until(() -> server.health().parkedFetches() >= 1);

                long sentAtNs = System.nanoTime();
                producer.sendSync(Message.of("t", "late"));
                List<ReceivedMessage> received = poll.get(10, TimeUnit.SECONDS);
                long tookMs = (System.nanoTime() - sentAtNs) / 1_000_000;

                assertThat(received).extracting(ReceivedMessage::valueAsString).containsExactly("late");
                assertThat(tookMs).as("ms from send to the parked poll's return").isLessThan(2_000);
                System.out.printf("long poll: message returned %,d ms after it was sent%n", tookMs);
            } finally {
                pollThread.shutdown();
            }
        }
    }

    @Test
    void aFetchParkedLongerThanTheRequestTimeoutIsNotTimedOut() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of());
                Admin admin = Admin.create(server.bootstrap());
                Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).lingerMs(0).build());
                Consumer consumer = Consumer.create(ConsumerConfig.builder(server.bootstrap()).group("g")
                        .autoOffsetReset(OffsetReset.EARLIEST).fetchMaxWaitMs(5_000).requestTimeoutMs(500).build())) {
            admin.createTopic("t", 1);
            ExecutorService pollThread = Executors.newSingleThreadExecutor();
            try {
                consumer.subscribe("t");
                pollThread.submit(() -> awaitAssignment(consumer)).get(10, TimeUnit.SECONDS);
                CompletableFuture<List<ReceivedMessage>> poll =
                        CompletableFuture.supplyAsync(() -> consumer.poll(Duration.ofSeconds(10)), pollThread);
                await().atMost(Duration.ofSeconds(5)).until(() -> server.health().parkedFetches() >= 1);

                // Three request timeouts pass: a client that cut the fetch at 500 ms would have sent another one
                await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
                        .until(() -> server.health().parkedFetches() == 1 && !poll.isDone());
                producer.sendSync(Message.of("t", "after the request timeout"));

                assertThat(poll.get(10, TimeUnit.SECONDS)).extracting(ReceivedMessage::valueAsString)
                        .containsExactly("after the request timeout");
            } finally {
                pollThread.shutdown();
            }
        }
    }

    private static void awaitAssignment(Consumer consumer) {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (consumer.assignment().isEmpty() && System.nanoTime() - deadlineNs < 0) {
            assertThat(consumer.poll(Duration.ofMillis(50))).isEmpty();
        }
        assertThat(consumer.assignment()).isNotEmpty();
    }
}
