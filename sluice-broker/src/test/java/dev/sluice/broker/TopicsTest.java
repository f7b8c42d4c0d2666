package dev.sluice.broker;

import static dev.sluice.broker.TestBrokers.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testsupport.ThreadLeakCheck;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ThreadLeakCheck.class)
class TopicsTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(TestBrokers.START_MS);

    private Broker open(BrokerConfig.Builder config) {
        return Broker.open(config.build(), clock);
    }

    private Broker open() {
        return open(TestBrokers.config(directory));
    }

    @Test
    void createdTopicsAreListedSortedAndDescribedWithTheirQueues() {
        try (Broker broker = open()) {
            TopicInfo orders = broker.createTopic(new TopicSpec("orders", 3, 60_000, TopicFlushPolicy.SYNC));
            broker.createTopic(TopicSpec.of("audit.log", 1));

            assertThat(orders).isEqualTo(new TopicInfo("orders", 3, 60_000, TopicFlushPolicy.SYNC, TestBrokers.START_MS));
            assertThat(broker.topics()).extracting(TopicInfo::name).containsExactly("audit.log", "orders");
            TopicDescription description = broker.describeTopic("orders");
            assertThat(description.info()).isEqualTo(orders);
            assertThat(description.queues()).containsExactly(new QueueOffsets(0, 0, 0), new QueueOffsets(1, 0, 0),
                    new QueueOffsets(2, 0, 0));
            assertThat(broker.health().topicCount()).isEqualTo(2);
        }
    }

    @Test
    void deletedTopicIsGoneAtOnce() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 2));
            broker.produce("orders", 0, batch("a"), Acks.LEADER).join();

            broker.deleteTopic("orders");

            assertThat(broker.topics()).isEmpty();
            assertError(() -> broker.describeTopic("orders"), BrokerError.UNKNOWN_TOPIC);
            assertThat(broker.read("orders", 0, 0, 1024).error()).isEqualTo(BrokerError.UNKNOWN_TOPIC);
            assertError(() -> broker.deleteTopic("orders"), BrokerError.UNKNOWN_TOPIC);
        }
    }

    @Test
    void recreatedTopicStartsAtTheOldEndOffsetsAndNeverServesOldRecords() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.produce("orders", 0, batch("old-1", "old-2", "old-3"), Acks.LEADER).join();
            broker.deleteTopic("orders");

            broker.createTopic(TopicSpec.of("orders", 2));
            ProduceResult produced = broker.produce("orders", 0, batch("new-1"), Acks.LEADER).join();

            assertThat(produced.baseOffset()).isEqualTo(3);
            assertThat(broker.describeTopic("orders").queues()).containsExactly(new QueueOffsets(0, 3, 4),
                    new QueueOffsets(1, 0, 0));
            FetchResult old = broker.read("orders", 0, 0, 1024);
            assertThat(old.error()).isEqualTo(BrokerError.OFFSET_OUT_OF_RANGE);
            assertThat(old.startOffset()).isEqualTo(3);
            assertThat(TestBrokers.values(broker.read("orders", 0, 3, 1024).batches())).containsExactly("new-1");
            assertThat(broker.listOffset("orders", 0, -2)).isEqualTo(3);
        }
    }

    @Test
    void topicsAndTheirStartOffsetsSurviveReopen() {
        try (Broker broker = open()) {
            broker.createTopic(new TopicSpec("orders", 2, 120_000, TopicFlushPolicy.ASYNC));
            broker.produce("orders", 1, batch("a", "b"), Acks.LEADER).join();
            broker.deleteTopic("orders");
            broker.createTopic(new TopicSpec("orders", 2, 120_000, TopicFlushPolicy.ASYNC));
            broker.createTopic(TopicSpec.of("payments", 5));
        }
        clock.advance(1_000);
        try (Broker broker = open()) {
            assertThat(broker.topics()).containsExactly(
                    new TopicInfo("orders", 2, 120_000, TopicFlushPolicy.ASYNC, TestBrokers.START_MS),
                    new TopicInfo("payments", 5, -1, TopicFlushPolicy.DEFAULT, TestBrokers.START_MS));
            assertThat(broker.describeTopic("orders").queues()).containsExactly(new QueueOffsets(0, 0, 0),
                    new QueueOffsets(1, 2, 2));
        }
    }

    @Test
    void topicNameMayHave249CharactersNot250() {
        try (Broker broker = open()) {
            String longest = "t".repeat(249);
            assertThat(broker.createTopic(TopicSpec.of(longest, 1)).name()).isEqualTo(longest);
            assertError(() -> broker.createTopic(TopicSpec.of("t".repeat(250), 1)), BrokerError.INVALID_TOPIC,
                    "length 250");
        }
    }

    @Test
    void badOrReservedTopicNamesAreRefused() {
        try (Broker broker = open()) {
            for (String name : new String[] {"", "a b", "a/b", "ü", ".", "..", null}) {
                assertError(() -> broker.createTopic(TopicSpec.of(name, 1)), BrokerError.INVALID_TOPIC);
            }
            assertError(() -> broker.createTopic(TopicSpec.of("__offsets", 1)), BrokerError.INVALID_TOPIC, "reserved");
            assertError(() -> broker.metadata("__offsets", true), BrokerError.INVALID_TOPIC);
        }
    }

    @Test
    void queueCountMayBeQueueCountMaxNotMore() {
        try (Broker broker = open(TestBrokers.config(directory).queueCountMax(8).defaultQueueCount(2))) {
            assertThat(broker.createTopic(TopicSpec.of("eight", 8)).queueCount()).isEqualTo(8);
            assertError(() -> broker.createTopic(TopicSpec.of("nine", 9)), BrokerError.INVALID_CONFIG,
                    "queueCount is 9", "queueCountMax 8");
            assertError(() -> broker.createTopic(TopicSpec.of("none", 0)), BrokerError.INVALID_CONFIG, "queueCount is 0");
        }
    }

    @Test
    void topicCountMayBeTopicCountMaxNotMore() {
        try (Broker broker = open(TestBrokers.config(directory).topicCountMax(3))) {
            for (int i = 0; i < 3; i++) {
                broker.createTopic(TopicSpec.of("t" + i, 1));
            }
            assertError(() -> broker.createTopic(TopicSpec.of("t3", 1)), BrokerError.INVALID_CONFIG, "topicCountMax is 3");
            assertError(() -> broker.metadata("t4", true), BrokerError.INVALID_CONFIG, "topicCountMax is 3");
        }
    }

    @Test
    void retentionLongerThanTheBrokersOrNotPositiveIsRefused() {
        try (Broker broker = open()) {
            long brokerRetentionMs = broker.config().storage().retentionMs();
            assertThat(broker.createTopic(new TopicSpec("max", 1, brokerRetentionMs, TopicFlushPolicy.DEFAULT))
                    .retentionMs()).isEqualTo(brokerRetentionMs);
            assertError(() -> broker.createTopic(new TopicSpec("longer", 1, brokerRetentionMs + 1,
                    TopicFlushPolicy.DEFAULT)), BrokerError.INVALID_CONFIG, "storage retentionMs");
            assertError(() -> broker.createTopic(new TopicSpec("zero", 1, 0, TopicFlushPolicy.DEFAULT)),
                    BrokerError.INVALID_CONFIG, "retentionMs is 0");
        }
    }

    @Test
    void creatingAnExistingTopicFails() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            assertError(() -> broker.createTopic(TopicSpec.of("orders", 2)), BrokerError.TOPIC_EXISTS);
        }
    }

    @Test
    void metadataAutoCreatesWithDefaultsOnlyWhenAskedAndAllowed() {
        try (Broker broker = open(TestBrokers.config(directory).defaultQueueCount(3))) {
            assertError(() -> broker.metadata("lazy", false), BrokerError.UNKNOWN_TOPIC, "not asked for");
            TopicInfo created = broker.metadata("lazy", true);
            assertThat(created.queueCount()).isEqualTo(3);
            assertThat(broker.metadata("lazy", false)).isEqualTo(created);
        }
    }

    @Test
    void metadataNeverCreatesWhenAutoCreateIsOff() {
        try (Broker broker = open(TestBrokers.config(directory).autoCreateTopics(false))) {
            assertError(() -> broker.metadata("lazy", true), BrokerError.UNKNOWN_TOPIC, "is off");
            assertThat(broker.topics()).isEmpty();
        }
    }

    @Test
    void internalOffsetsTopicIsNeverListedNorReadable() {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.groups().commit("g", "", "orders", Map.of(0, 0L)).join();

            assertThat(broker.topics()).extracting(TopicInfo::name).containsExactly("orders");
            assertThat(broker.read("__offsets", 0, 0, 1024).error()).isEqualTo(BrokerError.UNKNOWN_TOPIC);
            assertThat(broker.produce("__offsets", 0, batch("x"), Acks.LEADER))
                    .failsWithin(java.time.Duration.ofSeconds(5))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(BrokerException.class);
        }
    }

    @Test
    void damagedTopicsFileStopsTheBrokerFromOpening() throws Exception {
        try (Broker broker = open()) {
            broker.createTopic(TopicSpec.of("orders", 1));
        }
        Path file = directory.resolve("broker-topics");
        Files.writeString(file, Files.readString(file).replace("orders 1", "orders 2"));

        assertThatThrownBy(this::open).isInstanceOf(UncheckedIOException.class).hasMessageContaining("crc");
        Files.writeString(file, "sluice-topics 1\n");
        assertThatThrownBy(this::open).isInstanceOf(UncheckedIOException.class).hasMessageContaining("no crc line");
    }

    static void assertError(Runnable call, BrokerError error, String... messageParts) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e.error()).isEqualTo(error);
            for (String part : messageParts) {
                assertThat(e.getMessage()).contains(part);
            }
        });
    }

    static void assertError(ThrowingCall call, BrokerError error, String... messageParts) {
        assertError((Runnable) () -> call.call(), error, messageParts);
    }

    /** A call whose result is ignored. */
    interface ThrowingCall {
        Object call();
    }
}
