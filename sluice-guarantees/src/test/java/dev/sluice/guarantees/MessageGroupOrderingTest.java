package dev.sluice.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.Message;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.QueueConsumer;
import dev.sluice.client.QueueConsumerConfig;
import dev.sluice.client.SluiceException;
import dev.sluice.guarantees.QueueGuarantees.Handling;
import dev.sluice.server.SluiceServer;
import dev.sluice.testsupport.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, fault test 5 (queue mode): with message groups, 1,000 keys keep their order while consumers
 * join, leave, and one consumer process is killed with kill -9. Per key, a handler starts on a message
 * only after the key's previous message was handled (a redelivery repeats only the message that was not
 * acked), and every message is handled.
 */
class MessageGroupOrderingTest {
    private static final int KEYS = 1_000;
    private static final int PER_KEY = 10;
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void messagesOfAKeyAreHandledOneAtATimeInOrderThroughJoinsLeavesAndAKilledConsumer() throws Exception {
        List<Handling> handled = Collections.synchronizedList(new ArrayList<>());
        List<Handling> all = new ArrayList<>();
        int heldId;
        try (SluiceServer server = QueueGuarantees.startServer(dir);
                Admin admin = Admin.create(server.bootstrap())) {
            admin.createTopic("orders", 4);
            try (Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).build())) {
                for (int sequence = 0; sequence < PER_KEY; sequence++) {
                    for (int key = 0; key < KEYS; key++) {
                        producer.send(Message.of("orders", "key-" + key,
                                QueueGuarantees.value(key, sequence, sequence * KEYS + key)));
                    }
                }
                producer.flush();
            }
            List<QueueConsumer> live = new ArrayList<>();
            try (ChildJvm child = ChildJvm.builder(QueueWorkerChild.class).args(server.bootstrap(), "orders", "shippers",
                    "5", "true", "0", "200").start()) {
                child.awaitLine("LISTENING"::equals, LIMIT);
                // The process handles alone until it holds its 200th message (then it hangs in the handler)
                heldId = Integer.parseInt(child.awaitLine(l -> l.startsWith("HOLDING "), LIMIT).substring(8));
                QueueConsumer first = start(server.bootstrap(), handled);
                live.add(start(server.bootstrap(), handled));
                // A consumer joins mid-run, the first one leaves, the process is killed holding messages
                await().atMost(LIMIT).until(() -> handled.size() >= 2_000);
                live.add(start(server.bootstrap(), handled));
                first.close();
                child.killHard();
                child.lines().stream().filter(l -> l.startsWith("HANDLED ")).map(Handling::fromLine).forEach(all::add);
                await().atMost(LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> drained(admin));
            } finally {
                live.forEach(QueueConsumer::close);
            }
        }
        all.addAll(handled);
        // Then per key the handlers started in sequence order, and every message was handled
        assertThat(QueueGuarantees.fifoViolations(all)).isEmpty();
        Set<Integer> ids = new HashSet<>();
        all.forEach(h -> ids.add(h.id()));
        assertThat(ids).hasSize(KEYS * PER_KEY);
        // The message the killed process was handling was handled again (and its key waited for it)
        assertThat(all.stream().filter(h -> h.id() == heldId).count()).isGreaterThanOrEqualTo(2);
        System.out.printf("message-group ordering: %d handlings of %d messages (%d redelivered)%n", all.size(),
                ids.size(), all.size() - ids.size());
    }

    private static QueueConsumer start(String bootstrap, List<Handling> handled) {
        QueueConsumer consumer = QueueConsumer.create(QueueConsumerConfig.builder(bootstrap).group("shippers")
                .maxAttempts(5).messageGroups(true).visibilityTimeoutMs(QueueGuarantees.VISIBILITY_TIMEOUT_MS)
                .redeliveryDelayMs(10).redeliveryDelayMaxMs(50).maxPollMessages(20).build());
        consumer.subscribe("orders");
        consumer.listen(message -> handled.add(QueueGuarantees.parse(message, Instant.now())));
        return consumer;
    }

    private static boolean drained(Admin admin) {
        try {
            return admin.describeQueueGroup("shippers").queues().stream().allMatch(q -> q.inFlight() == 0
                    && q.available() == 0 && q.delayed() == 0 && q.startOffset() == q.endOffset());
        } catch (SluiceException e) {
            return false;
        }
    }
}
