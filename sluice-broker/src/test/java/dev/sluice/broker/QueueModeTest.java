package dev.sluice.broker;

import static dev.sluice.broker.TopicsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.record.Compression;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.record.RecordBatchReader;
import dev.sluice.record.ReservedHeaders;
import dev.sluice.testsupport.ThreadLeakCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Queue mode against a real broker over a temp directory, time driven by a manual clock. */
@ExtendWith(ThreadLeakCheck.class)
class QueueModeTest {
    static final String TOPIC = "orders";
    static final String GROUP = "workers";
    static final long VISIBILITY_MS = 30_000;

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(TestBrokers.START_MS);
    private Broker broker;
    private QueueGroupCoordinator queues;

    @BeforeEach
    void open() {
        broker = Broker.open(TestBrokers.config(directory).groupCountMax(3).queueGroupWindowMax(100).build(), clock);
        broker.createTopic(TopicSpec.of(TOPIC, 2));
        queues = broker.queueGroups();
    }

    @AfterEach
    void close() {
        broker.close();
    }

    private void reopen() {
        broker.close();
        broker = Broker.open(TestBrokers.config(directory).groupCountMax(3).queueGroupWindowMax(100).build(), clock);
        queues = broker.queueGroups();
    }

    static QueueReceiveRequest request(String group, QueueGroupSettings settings, int maxMessages, long maxWaitMs) {
        return new QueueReceiveRequest(group, TOPIC, settings, maxMessages, 1 << 20, VISIBILITY_MS, maxWaitMs);
    }

    private QueueReceiveResult receive(int maxMessages) {
        return receive(QueueGroupSettings.defaults(), maxMessages);
    }

