package dev.sluice.broker;

import static dev.sluice.broker.TestBrokers.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.testsupport.ThreadLeakCheck;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ThreadLeakCheck.class)
class ProduceTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(TestBrokers.START_MS);

    private Broker open() {
        return Broker.open(TestBrokers.config(directory).build(), clock);
    }

    @Test
    void producedBatchesGetDenseOffsetsAndReadBackByteIdentical() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 2));
            ByteBuffer first = batch("a", "b", "c");
            ProduceResult one = broker.produce("orders", 1, first.duplicate(), Acks.LEADER).join();
            ProduceResult two = broker.produce("orders", 1, batch("d"), Acks.LEADER).join();

            assertThat(one).isEqualTo(new ProduceResult(0, 2, TestBrokers.START_MS));
            assertThat(two.baseOffset()).isEqualTo(3);
            FetchResult read = broker.read("orders", 1, 0, 1 << 20);
            assertThat(read.error()).isNull();
            assertThat(read.endOffset()).isEqualTo(4);
            assertThat(TestBrokers.values(read.batches())).containsExactly("a", "b", "c", "d");
            ByteBuffer stored = read.batches().get(0).duplicate();
            RecordBatchDescriptor.baseOffset(first, 0, 0);
            assertThat(stored).isEqualTo(first);
            assertThat(broker.health().recordsIn()).isEqualTo(4);
            assertThat(broker.health().bytesIn()).isEqualTo(first.remaining() + batch("d").remaining());
        }
    }

    @Test
    void durableAcksCompleteOnlyOnceAnFsyncCoversTheBatch() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.produce("orders", 0, batch("written"), Acks.LEADER).join();
            // ASYNC storage with a 10-minute flush interval: a leader ack is not flushed. (The writer
            // publishes its position just after completing the appends: await it.)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(broker.store().flushedPosition()).isLessThan(broker.store().writtenPosition()));

            long flushedAtAck = broker.produce("orders", 0, batch("durable"), Acks.DURABLE)
                    .thenApply(result -> broker.store().flushedPosition()).join();

            // Once published, the written position is the durable batch's end: the ack's fsync covered it.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(broker.store().writtenPosition()).isEqualTo(flushedAtAck));
        }
    }

    @Test
    void syncTopicFlushesEveryAppendWhateverTheAcks() {
        try (Broker broker = open()) {
            broker.createTopic(new TopicSpec("ledger", 1, -1, TopicFlushPolicy.SYNC));
            long fsyncsBefore = broker.health().fsyncCount();

            long flushedAtAck = broker.produce("ledger", 0, batch("x"), Acks.LEADER)
                    .thenApply(result -> broker.store().flushedPosition()).join();

            assertThat(flushedAtAck).isPositive();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(broker.store().writtenPosition()).isEqualTo(flushedAtAck));
            assertThat(broker.health().fsyncCount()).isGreaterThan(fsyncsBefore);
        }
    }

    @Test
    void produceToAQueueNotBelowQueueCountFailsWithUnknownQueue() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 2));
            assertProduceFails(broker.produce("orders", 2, batch("x"), Acks.LEADER), BrokerError.UNKNOWN_QUEUE,
                    "queue 2 is not below queueCount 2");
            assertProduceFails(broker.produce("orders", -1, batch("x"), Acks.LEADER), BrokerError.UNKNOWN_QUEUE);
        }
    }

    @Test
    void produceToAMissingTopicFailsWithUnknownTopic() {
        try (Broker broker = open()) {
            assertProduceFails(broker.produce("nowhere", 0, batch("x"), Acks.LEADER), BrokerError.UNKNOWN_TOPIC);
        }
    }

    @Test
    void damagedBatchFailsWithInvalidBatchAndNothingIsStored() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            ByteBuffer damaged = batch("a", "b");
            damaged.put(damaged.limit() - 1, (byte) (damaged.get(damaged.limit() - 1) ^ 0x10));

            assertProduceFails(broker.produce("orders", 0, damaged, Acks.LEADER), BrokerError.INVALID_BATCH, "crc");
            assertThat(broker.describeTopic("orders").queues().get(0).endOffset()).isZero();
        }
    }

    @Test
    void batchOverBatchBytesMaxFailsWithBatchTooLarge() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            ByteBuffer large = batch("x".repeat(70 * 1024));

            assertProduceFails(broker.produce("orders", 0, large, Acks.LEADER), BrokerError.BATCH_TOO_LARGE);
        }
    }

    @Test
    void produceAfterCloseFailsWithShuttingDown() {
        Broker broker = open();
        broker.createTopic(TopicSpec.of("orders", 1));
        broker.close();

        assertProduceFails(broker.produce("orders", 0, batch("x"), Acks.LEADER), BrokerError.SHUTTING_DOWN);
        assertThat(broker.health().status()).isEqualTo(BrokerHealth.Status.CLOSED);
    }

    @Test
    void listOffsetFindsTheFirstRecordAtOrAfterATime() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.produce("orders", 0, batch(1_000, "t1000", "t1001"), Acks.LEADER).join();
            broker.produce("orders", 0, batch(2_000, "t2000", "t2001", "t2002"), Acks.LEADER).join();

            assertThat(broker.listOffset("orders", 0, 0)).isZero();
            assertThat(broker.listOffset("orders", 0, 1_001)).isEqualTo(1);
            assertThat(broker.listOffset("orders", 0, 1_500)).isEqualTo(2);
            assertThat(broker.listOffset("orders", 0, 2_002)).isEqualTo(4);
            assertThat(broker.listOffset("orders", 0, 9_999)).isEqualTo(5);
            assertThat(broker.listOffset("orders", 0, -1)).isEqualTo(5);
            assertThat(broker.listOffset("orders", 0, -2)).isZero();
            TopicsTest.assertError(() -> broker.listOffset("orders", 0, -3), BrokerError.INVALID_REQUEST);
            TopicsTest.assertError(() -> broker.listOffset("orders", 1, -1), BrokerError.UNKNOWN_QUEUE);
        }
    }

    @Test
    void healthIsOkWithStoragePositions() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.produce("orders", 0, batch("x"), Acks.DURABLE).join();

            await().atMost(Duration.ofSeconds(10)).until(() -> broker.health().storageWrittenPosition() > 0);
            BrokerHealth health = broker.health();
            assertThat(health.ok()).isTrue();
            assertThat(health.failureMessage()).isNull();
            assertThat(health.storageFlushedPosition()).isEqualTo(health.storageWrittenPosition());
            assertThat(health.fsyncCount()).isPositive();
        }
    }

    static void assertProduceFails(CompletableFuture<?> future, BrokerError error, String... messageParts) {
        assertThat(future).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.error()).isEqualTo(error);
                    for (String part : messageParts) {
                        assertThat(e.getMessage()).containsIgnoringCase(part);
                    }
                });
    }
}
