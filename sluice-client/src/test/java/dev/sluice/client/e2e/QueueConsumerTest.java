package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.DeliveryExpiredException;
import dev.sluice.client.DeliveryMode;
import dev.sluice.client.EmbeddedSluice;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.QueueConsumer;
import dev.sluice.client.QueueConsumerConfig;
import dev.sluice.client.QueueMessage;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.SendResult;
import dev.sluice.client.Sluice;
import dev.sluice.client.SluiceException;
import dev.sluice.client.UnknownTopicException;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.record.ReservedHeaders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queue mode through the client: poll, ack, nack, reject, visibility timeouts, dead letters, refusals. */
@EndToEnd
class QueueConsumerTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** {@code count} messages "m-0".. over 8 keys; returns when all are acknowledged. */
    static void produce(EmbeddedSluice sluice, String topic, int count) {
        try (Producer producer = sluice.producer()) {
            List<CompletableFuture<SendResult>> sent = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(Message.of(topic, "k" + (i % 8), "m-" + i)));
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
        }
    }

    /** Polls until {@code count} messages came in all (bounded by {@link #LIMIT}); acks none. */
    static List<QueueMessage> pollUntil(QueueConsumer consumer, int count) {
        List<QueueMessage> got = new ArrayList<>();
        long deadlineNs = System.nanoTime() + LIMIT.toNanos();
        while (got.size() < count && System.nanoTime() - deadlineNs < 0) {
            got.addAll(consumer.poll(Duration.ofMillis(500)));
        }
        return got;
    }

    private static Set<String> ids(List<QueueMessage> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.queue() + "@" + m.offset()));
        return ids;
    }

    @Test
    void everyMessagePolledAndAckedOnceLeavesTheGroupDone() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            Admin admin = sluice.admin();
            admin.createTopic("jobs", 4);
            produce(sluice, "jobs", 200);
            QueueConsumer consumer = sluice.queueConsumer(b -> b.group("workers").maxPollMessages(50));
            consumer.subscribe("jobs");

            List<QueueMessage> got = pollUntil(consumer, 200);
            got.forEach(consumer::ack);

            assertThat(got).hasSize(200);
            assertThat(got).extracting(QueueMessage::valueAsString).doesNotHaveDuplicates();
            assertThat(got).allSatisfy(m -> assertThat(m.deliveryCount()).isEqualTo(1));
            Admin.QueueGroupDescription description = admin.describeQueueGroup("workers");
            assertThat(description.topic()).isEqualTo("jobs");
            assertThat(description.queues()).hasSize(4).allSatisfy(queue -> {
                assertThat(queue.startOffset()).isEqualTo(queue.endOffset());
                assertThat(queue.inFlight()).isZero();
                assertThat(queue.available()).isZero();
            });
            assertThat(consumer.poll(Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void describingAQueueModeOrUnknownGroupAsAStreamGroupIsAClearErrorNotABrokerFault() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            Admin admin = sluice.admin();
            admin.createTopic("jobs", 1);
            QueueConsumer consumer = sluice.queueConsumer(b -> b.group("workers"));
            consumer.subscribe("jobs");
            consumer.poll(Duration.ofMillis(50));

            assertThatThrownBy(() -> admin.describeGroup("workers")).isInstanceOf(SluiceException.class)
                    .hasMessageContaining("GROUP_MODE_MISMATCH").hasMessageContaining("queue-mode group");
            assertThatThrownBy(() -> admin.describeGroup("nobody")).isInstanceOf(SluiceException.class)
                    .hasMessageContaining("INVALID_REQUEST").hasMessageContaining("no consumer group 'nobody'");
        }
    }

    @Test
    void twoConsumersSharingATopicNeverHoldTheSameMessageAtOnce() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            sluice.admin().createTopic("jobs", 3);
            produce(sluice, "jobs", 300);
            QueueConsumer first = sluice.queueConsumer(b -> b.group("workers").maxPollMessages(20));
            QueueConsumer second = sluice.queueConsumer(b -> b.group("workers").maxPollMessages(20));
            first.subscribe("jobs");
            second.subscribe("jobs");

            // Both hold what they received, unacknowledged (visibility 30 s), until all 300 are out.
            List<QueueMessage> ofFirst = new ArrayList<>();
            List<QueueMessage> ofSecond = new ArrayList<>();
            long deadlineNs = System.nanoTime() + LIMIT.toNanos();
            while (ofFirst.size() + ofSecond.size() < 300 && System.nanoTime() - deadlineNs < 0) {
                ofFirst.addAll(first.poll(Duration.ofMillis(100)));
                ofSecond.addAll(second.poll(Duration.ofMillis(100)));
            }

            assertThat(ofFirst).isNotEmpty();
            assertThat(ofSecond).isNotEmpty();
            Set<String> both = ids(ofFirst);
            both.retainAll(ids(ofSecond));
            assertThat(both).as("messages held by both consumers").isEmpty();
            assertThat(ids(ofFirst).size() + ids(ofSecond).size()).isEqualTo(300);
            // Either consumer may settle the other's deliveries.
            ofFirst.forEach(second::ack);
            ofSecond.forEach(first::ack);
            assertThat(first.poll(Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void anUnacknowledgedMessageComesBackAfterItsVisibilityTimeoutWithDeliveryCountTwo() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            sluice.admin().createTopic("jobs", 1);
            produce(sluice, "jobs", 1);
            QueueConsumer forgetful = sluice.queueConsumer(b -> b.group("workers").visibilityTimeoutMs(1_000));
            QueueConsumer other = sluice.queueConsumer(b -> b.group("workers").visibilityTimeoutMs(1_000));
            forgetful.subscribe("jobs");
            other.subscribe("jobs");

            QueueMessage first = pollUntil(forgetful, 1).get(0);
            List<QueueMessage> again = pollUntil(other, 1);

            assertThat(first.deliveryCount()).isEqualTo(1);
            assertThat(again).singleElement().satisfies(m -> {
                assertThat(m.offset()).isEqualTo(first.offset());
                assertThat(m.deliveryCount()).isEqualTo(2);
                assertThat(m.valueAsString()).isEqualTo("m-0");
            });
            // The first delivery is over: its late ack is refused, the second one's is applied.
            assertThatThrownBy(() -> forgetful.ack(first)).isInstanceOf(DeliveryExpiredException.class);
            other.ack(again.get(0));
            assertThat(other.poll(Duration.ofMillis(1_500))).isEmpty();
        }
    }

    @Test
    void aNackedMessageComesBackAfterItsDelayNotBefore() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            sluice.admin().createTopic("jobs", 1);
            produce(sluice, "jobs", 1);
            QueueConsumer consumer = sluice.queueConsumer("workers");
            consumer.subscribe("jobs");
            QueueMessage first = pollUntil(consumer, 1).get(0);

            long nackedNs = System.nanoTime();
            consumer.nack(first, Duration.ofMillis(1_500));
            List<QueueMessage> again = pollUntil(consumer, 1);
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nackedNs);

            assertThat(again).singleElement().satisfies(m -> {
                assertThat(m.offset()).isEqualTo(first.offset());
                assertThat(m.deliveryCount()).isEqualTo(2);
            });
            assertThat(waitedMs).as("ms between the nack and the redelivery").isGreaterThanOrEqualTo(1_400);
            consumer.ack(again.get(0));
        }
    }

    @Test
    void aRejectedMessageIsInTheDeadLetterTopicWithHeadersSayingWhereFromAndWhy() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            Admin admin = sluice.admin();
            admin.createTopic("jobs", 2);
            produce(sluice, "jobs", 2);
            QueueConsumer consumer = sluice.queueConsumer("workers");
            consumer.subscribe("jobs");
            List<QueueMessage> got = pollUntil(consumer, 2);
            QueueMessage poison = got.get(0);

            consumer.reject(poison, "bad payload");
            consumer.ack(got.get(1));

            ReceivedMessage dead = readDeadLetters(sluice, "workers.dlq", 1).get(0);
            assertThat(dead.keyAsString()).isEqualTo(poison.keyAsString());
            assertThat(dead.valueAsString()).isEqualTo(poison.valueAsString());
            assertThat(dead.timestampMs()).isEqualTo(poison.timestampMs());
            assertThat(dead.header(ReservedHeaders.DLQ_TOPIC)).isEqualTo("jobs");
            assertThat(dead.header(ReservedHeaders.DLQ_QUEUE)).isEqualTo(Integer.toString(poison.queue()));
            assertThat(dead.header(ReservedHeaders.DLQ_OFFSET)).isEqualTo(Long.toString(poison.offset()));
            assertThat(dead.header(ReservedHeaders.DLQ_GROUP)).isEqualTo("workers");
            assertThat(dead.header(ReservedHeaders.DLQ_DELIVERY_COUNT)).isEqualTo("1");
            assertThat(dead.header(ReservedHeaders.DLQ_REASON)).isEqualTo("rejected: bad payload");
            assertThat(admin.describeQueueGroup("workers").queues().stream()
                    .mapToLong(Admin.QueueGroupQueue::deadLettered).sum()).isEqualTo(1);
            assertThat(consumer.poll(Duration.ofMillis(200))).isEmpty();
        }
    }

    /** Reads {@code count} records of a dead-letter topic from its start with a stream consumer. */
    static List<ReceivedMessage> readDeadLetters(EmbeddedSluice sluice, String topic, int count) {
        Admin admin = sluice.admin();
        await().atMost(LIMIT).until(() -> admin.listTopics().stream().anyMatch(t -> t.topic().equals(topic)));
        List<ReceivedMessage> got = new ArrayList<>();
        try (Consumer reader = sluice.consumer(b -> b.group("dlq-reader-" + topic)
                .autoOffsetReset(OffsetReset.EARLIEST))) {
            reader.subscribe(topic);
            long deadlineNs = System.nanoTime() + LIMIT.toNanos();
            while (got.size() < count && System.nanoTime() - deadlineNs < 0) {
                got.addAll(reader.poll(Duration.ofMillis(500)));
            }
            assertThat(reader.poll(Duration.ofMillis(200))).as("more dead letters than expected").isEmpty();
        }
        return got;
    }

    @Test
    void atMostOnceAcknowledgesBeforePollReturns() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            Admin admin = sluice.admin();
            admin.createTopic("jobs", 1);
            produce(sluice, "jobs", 20);
            QueueConsumer consumer = sluice.queueConsumer(b -> b.group("workers")
                    .deliveryMode(DeliveryMode.AT_MOST_ONCE).visibilityTimeoutMs(1_000));
            consumer.subscribe("jobs");

            List<QueueMessage> got = pollUntil(consumer, 20);

            assertThat(got).hasSize(20);
            Admin.QueueGroupQueue queue = admin.describeQueueGroup("workers").queues().get(0);
            assertThat(queue.inFlight()).isZero();
            assertThat(queue.startOffset()).isEqualTo(20);
            // Nothing comes back after the visibility timeout: each was acknowledged, never processed twice.
            assertThat(consumer.poll(Duration.ofMillis(2_000))).isEmpty();
            assertThatThrownBy(() -> consumer.ack(got.get(0))).isInstanceOf(DeliveryExpiredException.class);
        }
    }

    @Test
    void exactlyOnceAndBadSettingsAreRefusedWithClearErrors() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            sluice.admin().createTopic("jobs", 1);
            assertThatThrownBy(() -> sluice.queueConsumer(b -> b.group("g").deliveryMode(DeliveryMode.EXACTLY_ONCE)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IdempotentConsumer");
            assertThatThrownBy(() -> sluice.queueConsumer(b -> b.group("g").visibilityTimeoutMs(10)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("visibilityTimeoutMs 10");

            QueueConsumer nowhere = sluice.queueConsumer("workers");
            nowhere.subscribe("no-such-topic");
            assertThatThrownBy(() -> nowhere.poll(Duration.ofMillis(100))).isInstanceOf(UnknownTopicException.class);

            QueueConsumer five = sluice.queueConsumer(b -> b.group("workers").maxAttempts(5));
            five.subscribe("jobs");
            five.poll(Duration.ZERO); // creates the group with 5 attempts
            QueueConsumer three = sluice.queueConsumer(b -> b.group("workers").maxAttempts(3));
            three.subscribe("jobs");
            assertThatThrownBy(() -> three.poll(Duration.ofMillis(100)))
                    .isInstanceOfSatisfying(SluiceException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.GROUP_MODE_MISMATCH))
                    .hasMessageContaining("5").hasMessageContaining("3");

            try (Consumer stream = sluice.consumer("streamers")) {
                stream.subscribe("jobs");
                await().atMost(LIMIT).until(() -> sluice.admin().listGroups().stream()
                        .anyMatch(g -> g.group().equals("streamers")));
                QueueConsumer clash = sluice.queueConsumer("streamers");
                clash.subscribe("jobs");
                assertThatThrownBy(() -> clash.poll(Duration.ofMillis(100)))
                        .isInstanceOfSatisfying(SluiceException.class,
                                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.GROUP_MODE_MISMATCH));
            }
        }
    }

    @Test
    void describeQueueGroupCountsInFlightDelayedAvailableAndDone() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            Admin admin = sluice.admin();
            admin.createTopic("jobs", 1);
            produce(sluice, "jobs", 10);
            QueueConsumer consumer = sluice.queueConsumer(b -> b.group("workers").maxPollMessages(4).maxAttempts(7)
                    .deadLetterTopic("jobs-failed").messageGroups(false));
            consumer.subscribe("jobs");
            List<QueueMessage> got = pollUntil(consumer, 4);
            assertThat(got).extracting(QueueMessage::offset).containsExactly(0L, 1L, 2L, 3L);

            consumer.ack(got.get(0));
            consumer.nack(got.get(1), Duration.ofMinutes(1));
            Admin.QueueGroupDescription description = admin.describeQueueGroup("workers");

            assertThat(description.maxAttempts()).isEqualTo(7);
            assertThat(description.deadLetterTopic()).isEqualTo("jobs-failed");
            assertThat(description.messageGroups()).isFalse();
            assertThat(description.queues()).containsExactly(new Admin.QueueGroupQueue(0, 1, 10, 2, 6, 1, 0));
            assertThatThrownBy(() -> admin.describeQueueGroup("nobody")).isInstanceOfSatisfying(SluiceException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST));
        }
    }

    @Test
    void aClosedConsumerRefusesToSettleAndItsDeliveriesComeBackAfterTheirVisibilityTimeout() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            sluice.admin().createTopic("jobs", 1);
            produce(sluice, "jobs", 1);
            QueueConsumer closing = sluice.queueConsumer(b -> b.group("workers").visibilityTimeoutMs(1_000));
            closing.subscribe("jobs");
            QueueMessage held = pollUntil(closing, 1).get(0);

            closing.close();

            assertThatThrownBy(() -> closing.ack(held)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("visibility timeout");
            QueueConsumer next = sluice.queueConsumer(b -> b.group("workers").visibilityTimeoutMs(1_000));
            next.subscribe("jobs");
            assertThat(pollUntil(next, 1)).singleElement()
                    .satisfies(m -> assertThat(m.deliveryCount()).isEqualTo(2));
        }
    }

    @Test
    void pollAndAckRideOutABrokerRestartAndTheDeliveryStaysTheirs() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of());
                Admin admin = Admin.create(server.bootstrap());
                Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).build());
                QueueConsumer consumer = QueueConsumer.create(QueueConsumerConfig.builder(server.bootstrap())
                        .group("workers").retryBackoffMs(50).retryBackoffMaxMs(200).build())) {
            admin.createTopic("jobs", 1);
            producer.sendSync(Message.of("jobs", "k", "before"));
            consumer.subscribe("jobs");
            QueueMessage before = pollUntil(consumer, 1).get(0);

            server.stop();
            // Polled while the broker is down: connection failures are retried with back-off.
            CompletableFuture<List<QueueMessage>> polling = CompletableFuture.supplyAsync(() -> pollUntil(consumer, 1));
            server.startAgain();
            consumer.ack(before); // on a new connection: the acquisition survived the restart
            producer.sendSync(Message.of("jobs", "k", "after"));

            assertThat(polling.get(LIMIT.toSeconds(), TimeUnit.SECONDS)).singleElement().satisfies(m -> {
                assertThat(m.valueAsString()).isEqualTo("after");
                assertThat(m.deliveryCount()).isEqualTo(1);
                consumer.ack(m);
            });
            assertThat(admin.describeQueueGroup("workers").queues().get(0).startOffset()).isEqualTo(2);
        }
    }

    @Test
    void extendingTheVisibilityKeepsAMessageFromOthersPastItsTimeout() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            sluice.admin().createTopic("jobs", 1);
            produce(sluice, "jobs", 1);
            QueueConsumer slow = sluice.queueConsumer(b -> b.group("workers").visibilityTimeoutMs(1_000));
            QueueConsumer other = sluice.queueConsumer(b -> b.group("workers").visibilityTimeoutMs(1_000));
            slow.subscribe("jobs");
            other.subscribe("jobs");
            QueueMessage held = pollUntil(slow, 1).get(0);

            slow.extendVisibility(held, Duration.ofMinutes(1));

            assertThat(other.poll(Duration.ofMillis(2_500))).as("redelivered despite the extension").isEmpty();
            slow.ack(held);
        }
    }
}