    private QueueReceiveResult receive(QueueGroupSettings settings, int maxMessages) {
        return queues.receive(request(GROUP, settings, maxMessages, 0)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private List<QueueAckResult> acknowledge(QueueAck... acks) {
        return queues.acknowledge(GROUP, TOPIC, List.of(acks)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private void produce(int queue, String... values) {
        broker.produce(TOPIC, queue, TestBrokers.batch(clock.getAsLong(), values), Acks.LEADER).join();
    }

    /** One batch whose records have these keys (null for none), values "v<offset-in-batch>". */
    private void produceKeyed(int queue, String... keys) {
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, clock.getAsLong());
        for (int i = 0; i < keys.length; i++) {
            builder.append(clock.getAsLong(), keys[i] == null ? null : keys[i].getBytes(StandardCharsets.UTF_8),
                    ("v" + i).getBytes(StandardCharsets.UTF_8), List.of());
        }
        broker.produce(TOPIC, queue, builder.build(), Acks.LEADER).join();
    }

    /** (queue, offset) to delivery count, of every delivery of the result. */
    static Map<List<Long>, Integer> deliveries(QueueReceiveResult result) {
        Map<List<Long>, Integer> found = new HashMap<>();
        for (QueueDeliveries queue : result.queues()) {
            for (QueueDelivery delivery : queue.deliveries()) {
                found.put(List.of((long) queue.queue(), delivery.offset()), delivery.deliveryCount());
            }
        }
        return found;
    }

    static List<Long> offsets(QueueReceiveResult result, int queue) {
        List<Long> offsets = new ArrayList<>();
        for (QueueDeliveries deliveries : result.queues()) {
            if (deliveries.queue() == queue) {
                deliveries.deliveries().forEach(delivery -> offsets.add(delivery.offset()));
            }
        }
        return offsets;
    }

    private static QueueDelivery delivery(QueueReceiveResult result, int queue, long offset) {
        for (QueueDeliveries deliveries : result.queues()) {
            for (QueueDelivery delivery : deliveries.deliveries()) {
                if (deliveries.queue() == queue && delivery.offset() == offset) {
                    return delivery;
                }
            }
        }
        throw new AssertionError("no delivery of queue " + queue + " offset " + offset + " in " + result);
    }

    private List<Record> deadLetters(String topic) {
        FetchResult read = broker.read(topic, 0, 0, 1 << 20);
        assertThat(read.error()).as("dead-letter topic read").isNull();
        List<Record> records = new ArrayList<>();
        for (ByteBuffer batch : read.batches()) {
            records.addAll(RecordBatchReader.records(batch, batch.position()));
        }
        return records;
    }

    private static Map<String, String> headers(Record record) {
        Map<String, String> headers = new HashMap<>();
        for (Record.Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : StandardCharsets.UTF_8.decode(header.value()).toString());
        }
        return headers;
    }

    @Test
    void receivedMessagesAreAcknowledgedOneByOneAndNotDeliveredAgain() {
        produce(0, "a", "b", "c");
        produce(1, "d");

        QueueReceiveResult result = receive(10);

        assertThat(deliveries(result)).containsOnly(Map.entry(List.of(0L, 0L), 1), Map.entry(List.of(0L, 1L), 1),
                Map.entry(List.of(0L, 2L), 1), Map.entry(List.of(1L, 0L), 1));
        assertThat(result.queues()).extracting(QueueDeliveries::queue).containsExactly(0, 1);
        assertThat(TestBrokers.values(result.queues().get(0).batches())).containsExactly("a", "b", "c");
        assertThat(acknowledge(QueueAck.ack(0, 0, 1), QueueAck.ack(0, 1, 1), QueueAck.ack(0, 2, 1),
                QueueAck.ack(1, 0, 1))).allSatisfy(ack -> assertThat(ack.error()).isNull());
        assertThat(receive(10).queues()).isEmpty();
        QueueGroupDescription description = queues.describe(GROUP);
        assertThat(description.topic()).isEqualTo(TOPIC);
        assertThat(description.settings()).isEqualTo(new QueueGroupSettings(5, GROUP + ".dlq", false));
        assertThat(description.queues()).containsExactly(new QueueGroupQueue(0, 3, 3, 0, 0, 0, 0),
                new QueueGroupQueue(1, 1, 1, 0, 0, 0, 0));
        assertThat(queues.list()).containsExactly(GROUP);
        assertThat(broker.health().groupCount()).as("queue-mode groups count in health").isOne();
    }

    @Test
    void anAcquiredMessageGoesToNoOtherReceiver() {
        produce(0, "a", "b", "c", "d", "e");

        QueueReceiveResult first = receive(2);
        QueueReceiveResult second = receive(10);
        QueueReceiveResult third = receive(10);

        assertThat(offsets(first, 0)).containsExactly(0L, 1L);
        assertThat(offsets(second, 0)).containsExactly(2L, 3L, 4L);
        assertThat(third.queues()).isEmpty();
        assertThat(queues.describe(GROUP).queues().get(0)).isEqualTo(new QueueGroupQueue(0, 0, 5, 5, 0, 0, 0));
    }

    @Test
    void anExpiredVisibilityTimeoutRedeliversWithTheNextDeliveryCount() {
        produce(0, "a");
        receive(10);
        clock.advance(VISIBILITY_MS - 1);
        assertThat(receive(10).queues()).as("still acquired one ms before the deadline").isEmpty();

        clock.advance(1);
        QueueReceiveResult again = receive(10);

        assertThat(delivery(again, 0, 0)).isEqualTo(new QueueDelivery(0, 2));
        QueueAckResult stale = acknowledge(QueueAck.ack(0, 0, 1)).get(0);
        assertThat(stale.error()).isEqualTo(BrokerError.DELIVERY_EXPIRED);
        assertThat(stale.message()).contains("current delivery count is 2");
        assertThat(acknowledge(QueueAck.ack(0, 0, 2)).get(0).error()).isNull();
        assertThat(acknowledge(QueueAck.ack(0, 0, 2)).get(0).error()).as("acked twice")
                .isEqualTo(BrokerError.DELIVERY_EXPIRED);
    }

    @Test
    void anAckAfterTheDeadlineIsExpiredEvenBeforeAnotherDelivery() {
        produce(0, "a");
        receive(10);
        clock.advance(VISIBILITY_MS);

        QueueAckResult late = acknowledge(QueueAck.ack(0, 0, 1)).get(0);

        assertThat(late.error()).isEqualTo(BrokerError.DELIVERY_EXPIRED);
        assertThat(late.message()).contains("visibility timeout ran out");
        assertThat(delivery(receive(10), 0, 0).deliveryCount()).isEqualTo(2);
    }

    @Test
    void aNackWithADelayComesBackWhenTheDelayEnds() {
        produce(0, "a", "b");
        receive(10);

        assertThat(acknowledge(QueueAck.nack(0, 0, 1, 10_000), QueueAck.nack(0, 1, 1, 0)))
                .allSatisfy(ack -> assertThat(ack.error()).isNull());

        assertThat(offsets(receive(10), 0)).as("no delay: at once").containsExactly(1L);
        assertThat(queues.describe(GROUP).queues().get(0).delayed()).isEqualTo(1);
        clock.advance(9_999);
        assertThat(receive(10).queues()).isEmpty();
        clock.advance(1);
        assertThat(delivery(receive(10), 0, 0)).isEqualTo(new QueueDelivery(0, 2));
    }

    @Test
    void aRenewalMovesTheDeadline() {
        produce(0, "a");
        receive(10);
        clock.advance(VISIBILITY_MS - 1_000);

        assertThat(acknowledge(QueueAck.renew(0, 0, 1, 60_000)).get(0).error()).isNull();

        clock.advance(59_999);
        assertThat(receive(10).queues()).as("renewed: still acquired").isEmpty();
        assertThat(queues.describe(GROUP).queues().get(0).inFlight()).isEqualTo(1);
        assertThat(acknowledge(QueueAck.ack(0, 0, 1)).get(0).error()).isNull();
    }

    @Test
    void afterMaxAttemptsANackDeadLettersACopyWithEveryHeader() {
        QueueGroupSettings settings = new QueueGroupSettings(2, null, false);
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, TestBrokers.START_MS - 5);
        builder.append(TestBrokers.START_MS - 5, "key".getBytes(StandardCharsets.UTF_8),
                "value".getBytes(StandardCharsets.UTF_8),
                List.of(Record.Header.of("trace", "t-1".getBytes(StandardCharsets.UTF_8))));
        broker.produce(TOPIC, 1, builder.build(), Acks.LEADER).join();
        receive(settings, 10);
        assertThat(acknowledge(QueueAck.nack(1, 0, 1, 0)).get(0).error()).isNull();
        assertThat(delivery(receive(settings, 10), 1, 0).deliveryCount()).isEqualTo(2);

        assertThat(acknowledge(QueueAck.nack(1, 0, 2, 0)).get(0).error()).isNull();

        assertThat(broker.describeTopic(GROUP + ".dlq").info().queueCount()).isEqualTo(1);
        List<Record> letters = deadLetters(GROUP + ".dlq");
        assertThat(letters).hasSize(1);
        Record letter = letters.get(0);
        assertThat(StandardCharsets.UTF_8.decode(letter.key()).toString()).isEqualTo("key");
        assertThat(StandardCharsets.UTF_8.decode(letter.value()).toString()).isEqualTo("value");
        assertThat(letter.timestamp()).isEqualTo(TestBrokers.START_MS - 5);
        assertThat(headers(letter)).containsOnly(Map.entry("trace", "t-1"),
                Map.entry(ReservedHeaders.DLQ_TOPIC, TOPIC), Map.entry(ReservedHeaders.DLQ_QUEUE, "1"),
                Map.entry(ReservedHeaders.DLQ_OFFSET, "0"), Map.entry(ReservedHeaders.DLQ_GROUP, GROUP),
                Map.entry(ReservedHeaders.DLQ_DELIVERY_COUNT, "2"), Map.entry(ReservedHeaders.DLQ_REASON, "max attempts"));
        assertThat(queues.describe(GROUP).queues().get(1)).isEqualTo(new QueueGroupQueue(1, 1, 1, 0, 0, 0, 1));
        clock.advance(VISIBILITY_MS);
        assertThat(receive(settings, 10).queues()).isEmpty();
    }

    @Test
    void aVisibilityTimeoutOnTheLastAttemptDeadLettersByTheSweep() {
        QueueGroupSettings settings = new QueueGroupSettings(1, "failed", false);
        produce(0, "a");
        receive(settings, 10);
        clock.advance(VISIBILITY_MS);

        broker.sweepQueueGroups();

        await().atMost(Duration.ofSeconds(10)).until(() -> broker.topics().stream()
                .anyMatch(topic -> topic.name().equals("failed")) && deadLetters("failed").size() == 1);
        assertThat(headers(deadLetters("failed").get(0))).containsEntry(ReservedHeaders.DLQ_REASON,
                "visibility timeout after max attempts").containsEntry(ReservedHeaders.DLQ_DELIVERY_COUNT, "1");
        await().atMost(Duration.ofSeconds(10)).until(() -> queues.describe(GROUP).queues().get(0).startOffset() == 1);
        assertThat(receive(settings, 10).queues()).isEmpty();
    }

    @Test
    void aRejectDeadLettersAtOnceWithItsReason() {
        produce(0, "a", "b");
        receive(10);

        assertThat(acknowledge(QueueAck.reject(0, 1, 1, "bad payload")).get(0).error()).isNull();

        List<Record> letters = deadLetters(GROUP + ".dlq");
        assertThat(letters).hasSize(1);
        assertThat(headers(letters.get(0))).containsEntry(ReservedHeaders.DLQ_REASON, "rejected: bad payload")
                .containsEntry(ReservedHeaders.DLQ_OFFSET, "1").containsEntry(ReservedHeaders.DLQ_DELIVERY_COUNT, "1");
        assertThat(queues.describe(GROUP).queues().get(0)).isEqualTo(new QueueGroupQueue(0, 0, 2, 1, 0, 0, 1));
        assertThat(acknowledge(QueueAck.ack(0, 1, 1)).get(0).error()).isEqualTo(BrokerError.DELIVERY_EXPIRED);
    }

    @Test
    void aFailedDeadLetterAppendLeavesARejectAcquiredAndRetriesAMaxAttemptsMessage() {
        broker.close();
        broker = Broker.open(TestBrokers.config(directory).topicCountMax(2).build(), clock);
        queues = broker.queueGroups();
        broker.createTopic(TopicSpec.of("other", 1));
        QueueGroupSettings settings = new QueueGroupSettings(1, null, false);
        produce(0, "a", "b");
        receive(settings, 10);

        QueueAckResult rejected = acknowledge(QueueAck.reject(0, 0, 1, "bad")).get(0);
        QueueAckResult lastNack = acknowledge(QueueAck.nack(0, 1, 1, 0)).get(0);

        assertThat(rejected.error()).as("the dead-letter topic would pass topicCountMax").isEqualTo(BrokerError.INVALID_CONFIG);
        assertThat(rejected.message()).contains("dead-letter append failed", "topicCountMax");
        assertThat(lastNack.error()).isEqualTo(BrokerError.INVALID_CONFIG);
        assertThat(queues.describe(GROUP).queues().get(0).inFlight()).as("the rejected one stays acquired").isOne();
        broker.deleteTopic("other");
        assertThat(acknowledge(QueueAck.reject(0, 0, 1, "bad")).get(0).error()).as("the REJECT again").isNull();
        clock.advance(5_000);
        broker.sweepQueueGroups();
        await().atMost(Duration.ofSeconds(10)).until(() -> queues.describe(GROUP).queues().get(0).startOffset() == 2);
        assertThat(deadLetters(GROUP + ".dlq")).extracting(letter -> headers(letter).get(ReservedHeaders.DLQ_OFFSET))
                .containsExactly("0", "1");
    }

    @Test
    void withoutADeadLetterTopicAMessagePastItsAttemptsIsDroppedAndCounted() {
        QueueGroupSettings settings = new QueueGroupSettings(1, "", false);
        produce(0, "a");
        receive(settings, 10);

        assertThat(acknowledge(QueueAck.nack(0, 0, 1, 0)).get(0).error()).isNull();

        assertThat(queues.describe(GROUP).queues().get(0)).isEqualTo(new QueueGroupQueue(0, 1, 1, 0, 0, 0, 1));
        assertThat(broker.topics()).extracting(TopicInfo::name).containsExactly(TOPIC);
    }

    @Test
    void messageGroupsKeepOneInFlightPerKeyInOrderWithoutBlockingOtherKeys() {
        QueueGroupSettings settings = new QueueGroupSettings(5, null, true);
        produceKeyed(0, "a", "a", "b", "a", "b", null, null);

        assertThat(offsets(receive(settings, 100), 0)).as("one per key; null keys are each their own group")
                .containsExactly(0L, 2L, 5L, 6L);
        assertThat(receive(settings, 100).queues()).isEmpty();
        acknowledge(QueueAck.ack(0, 0, 1));
        assertThat(offsets(receive(settings, 100), 0)).containsExactly(1L);
        acknowledge(QueueAck.nack(0, 2, 1, 10_000));
        assertThat(receive(settings, 100).queues()).as("b's first is delayed: b's next waits").isEmpty();
        acknowledge(QueueAck.ack(0, 1, 1));
        assertThat(offsets(receive(settings, 100), 0)).as("a goes on while b waits").containsExactly(3L);
        clock.advance(10_000);
        assertThat(deliveries(receive(settings, 100))).containsOnly(Map.entry(List.of(0L, 2L), 2));
        acknowledge(QueueAck.ack(0, 2, 2));
        assertThat(offsets(receive(settings, 100), 0)).containsExactly(4L);
    }

    @Test
    void theWindowBoundsTrackedRecordsUntilTheStartOffsetMoves() {
        broker.close();
        broker = Broker.open(TestBrokers.config(directory).queueGroupWindowMax(3).build(), clock);
        queues = broker.queueGroups();
        produce(0, "a", "b", "c", "d", "e");

        assertThat(offsets(receive(10), 0)).containsExactly(0L, 1L, 2L);
        acknowledge(QueueAck.ack(0, 1, 1), QueueAck.ack(0, 2, 1));
        assertThat(receive(10).queues()).as("offset 0 still holds the window").isEmpty();
        acknowledge(QueueAck.ack(0, 0, 1));
        assertThat(offsets(receive(10), 0)).containsExactly(3L, 4L);
    }

    @Test
    void aGroupNameIsEitherStreamModeOrQueueMode() {
        broker.groups().heartbeat(new HeartbeatRequest("streaming", TOPIC, "", "c", "h", 10_000, Set.of()));
        assertThat(queues.receive(request("streaming", null, 1, 0)))
                .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .satisfies(e -> assertBroker(e.getCause(), BrokerError.GROUP_MODE_MISMATCH, "stream-mode"));
        assertThat(queues.acknowledge("streaming", TOPIC, List.of(QueueAck.ack(0, 0, 1))))
                .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .satisfies(e -> assertBroker(e.getCause(), BrokerError.GROUP_MODE_MISMATCH, "stream-mode"));

        receive(1);
        assertError(() -> broker.groups().heartbeat(new HeartbeatRequest(GROUP, TOPIC, "", "c", "h", 10_000, Set.of())),
                BrokerError.GROUP_MODE_MISMATCH, "queue-mode");
        assertThat(broker.groups().commit(GROUP, "", TOPIC, Map.of(0, 1L))).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .satisfies(e -> assertBroker(e.getCause(), BrokerError.GROUP_MODE_MISMATCH, "queue-mode"));
    }

    @Test
    void aQueueModeGroupRefusesOtherSettingsOrAnotherTopic() {
        receive(1);
        broker.createTopic(TopicSpec.of("payments", 1));

        assertReceiveFails(request(GROUP, new QueueGroupSettings(3, null, false), 1, 0), BrokerError.GROUP_MODE_MISMATCH,
                "maxAttempts 5", "maxAttempts 3");
        assertReceiveFails(request(GROUP, new QueueGroupSettings(5, "other", false), 1, 0),
                BrokerError.GROUP_MODE_MISMATCH, "'workers.dlq'", "'other'");
        assertReceiveFails(request(GROUP, new QueueGroupSettings(5, null, true), 1, 0), BrokerError.GROUP_MODE_MISMATCH,
                "messageGroups false", "messageGroups true");
        assertReceiveFails(new QueueReceiveRequest(GROUP, "payments", null, 1, 1, VISIBILITY_MS, 0),
                BrokerError.GROUP_MODE_MISMATCH, "topic orders", "topic payments");
        assertThat(queues.receive(request(GROUP, new QueueGroupSettings(5, GROUP + ".dlq", false), 1, 0)))
                .as("the default dead-letter topic named explicitly is the same setting")
                .succeedsWithin(Duration.ofSeconds(10));
    }

    @Test
    void fieldsOutOfRangeAreRefusedNamingTheField() {
        QueueGroupSettings defaults = QueueGroupSettings.defaults();
        assertReceiveFails(new QueueReceiveRequest(GROUP, TOPIC, defaults, 0, 1, VISIBILITY_MS, 0),
                BrokerError.INVALID_REQUEST, "maxMessages is 0");
        assertReceiveFails(new QueueReceiveRequest(GROUP, TOPIC, defaults, 100_001, 1, VISIBILITY_MS, 0),
                BrokerError.INVALID_REQUEST, "maxMessages is 100,001");
        assertReceiveFails(new QueueReceiveRequest(GROUP, TOPIC, defaults, 1, 0, VISIBILITY_MS, 0),
                BrokerError.INVALID_REQUEST, "maxBytes is 0");
        assertReceiveFails(new QueueReceiveRequest(GROUP, TOPIC, defaults, 1, 1, 999, 0), BrokerError.INVALID_REQUEST,
                "visibilityTimeoutMs is 999");
        assertReceiveFails(new QueueReceiveRequest(GROUP, TOPIC, defaults, 1, 1, 43_200_001, 0),
                BrokerError.INVALID_REQUEST, "visibilityTimeoutMs is 43,200,001");
        assertReceiveFails(new QueueReceiveRequest(GROUP, TOPIC, defaults, 1, 1, VISIBILITY_MS, 30_001),
                BrokerError.INVALID_REQUEST, "maxWaitMs is 30,001");
        assertReceiveFails(new QueueReceiveRequest(GROUP, TOPIC, new QueueGroupSettings(0, null, false), 1, 1,
                VISIBILITY_MS, 0), BrokerError.INVALID_REQUEST, "maxAttempts is 0");
        assertReceiveFails(new QueueReceiveRequest(GROUP, TOPIC, new QueueGroupSettings(1_001, null, false), 1, 1,
                VISIBILITY_MS, 0), BrokerError.INVALID_REQUEST, "maxAttempts is 1,001");
        assertReceiveFails(new QueueReceiveRequest("bad group", TOPIC, defaults, 1, 1, VISIBILITY_MS, 0),
                BrokerError.INVALID_REQUEST, "deadLetterTopic");
        assertReceiveFails(new QueueReceiveRequest(GROUP, "missing", defaults, 1, 1, VISIBILITY_MS, 0),
                BrokerError.UNKNOWN_TOPIC, "missing");
        assertThat(queues.list()).as("nothing created by refused receives").isEmpty();
        produce(0, "a");
        assertThat(queues.receive(new QueueReceiveRequest(GROUP, TOPIC, new QueueGroupSettings(1_000, null, false),
                100_000, 1, 43_200_000, 30_000))).as("every field at its maximum")
                .succeedsWithin(Duration.ofSeconds(10)).satisfies(result -> assertThat(result.deliveryCount()).isOne());

        assertThat(acknowledge(QueueAck.nack(0, 0, 1, -1), QueueAck.nack(0, 0, 1, 43_200_001),
                QueueAck.renew(0, 0, 1, 999), new QueueAck(0, 0, 1, QueueAckType.REJECT, 0, "x".repeat(1_001)),
                QueueAck.ack(2, 0, 1), QueueAck.ack(0, 0, 1)))
                .extracting(QueueAckResult::error).containsExactly(BrokerError.INVALID_REQUEST,
                        BrokerError.INVALID_REQUEST, BrokerError.INVALID_REQUEST, BrokerError.INVALID_REQUEST,
                        BrokerError.UNKNOWN_QUEUE, null);
    }

    @Test
    void theGroupCountIsLimited() {
        receive(1);
        queues.receive(request("second", null, 1, 0)).join();
        queues.receive(request("third", null, 1, 0)).join();

        assertReceiveFails(request("fourth", null, 1, 0), BrokerError.BROKER_BUSY, "groupCountMax is 3");
    }

    @Test
    void stateSurvivesCloseAndReopen() {
        produce(0, "a", "b", "c", "d", "e");
        receive(5);
        acknowledge(QueueAck.ack(0, 0, 1), QueueAck.nack(0, 1, 1, 0), QueueAck.nack(0, 4, 1, 120_000));
        assertThat(delivery(receive(1), 0, 1).deliveryCount()).isEqualTo(2);

        reopen();

        assertThat(queues.list()).containsExactly(GROUP);
        assertThat(queues.describe(GROUP).queues().get(0)).isEqualTo(new QueueGroupQueue(0, 1, 5, 3, 0, 1, 0));
        assertThat(receive(10).queues()).as("in-flight deadlines kept").isEmpty();
        assertThat(acknowledge(QueueAck.ack(0, 2, 1)).get(0).error()).as("a delivery survives the restart").isNull();
        reopen();
        clock.advance(VISIBILITY_MS);
        assertThat(deliveries(receive(10))).as("acked never again; delivery counts kept")
                .containsOnly(Map.entry(List.of(0L, 1L), 3), Map.entry(List.of(0L, 3L), 2));
        acknowledge(QueueAck.ack(0, 1, 3), QueueAck.ack(0, 3, 2));
        clock.advance(120_000);
        assertThat(deliveries(receive(10))).containsOnly(Map.entry(List.of(0L, 4L), 2));
    }

    @Test
    void aSnapshotAloneRebuildsTheState() {
        produce(0, "a", "b", "c");
        receive(3);
        acknowledge(QueueAck.ack(0, 1, 1), QueueAck.nack(0, 2, 1, 0));

        broker.snapshotQueueGroups().join();
        // A snapshot clears what came before it: replay starting at the snapshot gives the same state.
        reopen();

        assertThat(queues.describe(GROUP).queues().get(0)).isEqualTo(new QueueGroupQueue(0, 0, 3, 1, 1, 0, 0));
        assertThat(deliveries(receive(10))).containsOnly(Map.entry(List.of(0L, 2L), 2));
    }

    @Test
    void aParkedReceiveIsAnsweredByAnAppend() {
        CompletableFuture<QueueReceiveResult> parked = queues.receive(request(GROUP, null, 10, 30_000));
        assertThat(parked).isNotDone();
        assertThat(broker.health().parkedFetches()).isEqualTo(1);

        produce(1, "late");

        QueueReceiveResult result = parked.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(deliveries(result)).containsOnly(Map.entry(List.of(1L, 0L), 1));
        assertThat(TestBrokers.values(result.queues().get(0).batches())).containsExactly("late");
        assertThat(broker.health().parkedFetches()).isZero();
    }

    @Test
    void aParkedReceiveIsAnsweredWhenAVisibilityTimeoutRunsOut() {
        produce(0, "a");
        receive(10);
        CompletableFuture<QueueReceiveResult> parked = queues.receive(request(GROUP, null, 10, 30_000));
        assertThat(parked).isNotDone();

        clock.advance(VISIBILITY_MS);

        // The timer's sweep (every 100 ms) sees the deadline pass on the manual clock and wakes it.
        assertThat(deliveries(parked.orTimeout(10, TimeUnit.SECONDS).join())).containsOnly(Map.entry(List.of(0L, 0L), 2));
    }

    @Test
    void aParkedReceiveEndsEmptyWhenItsWaitEnds() {
        QueueReceiveResult result = queues.receive(request(GROUP, null, 10, 100)).orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(result.queues()).isEmpty();
        assertThat(broker.health().parkedFetches()).isZero();
    }

    @Test
    void closingFailsAParkedReceiveWithShuttingDown() {
        CompletableFuture<QueueReceiveResult> parked = queues.receive(request(GROUP, null, 10, 30_000));

        broker.close();

        assertThatThrownBy(() -> parked.orTimeout(10, TimeUnit.SECONDS).join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.SHUTTING_DOWN));
    }

