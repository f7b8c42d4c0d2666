package dev.sluice.client.e2e;

import static dev.sluice.client.e2e.QueueConsumerTest.readDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.EmbeddedSluice;
import dev.sluice.client.Message;
import dev.sluice.client.Producer;
import dev.sluice.client.QueueConsumer;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.SendResult;
import dev.sluice.client.Sluice;
import dev.sluice.record.ReservedHeaders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue consumer's listener: ack after the handler, nack with back-off on failure, dead letters, message groups. */
@EndToEnd
class QueueListenerTest {
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void everySeventhMessageFailingThreeTimesIsDeadLetteredAndEveryOtherIsAckedOnce() {
        int total = 350;
        int poisonCount = total / 7;
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        Map<Integer, AtomicInteger> successes = new ConcurrentHashMap<>();
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            Admin admin = sluice.admin();
            admin.createTopic("jobs", 4);
            produceNumbered(sluice, "jobs", total);
            List<QueueConsumer> consumers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                QueueConsumer consumer = sluice.queueConsumer(b -> b.group("workers").maxAttempts(3)
                        .maxPollMessages(25).redeliveryDelayMs(10).redeliveryDelayMaxMs(40));
                consumer.subscribe("jobs");
                consumers.add(consumer);
                consumer.listen(message -> {
                    int number = Integer.parseInt(message.valueAsString());
                    calls.computeIfAbsent(number, n -> new AtomicInteger()).incrementAndGet();
                    if (number % 7 == 0) {
                        throw new IllegalStateException("poison " + number);
                    }
                    successes.computeIfAbsent(number, n -> new AtomicInteger()).incrementAndGet();
                });
            }

            await().atMost(LIMIT).until(() -> successes.size() == total - poisonCount && groupIsDone(admin));
            List<ReceivedMessage> dead = readDeadLetters(sluice, "workers.dlq", poisonCount);
            consumers.forEach(QueueConsumer::close);

            // Count every message: each good one handled once, each poison one three times, none lost or stuck.
            for (int number = 0; number < total; number++) {
                if (number % 7 == 0) {
                    assertThat(calls.get(number)).as("calls of poison %d", number).hasValue(3);
                    assertThat(successes).doesNotContainKey(number);
                } else {
                    assertThat(successes.get(number)).as("successes of %d", number).hasValue(1);
                    assertThat(calls.get(number)).as("calls of %d", number).hasValue(1);
                }
            }
            assertThat(dead).hasSize(poisonCount);
            assertThat(dead).extracting(m -> Integer.parseInt(m.valueAsString()) % 7).containsOnly(0);
            assertThat(dead).extracting(ReceivedMessage::valueAsString).doesNotHaveDuplicates();
            assertThat(dead).allSatisfy(m -> {
                assertThat(m.header(ReservedHeaders.DLQ_DELIVERY_COUNT)).isEqualTo("3");
                assertThat(m.header(ReservedHeaders.DLQ_GROUP)).isEqualTo("workers");
                assertThat(m.header(ReservedHeaders.DLQ_TOPIC)).isEqualTo("jobs");
            });
            assertThat(admin.describeQueueGroup("workers").queues().stream()
                    .mapToLong(Admin.QueueGroupQueue::deadLettered).sum()).isEqualTo(poisonCount);
        }
    }

    /** Every queue done: nothing in flight, delayed or available. */
    private static boolean groupIsDone(Admin admin) {
        return admin.describeQueueGroup("workers").queues().stream().allMatch(q -> q.startOffset() == q.endOffset()
                && q.inFlight() == 0 && q.delayed() == 0 && q.available() == 0);
    }

    @Test
    void messageGroupsKeepEachKeysOrderAcrossThreeListeningConsumers() {
        int keys = 12;
        int perKey = 40;
        List<String> handled = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failedOnce = new AtomicInteger();
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            Admin admin = sluice.admin();
            admin.createTopic("orders", 3);
            try (Producer producer = sluice.producer()) {
                List<CompletableFuture<SendResult>> sent = new ArrayList<>();
                for (int i = 0; i < perKey; i++) {
                    for (int k = 0; k < keys; k++) {
                        sent.add(producer.send(Message.of("orders", "key" + k, "key" + k + ":" + i)));
                    }
                }
                CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
            }
            for (int c = 0; c < 3; c++) {
                QueueConsumer consumer = sluice.queueConsumer(b -> b.group("billing").messageGroups(true)
                        .maxPollMessages(10).redeliveryDelayMs(20).redeliveryDelayMaxMs(20));
                consumer.subscribe("orders");
                consumer.listen(message -> {
                    // One failure midway through key0: its later messages must wait for its redelivery.
                    if (message.valueAsString().equals("key0:7") && failedOnce.getAndIncrement() == 0) {
                        throw new IllegalStateException("transient failure");
                    }
                    handled.add(message.valueAsString());
                });
            }

            await().atMost(LIMIT).until(() -> handled.size() >= keys * perKey);

            Map<String, List<Integer>> byKey = new HashMap<>();
            synchronized (handled) {
                for (String value : handled) {
                    String[] parts = value.split(":");
                    byKey.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
                }
            }
            assertThat(handled).hasSize(keys * perKey);
            assertThat(failedOnce.get()).isEqualTo(2);
            List<Integer> inOrder = new ArrayList<>();
            for (int i = 0; i < perKey; i++) {
                inOrder.add(i);
            }
            assertThat(byKey).hasSize(keys);
            byKey.forEach((key, sequence) -> assertThat(sequence).as("order of %s", key).isEqualTo(inOrder));
        }
    }

    @Test
    void aHandlerSlowerThanTheVisibilityTimeoutPerReceiveKeepsItsMessagesByExtendingThem() throws Exception {
        int total = 12;
        Map<Integer, List<Integer>> deliveryCounts = new ConcurrentHashMap<>();
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            sluice.admin().createTopic("jobs", 1);
            produceNumbered(sluice, "jobs", total);
            // One receive brings 6 messages; handling them takes 6 x 350 ms, twice the 1 s visibility timeout.
            QueueConsumer consumer = sluice.queueConsumer(b -> b.group("workers").visibilityTimeoutMs(1_000)
                    .maxPollMessages(6));
            consumer.subscribe("jobs");
            java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
            consumer.listen(message -> {
                deliveryCounts.computeIfAbsent(Integer.parseInt(message.valueAsString()),
                        n -> java.util.Collections.synchronizedList(new ArrayList<>())).add(message.deliveryCount());
                never.await(350, java.util.concurrent.TimeUnit.MILLISECONDS); // the handler's work
            });

            await().atMost(LIMIT).until(() -> deliveryCounts.size() == total
                    && sluice.admin().describeQueueGroup("workers").queues().get(0).startOffset() == total);
            consumer.close();

            for (int number = 0; number < total; number++) {
                assertThat(deliveryCounts.get(number)).as("deliveries of %d", number).containsExactly(1);
            }
        }
    }

    /** Values "0".."count-1", keys spread over 8. */
    private static void produceNumbered(EmbeddedSluice sluice, String topic, int count) {
        try (Producer producer = sluice.producer()) {
            List<CompletableFuture<SendResult>> sent = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(Message.of(topic, "k" + (i % 8), Integer.toString(i))));
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
        }
    }
}
