package dev.sluice.broker;

import static dev.sluice.broker.TestBrokers.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.storage.QueueId;
import dev.sluice.testsupport.ThreadLeakCheck;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ThreadLeakCheck.class)
class RetentionTest {
    private static final long MINUTE_MS = 60_000;
    private static final QueueId OFFSETS_QUEUE = new QueueId("__offsets", 0);

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(TestBrokers.START_MS);

    /**
     * The storage engine ages segments by their files' modification time, so this test's clock
     * starts at the real time; after it moves 11 minutes on, every segment but the active one has
     * expired, and the active one holds whatever the snapshot appended.
     */
    private final ManualClock realClock = new ManualClock(System.currentTimeMillis());

    @Test
    void topicRetentionShorterThanTheBrokersMovesTheLogicalStartOffset() {
        try (Broker broker = Broker.open(TestBrokers.config(directory).build(), clock)) {
            broker.createTopic(new TopicSpec("short", 1, MINUTE_MS, TopicFlushPolicy.DEFAULT));
            broker.createTopic(TopicSpec.of("long", 1));
            broker.produce("short", 0, batch(TestBrokers.START_MS - 2 * MINUTE_MS, "old-1", "old-2"), Acks.LEADER).join();
            broker.produce("long", 0, batch(TestBrokers.START_MS - 2 * MINUTE_MS, "old"), Acks.LEADER).join();
            broker.produce("short", 0, batch(TestBrokers.START_MS, "new"), Acks.LEADER).join();

            assertThat(broker.enforceTopicRetention()).isEqualTo(1);

            assertThat(broker.describeTopic("short").queues()).containsExactly(new QueueOffsets(0, 2, 3));
            assertThat(broker.describeTopic("long").queues()).containsExactly(new QueueOffsets(0, 0, 1));
            FetchResult below = broker.read("short", 0, 0, 1024);
            assertThat(below.error()).isEqualTo(BrokerError.OFFSET_OUT_OF_RANGE);
            assertThat(below.startOffset()).isEqualTo(2);
            assertThat(TestBrokers.values(broker.read("short", 0, 2, 1024).batches())).containsExactly("new");
            assertThat(broker.listOffset("short", 0, 0)).isEqualTo(2);
            assertThat(broker.enforceTopicRetention()).isZero();
        }
        clock.advance(2 * MINUTE_MS);
        try (Broker broker = Broker.open(TestBrokers.config(directory).build(), clock)) {
            assertThat(broker.describeTopic("short").queues()).containsExactly(new QueueOffsets(0, 2, 3));

            assertThat(broker.enforceTopicRetention()).isEqualTo(1);

            assertThat(broker.describeTopic("short").queues()).containsExactly(new QueueOffsets(0, 3, 3));
            assertThat(broker.read("short", 0, 3, 1024).error()).isNull();
        }
    }

    @Test
    void offsetsSnapshotKeepsCommittedOffsetsWhenRetentionDeletesTheirSegments() {
        BrokerConfig config = BrokerConfig.builder(directory)
                .storage(TestBrokers.storage(directory).segmentBytes(64 * 1024).batchBytesMax(16 * 1024)
                        .writeBufferBytes(32 * 1024).retentionMs(10 * MINUTE_MS).build())
                .offsetsSnapshotIntervalMs(5 * MINUTE_MS).build();
        try (Broker broker = Broker.open(config, realClock)) {
            broker.createTopic(TopicSpec.of("orders", 2));
            broker.groups().commit("g", "", "orders", Map.of(0, 42L, 1, 7L)).join();
            produceSegments(broker, 3);
            realClock.advance(11 * MINUTE_MS);

            broker.snapshotOffsets().join();
            broker.store().enforceRetention();

            assertThat(broker.store().startOffset(OFFSETS_QUEUE))
                    .as("retention deleted the segment holding the original commit").isPositive();
        }
        try (Broker broker = Broker.open(config, realClock)) {
            assertThat(broker.groups().committed("g", "orders")).isEqualTo(Map.of(0, 42L, 1, 7L));
        }
    }

    @Test
    void withoutASnapshotRetentionWouldDeleteTheCommits() {
        BrokerConfig config = BrokerConfig.builder(directory)
                .storage(TestBrokers.storage(directory).segmentBytes(64 * 1024).batchBytesMax(16 * 1024)
                        .writeBufferBytes(32 * 1024).retentionMs(10 * MINUTE_MS).build())
                .offsetsSnapshotIntervalMs(5 * MINUTE_MS).build();
        try (Broker broker = Broker.open(config, realClock)) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.groups().commit("g", "", "orders", Map.of(0, 42L)).join();
            produceSegments(broker, 3);
            realClock.advance(11 * MINUTE_MS);

            broker.store().enforceRetention();

            // The control for the test above: the commit's segment is gone, and nothing re-appended it.
            assertThat(broker.store().startOffset(OFFSETS_QUEUE)).isPositive();
            assertThat(broker.store().endOffset(OFFSETS_QUEUE)).isEqualTo(broker.store().startOffset(OFFSETS_QUEUE));
        }
    }

    /** Appends about {@code count} segments' worth of 12 KiB batches, the last one fsynced. */
    private static void produceSegments(Broker broker, int count) {
        int batches = count * 6;
        for (int i = 0; i < batches; i++) {
            broker.produce("orders", 0, batch("x".repeat(12 * 1024)), i == batches - 1 ? Acks.DURABLE : Acks.LEADER)
                    .join();
        }
    }
}
