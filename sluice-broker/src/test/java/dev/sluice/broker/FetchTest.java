package dev.sluice.broker;

import static dev.sluice.broker.TestBrokers.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testsupport.ThreadLeakCheck;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ThreadLeakCheck.class)
class FetchTest {
    private static final long LONG_WAIT_MS = 30_000;

    @TempDir
    Path directory;

    private Broker open(BrokerConfig.Builder config) {
        Broker broker = Broker.open(config.build(), new ManualClock(TestBrokers.START_MS));
        broker.createTopic(TopicSpec.of("orders", 2));
        return broker;
    }

    private Broker open() {
        return open(TestBrokers.config(directory));
    }

    private static FetchRequest request(long offset, long maxWaitMs, int minBytes) {
        return new FetchRequest(List.of(new FetchEntry("orders", 0, offset, 1 << 20),
                new FetchEntry("orders", 1, 0, 1 << 20)), maxWaitMs, minBytes, 1 << 20);
    }

    @Test
    void fetchWithReadableDataAnswersAtOnce() {
        try (Broker broker = open()) {
            broker.produce("orders", 1, batch("a"), Acks.LEADER).join();

            CompletableFuture<List<FetchResult>> fetch = broker.fetch(request(0, LONG_WAIT_MS, 1));

            assertThat(fetch).isCompleted();
            List<FetchResult> results = fetch.join();
            assertThat(results).extracting(FetchResult::queue).containsExactly(0, 1);
            assertThat(TestBrokers.values(results.get(1).batches())).containsExactly("a");
            assertThat(results.get(1).endOffset()).isEqualTo(1);
            assertThat(broker.health().bytesOut()).isEqualTo(results.get(1).bytes());
        }
    }

    @Test
    void parkedFetchIsAnsweredWhenAnAppendArrivesWithItsBytes() {
        try (Broker broker = open()) {
            CompletableFuture<List<FetchResult>> fetch = broker.fetch(request(0, LONG_WAIT_MS, 1));
            assertThat(fetch).isNotDone();
            assertThat(broker.health().parkedFetches()).isEqualTo(1);

            ByteBuffer produced = batch("late");
            broker.produce("orders", 0, produced.duplicate(), Acks.LEADER).join();

            List<FetchResult> results = fetch.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
            assertThat(TestBrokers.values(results.get(0).batches())).containsExactly("late");
            assertThat(results.get(0).bytes()).isEqualTo(produced.remaining());
            assertThat(results.get(1).batches()).isEmpty();
            assertThat(broker.health().parkedFetches()).isZero();
        }
    }

    @Test
    void parkedFetchTimesOutEmptyWhenNothingArrives() {
        try (Broker broker = open()) {
            long startNs = System.nanoTime();
            List<FetchResult> results = broker.fetch(request(0, 200, 1)).join();

            assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
            assertThat(results).hasSize(2).allSatisfy(result -> {
                assertThat(result.error()).isNull();
                assertThat(result.batches()).isEmpty();
            });
            assertThat(broker.health().parkedFetches()).isZero();
        }
    }

    @Test
    void maxWaitIsClampedToFetchMaxWaitMsMax() {
        try (Broker broker = open(TestBrokers.config(directory).fetchMaxWaitMsMax(100))) {
            assertThat(broker.fetch(request(0, 3_600_000, 1))).succeedsWithin(Duration.ofSeconds(10));
        }
    }

