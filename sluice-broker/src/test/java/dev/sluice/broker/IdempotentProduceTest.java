package dev.sluice.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.record.Compression;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.testsupport.ThreadLeakCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ThreadLeakCheck.class)
class IdempotentProduceTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(TestBrokers.START_MS);

    private Broker open() {
        return Broker.open(TestBrokers.config(directory).build(), clock);
    }

    private static ByteBuffer batch(long producerId, int epoch, int baseSequence, String... values) {
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, TestBrokers.START_MS)
                .producer(producerId, (short) epoch, baseSequence);
        for (String value : values) {
            builder.append(TestBrokers.START_MS, null, value.getBytes(StandardCharsets.UTF_8), List.of());
        }
        return builder.build();
    }

    private static BrokerError errorOf(Runnable produce) {
        try {
            produce.run();
        } catch (CompletionException e) {
            return ((BrokerException) e.getCause()).error();
        }
        throw new AssertionError("the produce succeeded");
    }

    @Test
    void duplicateBatchIsStoredOnceAndAnsweredWithTheFirstOffsets() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            long producerId = broker.initProducerId();
            ByteBuffer first = batch(producerId, 0, 0, "a", "b");

            ProduceResult stored = broker.produce("orders", 0, first.duplicate(), Acks.LEADER).join();
            ProduceResult next = broker.produce("orders", 0, batch(producerId, 0, 2, "c"), Acks.LEADER).join();
            ProduceResult again = broker.produce("orders", 0, first.duplicate(), Acks.LEADER).join();

            assertThat(again.baseOffset()).isEqualTo(stored.baseOffset()).isZero();
            assertThat(again.lastOffset()).isEqualTo(1);
            assertThat(next.baseOffset()).isEqualTo(2);
            assertThat(TestBrokers.values(broker.read("orders", 0, 0, 1 << 20).batches())).containsExactly("a", "b", "c");
        }
    }

    @Test
    void gapInSequenceIsRejectedAndNothingIsStored() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            long producerId = broker.initProducerId();
            broker.produce("orders", 0, batch(producerId, 0, 0, "a"), Acks.LEADER).join();

            BrokerError error = errorOf(() -> broker.produce("orders", 0, batch(producerId, 0, 2, "c"), Acks.LEADER).join());

            assertThat(error).isEqualTo(BrokerError.OUT_OF_ORDER_SEQUENCE);
            assertThat(broker.describeTopic("orders").queues().get(0).endOffset()).isEqualTo(1);
            assertThat(broker.produce("orders", 0, batch(producerId, 0, 1, "b"), Acks.LEADER).join().baseOffset())
                    .isEqualTo(1);
        }
    }

    @Test
    void olderEpochIsRejected() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            long producerId = broker.initProducerId();
            broker.produce("orders", 0, batch(producerId, 1, 0, "a"), Acks.LEADER).join();

            assertThat(errorOf(() -> broker.produce("orders", 0, batch(producerId, 0, 1, "b"), Acks.LEADER).join()))
                    .isEqualTo(BrokerError.INVALID_PRODUCER_EPOCH);
        }
    }

    @Test
    void sequencesAreCheckedPerQueueAndNonIdempotentBatchesAreUntouched() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 2));
            long producerId = broker.initProducerId();
            broker.produce("orders", 0, batch(producerId, 0, 0, "a"), Acks.LEADER).join();
            broker.produce("orders", 1, batch(producerId, 0, 0, "b"), Acks.LEADER).join();
            broker.produce("orders", 0, TestBrokers.batch("plain"), Acks.LEADER).join();
            broker.produce("orders", 0, TestBrokers.batch("plain"), Acks.LEADER).join();

            assertThat(broker.describeTopic("orders").queues().get(0).endOffset()).isEqualTo(3);
        }
    }

    @Test
    void corruptIdempotentBatchIsAnInvalidBatchNotASequenceAnswer() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            long producerId = broker.initProducerId();
            ByteBuffer first = batch(producerId, 0, 0, "a");
            broker.produce("orders", 0, first.duplicate(), Acks.LEADER).join();
            // A retry of the first batch (a duplicate by its header) with a flipped byte in its records.
            ByteBuffer corrupt = ByteBuffer.allocate(first.remaining()).put(first.duplicate()).flip();
            corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 0x01));

            assertThat(errorOf(() -> broker.produce("orders", 0, corrupt, Acks.LEADER).join()))
                    .isEqualTo(BrokerError.INVALID_BATCH);
            ByteBuffer gapCorrupt = batch(producerId, 0, 7, "x");
            gapCorrupt.put(gapCorrupt.limit() - 1, (byte) (gapCorrupt.get(gapCorrupt.limit() - 1) ^ 0x01));
            assertThat(errorOf(() -> broker.produce("orders", 0, gapCorrupt, Acks.LEADER).join()))
                    .isEqualTo(BrokerError.INVALID_BATCH);
        }
    }

    @Test
    void idleProducersAreExpiredByTheTimerAfterProducerIdExpirationMs() {
        try (Broker broker = Broker.open(TestBrokers.config(directory).producerIdExpirationMs(50).build(), clock)) {
            broker.createTopic(TopicSpec.of("orders", 1));
            long producerId = broker.initProducerId();
            broker.produce("orders", 0, batch(producerId, 0, 0, "a"), Acks.LEADER).join();
            assertThat(errorOf(() -> broker.produce("orders", 0, batch(producerId, 0, 5, "x"), Acks.LEADER).join()))
                    .isEqualTo(BrokerError.OUT_OF_ORDER_SEQUENCE);

            clock.advance(51);

            // The timer (every 50 ms here) drops the idle producer: its next batch is accepted at any sequence.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                try {
                    broker.produce("orders", 0, batch(producerId, 0, 5, "x"), Acks.LEADER).join();
                    return true;
                } catch (CompletionException e) {
                    return false;
                }
            });
            assertThat(TestBrokers.values(broker.read("orders", 0, 0, 1 << 20).batches())).containsExactly("a", "x");
        }
    }

    @Test
    void stateAndProducerIdsSurviveARestart() {
        long producerId;
        ByteBuffer first;
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            producerId = broker.initProducerId();
            first = batch(producerId, 0, 0, "a", "b");
            broker.produce("orders", 0, first.duplicate(), Acks.LEADER).join();
        }
        try (Broker broker = open()) {
            ProduceResult again = broker.produce("orders", 0, first.duplicate(), Acks.LEADER).join();
            BrokerError gap = errorOf(() -> broker.produce("orders", 0, batch(producerId, 0, 5, "x"), Acks.LEADER).join());
            ProduceResult next = broker.produce("orders", 0, batch(producerId, 0, 2, "c"), Acks.LEADER).join();

            assertThat(again.baseOffset()).isZero();
            assertThat(gap).isEqualTo(BrokerError.OUT_OF_ORDER_SEQUENCE);
            assertThat(next.baseOffset()).isEqualTo(2);
            assertThat(broker.initProducerId()).isGreaterThan(producerId);
        }
    }
}
