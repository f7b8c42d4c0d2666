package dev.sluice.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.QueueConsumer;
import dev.sluice.client.QueueConsumerConfig;
import dev.sluice.client.SluiceException;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.guarantees.QueueGuarantees.Handling;
import dev.sluice.record.ReservedHeaders;
import dev.sluice.server.SluiceServer;
import dev.sluice.testsupport.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, fault test 4 (queue mode): a handler that fails every 7th message, and a consumer process
 * killed with kill -9 while it holds messages. Every failing message is retried up to max attempts and
 * then sits in the group's dead-letter topic with its delivery count; every other message is handled;
 * nothing is lost and nothing is stuck (the group ends with no message in flight, available or delayed).
 */
class DeadLetterTest {
    private static final int MESSAGES = 6_000;
    private static final int FAIL_EVERY = 7;
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void failingMessagesEndInTheDeadLetterTopicAfterMaxAttemptsAndTheRestAreHandledNothingStuck() throws Exception {
        List<Handling> handled = Collections.synchronizedList(new ArrayList<>());
        try (SluiceServer server = QueueGuarantees.startServer(dir);
                Admin admin = Admin.create(server.bootstrap())) {
            admin.createTopic("jobs", 4);
            try (Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).build())) {
                for (int id = 0; id < MESSAGES; id++) {
                    producer.send(Message.of("jobs", "k" + (id % 100), QueueGuarantees.value(id % 100, id / 100, id)));
                }
                producer.flush();
            }
            List<QueueConsumer> consumers = new ArrayList<>();
            List<String> childLines;
            int heldId;
            try (ChildJvm child = ChildJvm.builder(QueueWorkerChild.class).args(server.bootstrap(), "jobs", "workers",
                    Integer.toString(MAX_ATTEMPTS), "false", Integer.toString(FAIL_EVERY), "300").start()) {
                child.awaitLine("LISTENING"::equals, LIMIT);
                // The process handles alone until it holds its 300th message (then it hangs in the handler)
                heldId = Integer.parseInt(child.awaitLine(l -> l.startsWith("HOLDING "), LIMIT).substring(8));
                for (int i = 0; i < 2; i++) {
                    QueueConsumer consumer = QueueConsumer.create(config(server.bootstrap()));
                    consumers.add(consumer);
                    consumer.subscribe("jobs");
                    consumer.listen(message -> {
                        Handling handling = QueueGuarantees.parse(message, Instant.now());
                        handled.add(handling);
                        if (handling.id() % FAIL_EVERY == 0) {
                            throw new IllegalStateException("fails on purpose");
                        }
                    });
                }
                // When, with two more consumers at work, the process is killed with kill -9 mid-handling
                await().atMost(LIMIT).until(() -> handled.size() >= 500);
                child.killHard();
                childLines = child.lines();
            }
            try {
                // Then the group drains: nothing in flight, available or delayed, and every offset done
                await().atMost(LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> drained(admin));
            } finally {
                consumers.forEach(QueueConsumer::close);
            }
            List<Handling> all = new ArrayList<>(handled);
            childLines.stream().filter(l -> l.startsWith("HANDLED ")).map(Handling::fromLine).forEach(all::add);