    @Test
    void deletingTheTopicEndsItsQueueModeGroups() {
        receive(1);

        broker.deleteTopic(TOPIC);

        assertThat(queues.list()).isEmpty();
        assertThat(queues.describe(GROUP)).isNull();
        broker.createTopic(TopicSpec.of(TOPIC, 2));
        reopen();
        assertThat(queues.list()).isEmpty();
    }

    @Test
    void retentionPastTheStartOffsetMovesTheGroupUp() {
        broker.createTopic(new TopicSpec("short", 1, 60_000, TopicFlushPolicy.DEFAULT));
        broker.produce("short", 0, TestBrokers.batch(TestBrokers.START_MS - 120_000, "old-1", "old-2"), Acks.LEADER)
                .join();
        broker.produce("short", 0, TestBrokers.batch(TestBrokers.START_MS, "new"), Acks.LEADER).join();
        QueueReceiveRequest one = new QueueReceiveRequest(GROUP, "short", null, 1, 1 << 20, VISIBILITY_MS, 0);
        assertThat(offsets(queues.receive(one).join(), 0)).containsExactly(0L);

        assertThat(broker.enforceTopicRetention()).isEqualTo(1);

        QueueReceiveResult after = queues.receive(one).join();
        assertThat(deliveries(after)).containsOnly(Map.entry(List.of(0L, 2L), 1));
        assertThat(queues.describe(GROUP).queues().get(0).startOffset()).isEqualTo(2);
        QueueAckResult gone = queues.acknowledge(GROUP, "short", List.of(QueueAck.ack(0, 0, 1))).join().get(0);
        assertThat(gone.error()).isEqualTo(BrokerError.DELIVERY_EXPIRED);
        assertThat(gone.message()).contains("done already");
    }

