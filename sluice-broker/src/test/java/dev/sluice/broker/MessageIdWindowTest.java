package dev.sluice.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.record.Compression;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.record.ReservedHeaders;
import dev.sluice.testsupport.ThreadLeakCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The message-id window: a message whose id the topic saw within the window is acknowledged and not stored. */
@ExtendWith(ThreadLeakCheck.class)
class MessageIdWindowTest {
    private static final long WINDOW_MS = 60_000;

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(TestBrokers.START_MS);

    private Broker open() {
        return open(TestBrokers.config(directory));
    }

    private Broker open(BrokerConfig.Builder config) {
        return Broker.open(config.messageIdWindowMs(WINDOW_MS).build(), clock);
    }

    /** A batch with one record per id ("-" for a record without id), values "v-<id>", producer fields optional. */
    static ByteBuffer batch(long producerId, int baseSequence, long timestampMs, String... ids) {
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, timestampMs);
        if (producerId >= 0) {
            builder.producer(producerId, (short) 0, baseSequence);
        }
        for (String id : ids) {
            List<Record.Header> headers = id.equals("-") ? List.of()
                    : List.of(Record.Header.of(ReservedHeaders.MESSAGE_ID, id.getBytes(StandardCharsets.UTF_8)));
            builder.append(timestampMs, null, ("v-" + id).getBytes(StandardCharsets.UTF_8), headers);
        }
        return builder.build();
    }

    private ByteBuffer batch(String... ids) {
        return batch(-1, -1, clock.getAsLong(), ids);
    }

    private static long endOffset(Broker broker, String topic, int queue) {
        return broker.describeTopic(topic).queues().get(queue).endOffset();
    }

    private static List<String> values(Broker broker, String topic, int queue) {
        return TestBrokers.values(broker.read(topic, queue, 0, 1 << 20).batches());
    }

    @Test
    void duplicateWithinTheWindowIsAcknowledgedWithTheFirstOffsetAndNotStored() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 2));
            ProduceResult first = broker.produce("orders", 1, batch("-", "a"), Acks.LEADER).join();

            ProduceResult again = broker.produce("orders", 0, batch("a"), Acks.LEADER).join();

            assertThat(first.duplicates()).isEmpty();
            assertThat(again.baseOffset()).isEqualTo(-1);
            assertThat(again.duplicates()).containsExactly(new ProduceResult.Duplicate(0, 1, 1));
            assertThat(endOffset(broker, "orders", 0)).isZero();
            assertThat(endOffset(broker, "orders", 1)).isEqualTo(2);
            assertThat(broker.messageIdStats().duplicatesDropped()).isEqualTo(1);
        }
    }

    @Test
    void sameIdAfterTheWindowIsStoredAgain() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.produce("orders", 0, batch("a"), Acks.LEADER).join();
            clock.advance(WINDOW_MS);

            ProduceResult later = broker.produce("orders", 0, batch("a"), Acks.LEADER).join();

            assertThat(later.duplicates()).isEmpty();
            assertThat(later.baseOffset()).isEqualTo(1);
            assertThat(broker.expireMessageIds()).isZero();
            clock.advance(WINDOW_MS);
            assertThat(broker.expireMessageIds()).isEqualTo(1);
            assertThat(broker.messageIdStats().idsKept()).isZero();
        }
    }

    @Test
    void partialDuplicateBatchStoresTheOtherRecordsWithDenseOffsets() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.produce("orders", 0, batch("a", "b"), Acks.LEADER).join();

            ProduceResult mixed = broker.produce("orders", 0, batch("x", "a", "-", "b", "y", "x"), Acks.LEADER).join();

            assertThat(mixed.baseOffset()).isEqualTo(2);
            assertThat(mixed.lastOffset()).isEqualTo(4);
            assertThat(mixed.duplicates()).containsExactly(new ProduceResult.Duplicate(1, 0, 0),
                    new ProduceResult.Duplicate(3, 0, 1), new ProduceResult.Duplicate(5, 0, 2));
            assertThat(values(broker, "orders", 0)).containsExactly("v-a", "v-b", "v-x", "v--", "v-y");
            assertThat(TestBrokers.offsets(broker.read("orders", 0, 0, 1 << 20).batches()))
                    .containsExactly(0L, 1L, 2L, 3L, 4L);
        }
    }

    @Test
    void differentProducersWithTheSameIdStoreItOnce() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 2));
            long first = broker.initProducerId();
            long second = broker.initProducerId();
            broker.produce("orders", 0, batch(first, 0, clock.getAsLong(), "a"), Acks.LEADER).join();

            ProduceResult other = broker.produce("orders", 1, batch(second, 0, clock.getAsLong(), "a", "b"),
                    Acks.LEADER).join();

            assertThat(other.duplicates()).containsExactly(new ProduceResult.Duplicate(0, 0, 0));
            assertThat(values(broker, "orders", 1)).containsExactly("v-b");
            // The stored batch keeps the sent batch's last sequence: the producer's next batch follows it.
            assertThat(broker.produce("orders", 1, batch(second, 2, clock.getAsLong(), "c"), Acks.LEADER).join()
                    .baseOffset()).isEqualTo(1);
        }
    }

    @Test
    void topicsHaveTheirOwnIdsAndAWindowOfZeroIsOff() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.createTopic(TopicSpec.of("audit", 1));
            broker.createTopic(new TopicSpec("raw", 1, -1, TopicFlushPolicy.DEFAULT, 0));
            for (String topic : List.of("orders", "audit", "raw")) {
                broker.produce(topic, 0, batch("a"), Acks.LEADER).join();
            }

            broker.produce("raw", 0, batch("a"), Acks.LEADER).join();

            assertThat(endOffset(broker, "orders", 0)).isEqualTo(1);
            assertThat(endOffset(broker, "audit", 0)).isEqualTo(1);
            assertThat(endOffset(broker, "raw", 0)).isEqualTo(2);
            assertThat(broker.messageIdStats().idsKept()).isEqualTo(2);
        }
    }

    @Test
    void pastMessageIdsMaxTheOldestIdsLeaveEarlyAndAreCounted() {
        try (Broker broker = open(TestBrokers.config(directory).messageIdsMax(2))) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.produce("orders", 0, batch("a", "b", "c"), Acks.LEADER).join();

            ProduceResult again = broker.produce("orders", 0, batch("a", "c"), Acks.LEADER).join();

            assertThat(broker.messageIdStats().idsEvicted()).isEqualTo(2);
            assertThat(again.duplicates()).containsExactly(new ProduceResult.Duplicate(1, 0, 2));
            assertThat(values(broker, "orders", 0)).containsExactly("v-a", "v-b", "v-c", "v-a");
        }
    }

    @Test
    void windowIsRebuiltFromTheLogAfterARestart() {
        try (Broker broker = open()) {
            broker.createTopic(new TopicSpec("orders", 2, -1, TopicFlushPolicy.DEFAULT, 30_000));
            broker.produce("orders", 0, batch("old"), Acks.LEADER).join();
            clock.advance(20_000);
            broker.produce("orders", 1, batch("-", "new"), Acks.LEADER).join();
        }
        clock.advance(15_000);
        try (Broker broker = open()) {
            ProduceResult again = broker.produce("orders", 0, batch("old", "new"), Acks.LEADER).join();

            // "old" is 35 s old, past the topic's 30 s window: stored again; "new" (15 s) is a duplicate.
            assertThat(again.duplicates()).containsExactly(new ProduceResult.Duplicate(1, 1, 1));
            assertThat(values(broker, "orders", 0)).containsExactly("v-old", "v-old");
        }
    }

    @Test
    void retryOfAPartlyDuplicateIdempotentBatchAfterARestartIsADuplicateAndTheSequenceGoesOn() {
        long producerId;
        ByteBuffer mixed;
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.produce("orders", 0, batch("a", "b"), Acks.LEADER).join();
            producerId = broker.initProducerId();
            mixed = batch(producerId, 0, clock.getAsLong(), "a", "x", "b");
            ProduceResult first = broker.produce("orders", 0, mixed.duplicate(), Acks.LEADER).join();
            ProduceResult retried = broker.produce("orders", 0, mixed.duplicate(), Acks.LEADER).join();
            assertThat(retried).isEqualTo(first);
        }
        try (Broker broker = open()) {
            ProduceResult retried = broker.produce("orders", 0, mixed.duplicate(), Acks.LEADER).join();
            ProduceResult next = broker.produce("orders", 0, batch(producerId, 3, clock.getAsLong(), "y"), Acks.LEADER)
                    .join();

            assertThat(retried.baseOffset()).isEqualTo(2);
            assertThat(retried.duplicates()).containsExactly(new ProduceResult.Duplicate(0, 0, 0),
                    new ProduceResult.Duplicate(2, 0, 1));
            assertThat(next.baseOffset()).isEqualTo(3);
            assertThat(values(broker, "orders", 0)).containsExactly("v-a", "v-b", "v-x", "v-y");
        }
    }

    @Test
    void anIdempotentBatchOfOnlyDuplicatesStoresNothingAndKeepsTheSequence() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.produce("orders", 0, batch("a", "b"), Acks.LEADER).join();
            long producerId = broker.initProducerId();

            ProduceResult dropped = broker.produce("orders", 0, batch(producerId, 0, clock.getAsLong(), "a", "b"),
                    Acks.LEADER).join();
            ProduceResult next = broker.produce("orders", 0, batch(producerId, 2, clock.getAsLong(), "c"), Acks.LEADER)
                    .join();

            assertThat(dropped.baseOffset()).isEqualTo(-1);
            assertThat(dropped.duplicates()).hasSize(2);
            assertThat(next.baseOffset()).isEqualTo(2);
        }
    }

    @Test
    void gzipBatchesAreDeduplicatedToo() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.produce("orders", 0, batch("a"), Acks.LEADER).join();
            RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.GZIP, clock.getAsLong());
            for (String id : List.of("a", "z")) {
                builder.append(clock.getAsLong(), null, ("v-" + id).getBytes(StandardCharsets.UTF_8),
                        List.of(Record.Header.of(ReservedHeaders.MESSAGE_ID, id.getBytes(StandardCharsets.UTF_8))));
            }

            ProduceResult result = broker.produce("orders", 0, builder.build(), Acks.LEADER).join();

            assertThat(result.duplicates()).containsExactly(new ProduceResult.Duplicate(0, 0, 0));
            assertThat(values(broker, "orders", 0)).containsExactly("v-a", "v-z");
        }
    }

    @Test
    void aMessageIdLongerThan255BytesIsAnInvalidBatch() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            assertThatThrownBy(() -> broker.produce("orders", 0, batch("x".repeat(256)), Acks.LEADER).join())
                    .isInstanceOf(CompletionException.class).cause()
                    .hasMessageContaining("message id").hasMessageContaining("256 bytes");
            assertThat(endOffset(broker, "orders", 0)).isZero();
        }
    }

    @Test
    void topicsFileWrittenBeforeTheWindowIsReadWithTheBrokersWindow() throws Exception {
        String body = "sluice-topics 1\ntopic orders 2 -1 DEFAULT 1767225600000 0,0\n";
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        Files.writeString(directory.resolve("broker-topics"), body + String.format("crc %08x%n", crc.getValue()));
        try (Broker broker = open()) {
            assertThat(broker.describeTopic("orders").info().messageIdWindowMs()).isEqualTo(-1);
            broker.produce("orders", 0, batch("a"), Acks.LEADER).join();
            assertThat(broker.produce("orders", 0, batch("a"), Acks.LEADER).join().duplicates()).hasSize(1);
            broker.createTopic(new TopicSpec("own", 1, -1, TopicFlushPolicy.DEFAULT, 5_000));
        }
        try (Broker broker = open()) {
            assertThat(broker.describeTopic("own").info().messageIdWindowMs()).isEqualTo(5_000);
            assertThat(Files.readString(directory.resolve("broker-topics"))).startsWith("sluice-topics 2\n");
        }
    }

    @Test
    void aNegativeWindowOtherThanMinusOneIsInvalid() {
        try (Broker broker = open()) {
            assertThatThrownBy(() -> broker.createTopic(new TopicSpec("orders", 1, -1, TopicFlushPolicy.DEFAULT, -2)))
                    .isInstanceOf(BrokerException.class).hasMessageContaining("messageIdWindowMs is -2");
        }
    }
}