    @Test
    void parkedFetchWaitsUntilMinBytesAreReadable() {
        try (Broker broker = open()) {
            int oneBatch = batch("first").remaining();
            CompletableFuture<List<FetchResult>> fetch = broker.fetch(request(0, LONG_WAIT_MS, oneBatch + 1));

            broker.produce("orders", 0, batch("first"), Acks.LEADER).join();
            // The wake-up after the first append runs on the completion thread; let it pass.
            CompletableFuture<Void> marker = broker.awaitData("orders", 0, 0, 0);
            assertThat(marker).isCompleted();
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !fetch.isDone());

            broker.produce("orders", 1, batch("second"), Acks.LEADER).join();

            List<FetchResult> results = fetch.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
            assertThat(TestBrokers.values(results.get(0).batches())).containsExactly("first");
            assertThat(TestBrokers.values(results.get(1).batches())).containsExactly("second");
        }
    }

    @Test
    void fetchWithZeroMaxWaitAnswersAtOnceEvenWhenEmpty() {
        try (Broker broker = open()) {
            CompletableFuture<List<FetchResult>> fetch = broker.fetch(request(0, 0, 1));
            assertThat(fetch).isCompleted();
            assertThat(fetch.join()).allSatisfy(result -> assertThat(result.batches()).isEmpty());
        }
    }

    @Test
    void fetchWithAnEntryErrorAnswersAtOnce() {
        try (Broker broker = open()) {
            FetchRequest request = new FetchRequest(List.of(new FetchEntry("orders", 0, 0, 1024),
                    new FetchEntry("orders", 0, 5, 1024), new FetchEntry("orders", 7, 0, 1024),
                    new FetchEntry("nowhere", 0, 0, 1024)), LONG_WAIT_MS, 1, 1 << 20);

            List<FetchResult> results = broker.fetch(request).join();

            assertThat(results).extracting(FetchResult::error).containsExactly(null, BrokerError.OFFSET_OUT_OF_RANGE,
                    BrokerError.UNKNOWN_QUEUE, BrokerError.UNKNOWN_TOPIC);
            assertThat(results.get(1).startOffset()).isZero();
            assertThat(results.get(1).endOffset()).isZero();
        }
    }

    @Test
    void maxBytesAcrossEntriesStillReturnsTheFirstBatch() {
        try (Broker broker = open()) {
            broker.produce("orders", 0, batch("x".repeat(2_000)), Acks.LEADER).join();
            broker.produce("orders", 0, batch("y".repeat(2_000)), Acks.LEADER).join();
            broker.produce("orders", 1, batch("z".repeat(2_000)), Acks.LEADER).join();
            FetchRequest request = new FetchRequest(List.of(new FetchEntry("orders", 0, 0, 1 << 20),
                    new FetchEntry("orders", 1, 0, 1 << 20)), 0, 1, 100);

            List<FetchResult> results = broker.fetch(request).join();

            assertThat(results.get(0).batches()).hasSize(1);
            assertThat(results.get(1).batches()).isEmpty();
            assertThat(results.get(1).endOffset()).isEqualTo(1);
        }
    }

    @Test
    void parkedFetchesBeyondParkedFetchesMaxFailWithBrokerBusy() {
        try (Broker broker = open(TestBrokers.config(directory).parkedFetchesMax(3))) {
            List<CompletableFuture<List<FetchResult>>> parked = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                parked.add(broker.fetch(request(0, LONG_WAIT_MS, 1)));
            }
            assertThat(parked).allSatisfy(fetch -> assertThat(fetch).isNotDone());
            assertThat(broker.health().parkedFetches()).isEqualTo(3);

            ProduceTest.assertProduceFails(broker.fetch(request(0, LONG_WAIT_MS, 1)), BrokerError.BROKER_BUSY,
                    "parkedFetchesMax 3");
            ProduceTest.assertProduceFails(broker.awaitData("orders", 0, 0, LONG_WAIT_MS), BrokerError.BROKER_BUSY);

            broker.produce("orders", 0, batch("a"), Acks.LEADER).join();
            for (CompletableFuture<List<FetchResult>> fetch : parked) {
                assertThat(fetch).succeedsWithin(Duration.ofSeconds(10));
            }
            assertThat(broker.health().parkedFetches()).isZero();
            assertThat(broker.fetch(request(0, LONG_WAIT_MS, 1))).succeedsWithin(Duration.ofSeconds(10));
        }
    }

    @Test
    void closeCompletesParkedFetchesAndDataWaits() {
        Broker broker = open();
        CompletableFuture<List<FetchResult>> fetch = broker.fetch(request(0, LONG_WAIT_MS, 1));
        CompletableFuture<Void> wait = broker.awaitData("orders", 0, 0, LONG_WAIT_MS);

        broker.close();

        ProduceTest.assertProduceFails(fetch, BrokerError.SHUTTING_DOWN);
        assertThat(wait).isCompleted();
        assertThat(wait.isCompletedExceptionally()).isFalse();
        ProduceTest.assertProduceFails(broker.fetch(request(0, LONG_WAIT_MS, 1)), BrokerError.SHUTTING_DOWN);
    }

    @Test
    void parkedFetchOfADeletedTopicAnswersUnknownTopic() {
        try (Broker broker = open()) {
            CompletableFuture<List<FetchResult>> fetch = broker.fetch(request(0, LONG_WAIT_MS, 1));

            broker.deleteTopic("orders");

            List<FetchResult> results = fetch.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
            assertThat(results).extracting(FetchResult::error).containsOnly(BrokerError.UNKNOWN_TOPIC);
        }
    }

    @Test
    void awaitDataCompletesWhenTheEndOffsetPassesTheOffset() {
        try (Broker broker = open()) {
            broker.produce("orders", 0, batch("a"), Acks.LEADER).join();
            assertThat(broker.awaitData("orders", 0, 0, LONG_WAIT_MS)).isCompleted();

            CompletableFuture<Void> wait = broker.awaitData("orders", 0, 1, LONG_WAIT_MS);
            assertThat(wait).isNotDone();
            broker.produce("orders", 1, batch("other queue"), Acks.LEADER).join();
            broker.produce("orders", 0, batch("b"), Acks.LEADER).join();

            assertThat(wait).succeedsWithin(Duration.ofSeconds(10));
            ProduceTest.assertProduceFails(broker.awaitData("nowhere", 0, 0, 10), BrokerError.UNKNOWN_TOPIC);
        }
    }

    @Test
    void awaitDataCompletesNormallyWhenTheWaitEnds() {
        try (Broker broker = open()) {
            CompletableFuture<Void> wait = broker.awaitData("orders", 0, 0, 100);
            assertThat(wait).succeedsWithin(Duration.ofSeconds(10));
            assertThat(broker.read("orders", 0, 0, 1024).batches()).isEmpty();
        }
    }

    @Test
    void manyConcurrentProducersWakeEveryParkedFetch() throws Exception {
        try (Broker broker = open()) {
            List<CompletableFuture<List<FetchResult>>> fetches = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fetches.add(broker.fetch(new FetchRequest(List.of(new FetchEntry("orders", i % 2, 0, 1 << 20)),
                        LONG_WAIT_MS, 1, 1 << 20)));
            }
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                int queue = p % 2;
                Thread producer = new Thread(() -> {
                    for (int i = 0; i < 25; i++) {
                        broker.produce("orders", queue, batch("v" + i), Acks.LEADER).join();
                    }
                }, "producer-" + p);
                producer.start();
                producers.add(producer);
            }
            for (Thread producer : producers) {
                producer.join();
            }
            for (CompletableFuture<List<FetchResult>> fetch : fetches) {
                assertThat(fetch).succeedsWithin(Duration.ofSeconds(10))
                        .satisfies(results -> assertThat(results.get(0).bytes()).isPositive());
            }
        }
    }
}