    @Test
    void acknowledgementsForAnotherTopicOrAnUnknownGroupAreRefused() {
        receive(1);
        broker.createTopic(TopicSpec.of("payments", 1));

        assertThat(queues.acknowledge(GROUP, "payments", List.of(QueueAck.ack(0, 0, 1))))
                .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .satisfies(e -> assertBroker(e.getCause(), BrokerError.GROUP_MODE_MISMATCH, "topic orders, not payments"));
        assertThat(queues.acknowledge("nobody", TOPIC, List.of(QueueAck.ack(0, 0, 1))).join())
                .extracting(QueueAckResult::error).containsExactly(BrokerError.DELIVERY_EXPIRED);
        assertThat(queues.acknowledge(GROUP, "missing", List.of(QueueAck.ack(0, 0, 1))))
                .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .satisfies(e -> assertBroker(e.getCause(), BrokerError.UNKNOWN_TOPIC, "missing"));
    }

    @Test
    void parkedReceivesCountAgainstParkedFetchesMaxAndCancellingFreesTheSlot() {
        broker.close();
        broker = Broker.open(TestBrokers.config(directory).parkedFetchesMax(1).build(), clock);
        queues = broker.queueGroups();
        CompletableFuture<QueueReceiveResult> parked = queues.receive(request(GROUP, null, 10, 30_000));

        assertReceiveFails(request(GROUP, null, 10, 30_000), BrokerError.BROKER_BUSY, "parkedFetchesMax");

        parked.cancel(false);
        assertThat(broker.health().parkedFetches()).isZero();
        produce(0, "a");
        assertThat(offsets(queues.receive(request(GROUP, null, 10, 30_000)).orTimeout(10, TimeUnit.SECONDS).join(), 0))
                .as("the cancelled receive acquired nothing").containsExactly(0L);
    }

