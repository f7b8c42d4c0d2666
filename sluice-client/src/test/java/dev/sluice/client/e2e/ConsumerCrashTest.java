package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.AckMode;
import dev.sluice.client.Consumer;
import dev.sluice.client.EmbeddedSluice;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.Sluice;
import dev.sluice.client.internal.SluiceConsumer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member that dies without committing or leaving: its queues move on after its session, and what it did not commit comes again. */
@EndToEnd
class ConsumerCrashTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int SESSION_TIMEOUT_MS = 1_000;
    private static final int PER_QUEUE = 100;

    @TempDir
    Path dir;

    @Test
    void crashedMembersQueuesMoveToTheSurvivorWhichGetsTheUncommittedMessagesAgain() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir); Admin admin = sluice.admin()) {
            admin.createTopic("orders", 4);
            MessageLedger survivorLedger = new MessageLedger();
            MessageLedger crashedLedger = new MessageLedger();
            SluiceConsumer crashing = (SluiceConsumer) sluice.consumer(b -> b.group("billing")
                    .ackMode(AckMode.MANUAL).autoOffsetReset(OffsetReset.EARLIEST).sessionTimeoutMs(SESSION_TIMEOUT_MS));
            crashing.subscribe("orders");
            try (PollingMember survivor = new PollingMember("survivor", () -> sluice.consumer(b -> b.group("billing")
                    .autoOffsetReset(OffsetReset.EARLIEST).sessionTimeoutMs(SESSION_TIMEOUT_MS)), "orders",
                    survivorLedger, LIMIT)) {
                // Given two members with two queues each
                long deadlineNs = System.nanoTime() + LIMIT.toNanos();
                while ((crashing.assignment().size() != 2 || survivor.assignment().size() != 2)
                        && System.nanoTime() - deadlineNs < 0) {
                    crashedLedger.recordAll(crashing.poll(Duration.ofMillis(100)));
                }
                Set<Integer> crashedQueues = crashing.assignment();
                assertThat(crashedQueues).hasSize(2);
                try (Producer producer = sluice.producer()) {
                    for (int queue = 0; queue < 4; queue++) {
                        for (int i = 0; i < PER_QUEUE; i++) {
                            producer.send(Message.builder("orders").queue(queue).value("m-" + i).build());
                        }
                    }
                    producer.flush();
                }
                // and the crashing member has read all of its queues but committed only half of each
                while (crashedLedger.distinctCount() < 2 * PER_QUEUE && System.nanoTime() - deadlineNs < 0) {
                    for (ReceivedMessage message : crashing.poll(Duration.ofMillis(100))) {
                        crashedLedger.record(message);
                    }
                }
                assertThat(crashedLedger.distinctCount()).isEqualTo(2 * PER_QUEUE);
                Map<Integer, Long> half = new HashMap<>();
                crashedQueues.forEach(queue -> half.put(queue, (long) PER_QUEUE / 2));
                crashing.commit(half);

                // When it dies: no commit, no LEAVE_GROUP, no more heartbeats
                long crashedAtNs = System.nanoTime();
                crashing.abort();

                // Then after its session its queues move to the survivor, which reads them from the commit
                // (its own two queues whole, the other two from the commit at half)
                await().atMost(LIMIT).until(() -> survivorLedger.distinctCount() >= 3 * PER_QUEUE);
                long movedAfterMs = (System.nanoTime() - crashedAtNs) / 1_000_000;
                assertThat(survivor.assignment()).containsExactlyInAnyOrder(0, 1, 2, 3);
                assertThat(movedAfterMs).as("queues move once the session expired").isGreaterThanOrEqualTo(
                        SESSION_TIMEOUT_MS / 2);
                int redelivered = 0;
                for (int queue : crashedQueues) {
                    for (long offset = 0; offset < PER_QUEUE; offset++) {
                        int expected = offset < PER_QUEUE / 2 ? 1 : 2;
                        int total = crashedLedger.deliveries(queue, offset) + survivorLedger.deliveries(queue, offset);
                        assertThat(total).as("deliveries of queue %d offset %d", queue, offset).isEqualTo(expected);
                        redelivered += expected - 1;
                    }
                }
                assertThat(redelivered).isEqualTo(PER_QUEUE);
                assertThat(survivorLedger.duplicateCount()).isZero();
                System.out.printf("consumer crash: %,d messages, %,d uncommitted redelivered, queues moved after %,d ms%n",
                        4 * PER_QUEUE, redelivered, movedAfterMs);
            }
        }
    }
}