            Map<Integer, Integer> deadLettered = readDeadLetters(server.bootstrap());
            Set<Integer> failing = new HashSet<>();
            for (int id = 0; id < MESSAGES; id += FAIL_EVERY) {
                failing.add(id);
            }
            // Each failing message is in the dead-letter topic once, after exactly max attempts
            assertThat(deadLettered.keySet()).isEqualTo(failing);
            assertThat(deadLettered).allSatisfy((id, count) -> assertThat(count).as("dead-letter delivery count of %d", id)
                    .isEqualTo(MAX_ATTEMPTS));
            Map<Integer, Integer> deliveriesOfFailing = all.stream().filter(h -> failing.contains(h.id()))
                    .collect(Collectors.toMap(Handling::id, Handling::deliveryCount, Math::max));
            assertThat(deliveriesOfFailing.values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(MAX_ATTEMPTS));
            // Every other message was handled; twice only if the killed process had started it
            Map<Integer, Long> handlings = all.stream().filter(h -> !failing.contains(h.id()))
                    .collect(Collectors.groupingBy(Handling::id, Collectors.counting()));
            assertThat(handlings).hasSize(MESSAGES - failing.size());
            long duplicates = handlings.values().stream().mapToLong(n -> n - 1).sum();
            System.out.printf("dead-letter test: %d handled, %d dead-lettered, %d handled again (redelivered: the"
                    + " killed consumer's, or acked after the visibility timeout), child handled %d%n", handlings.size(), deadLettered.size(), duplicates,
                    childLines.stream().filter(l -> l.startsWith("HANDLED")).count());
            // The message the killed process was handling came back after its visibility timeout
            assertThat(all.stream().filter(h -> h.id() == heldId).mapToInt(Handling::deliveryCount).max().orElse(0))
                    .as("deliveries of the message held when the process died").isGreaterThanOrEqualTo(2);
            // No delivery went to two consumers: each (message, delivery count) was handled at most once.
            // A message may be handled again under a higher count (at-least-once): the killed process's,
            // and any whose ack came after its visibility timeout on a loaded machine.
            Map<String, Long> perDelivery = all.stream().collect(Collectors.groupingBy(
                    h -> h.id() + "#" + h.deliveryCount(), Collectors.counting()));
            assertThat(perDelivery).allSatisfy((delivery, count) -> assertThat(count).as(delivery).isEqualTo(1));
            assertThat(duplicates).as("handled again").isGreaterThanOrEqualTo(heldId % FAIL_EVERY == 0 ? 0L : 1L);
        }
    }

    private static QueueConsumerConfig config(String bootstrap) {
        return QueueConsumerConfig.builder(bootstrap).group("workers").maxAttempts(MAX_ATTEMPTS)
                .visibilityTimeoutMs(QueueGuarantees.VISIBILITY_TIMEOUT_MS).redeliveryDelayMs(10).redeliveryDelayMaxMs(50)
                .maxPollMessages(20).build();
    }

    private static boolean drained(Admin admin) {
        Admin.QueueGroupDescription group;
        try {
            group = admin.describeQueueGroup("workers");
        } catch (SluiceException e) {
            return false;
        }
        return group.queues().stream().allMatch(q -> q.inFlight() == 0 && q.available() == 0
                && q.delayed() == 0 && q.startOffset() == q.endOffset());
    }

    /** The dead-letter topic's messages: id → the delivery count in its header; each id at most once. */
    private static Map<Integer, Integer> readDeadLetters(String bootstrap) {
        Map<Integer, Integer> byId = new HashMap<>();
        try (Consumer consumer = Consumer.create(ConsumerConfig.builder(bootstrap).group("dlq-reader")
                .autoOffsetReset(OffsetReset.EARLIEST).build())) {
            consumer.subscribe("workers.dlq");
            long deadlineNs = System.nanoTime() + LIMIT.toNanos();
            long quietSinceNs = System.nanoTime();
            while (System.nanoTime() - deadlineNs < 0 && System.nanoTime() - quietSinceNs < Duration.ofSeconds(3).toNanos()) {
                List<ReceivedMessage> messages = consumer.poll(Duration.ofMillis(200));
                for (ReceivedMessage message : messages) {
                    int id = Integer.parseInt(message.valueAsString().split(":")[2]);
                    assertThat(message.header(ReservedHeaders.DLQ_TOPIC)).isEqualTo("jobs");
                    assertThat(message.header(ReservedHeaders.DLQ_GROUP)).isEqualTo("workers");
                    assertThat(message.header(ReservedHeaders.DLQ_OFFSET)).isNotNull();
                    assertThat(message.header(ReservedHeaders.DLQ_REASON)).isNotBlank();
                    Integer previous = byId.put(id, Integer.parseInt(message.header(ReservedHeaders.DLQ_DELIVERY_COUNT)));
                    assertThat(previous).as("message %d dead-lettered twice", id).isNull();
                }
                if (!messages.isEmpty()) {
                    quietSinceNs = System.nanoTime();
                }
            }
        }
        return byId;
    }
}