    @Test
    void maxBytesLimitsTheBatchesButTheFirstIsAlwaysAnswered() {
        produce(0, "a", "b");
        produce(0, "c");
        produce(0, "d");
        int firstBatchBytes = TestBrokers.batch(clock.getAsLong(), "a", "b").remaining();

        QueueReceiveResult first = queues.receive(new QueueReceiveRequest(GROUP, TOPIC, null, 10, firstBatchBytes + 1,
                VISIBILITY_MS, 0)).join();
        QueueReceiveResult second = queues.receive(new QueueReceiveRequest(GROUP, TOPIC, null, 10, 1, VISIBILITY_MS, 0))
                .join();

        assertThat(offsets(first, 0)).as("the second batch would pass maxBytes").containsExactly(0L, 1L);
        assertThat(first.queues().get(0).batches()).hasSize(1);
        assertThat(offsets(second, 0)).as("one byte allowed: still one whole batch").containsExactly(2L);
        assertThat(offsets(receive(10), 0)).containsExactly(3L);
    }

    private void assertReceiveFails(QueueReceiveRequest request, BrokerError error, String... parts) {
        assertThat(queues.receive(request)).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .satisfies(e -> assertBroker(e.getCause(), error, parts));
    }

    static void assertBroker(Throwable failure, BrokerError error, String... parts) {
        assertThat(failure).isInstanceOf(BrokerException.class);
        assertThat(((BrokerException) failure).error()).isEqualTo(error);
        for (String part : parts) {
            assertThat(failure.getMessage()).contains(part);
        }
    }
}
