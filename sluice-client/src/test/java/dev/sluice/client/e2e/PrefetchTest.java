package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.client.AckMode;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.EmbeddedSluice;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.Sluice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer fetches ahead while the application works: what it fetched ahead never moves a
 * position, and a seek, a revocation or a close drops it.
 */
@EndToEnd
class PrefetchTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aSeekAfterAPrefetchReturnsMessagesFromTheSeekPositionOnly() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir); Admin admin = sluice.admin()) {
            admin.createTopic("t", 1);
            produce(sluice.producer(), 0, 1_000);
            Consumer consumer = sluice.consumer(b -> b.group("g").ackMode(AckMode.MANUAL)
                    .autoOffsetReset(OffsetReset.EARLIEST).maxPollMessages(100).fetchMaxBytes(16 * 1024)
                    .queueFetchMaxBytes(16 * 1024));
            consumer.subscribe("t");
            List<ReceivedMessage> first = pollCount(consumer, 300);
            assertThat(first.get(299).offset()).isEqualTo(299);

            consumer.seek(0, 40);
            List<ReceivedMessage> afterSeek = pollCount(consumer, 200);

            assertThat(afterSeek).extracting(ReceivedMessage::offset)
                    .containsExactlyElementsOf(range(40, 240));
            assertThat(afterSeek.get(0).valueAsString()).isEqualTo("m-40");
            assertThat(consumer.position(0)).isEqualTo(240);

            consumer.seekToBeginning();
            assertThat(pollCount(consumer, 200)).extracting(ReceivedMessage::offset)
                    .containsExactlyElementsOf(range(0, 200));
        }
    }

    @Test
    void aRevokedQueuesPrefetchedMessagesGoToTheNewOwnerNoneLostNoneTwice() {
        int perQueue = 20_000;
        MessageLedger first = new MessageLedger();
        MessageLedger second = new MessageLedger();
        // Heartbeats every 50 ms: the owner learns of the revocation long before it has read both queues.
        try (EmbeddedSluice sluice = Sluice.embedded(dir, Map.of("groups.heartbeatInterval", "50ms"))) {
            sluice.admin().createTopic("t", 2);
            Producer producer = sluice.producer(b -> b.lingerMs(1));
            for (int i = 0; i < perQueue; i++) {
                producer.send(Message.builder("t").queue(0).value("a-" + i).build());
                producer.send(Message.builder("t").queue(1).value("b-" + i).build());
            }
            producer.flush();
            // A long session: this test is about revocation; on a loaded machine a 10 s session can expire,
            // and an expired member's uncommitted messages are rightly delivered again (at-least-once).
            Supplier<Consumer> consumers = () -> sluice.consumer(b -> b.group("g").sessionTimeoutMs(120_000)
                    .autoOffsetReset(OffsetReset.EARLIEST).ackMode(AckMode.AFTER_PROCESSING).maxPollMessages(5));
            Consumer owner = consumers.get();
            owner.subscribe("t");
            long deadlineNs = System.nanoTime() + LIMIT.toNanos();
            while (first.distinctCount() < 30 && System.nanoTime() - deadlineNs < 0) {
                first.recordAll(owner.poll(Duration.ofMillis(200)));
            }
            assertThat(owner.assignment()).containsExactlyInAnyOrder(0, 1);

            try (PollingMember joiner = new PollingMember("joiner", consumers, "t", second, LIMIT)) {
                // The owner does not poll until the joiner is in: its next poll revokes a queue whose
                // fetched-ahead messages are buffered.
                await().atMost(LIMIT).until(() -> sluice.admin().describeGroup("g").members().size() == 2);
                // The owner works slowly (5 per poll) with fetched-ahead data of both queues buffered.
                while (first.distinctCount() + second.distinctCount() < 2 * perQueue
                        && System.nanoTime() - deadlineNs < 0) {
                    first.recordAll(owner.poll(Duration.ofMillis(100)));
                }
                owner.close();
            }

            assertThat(second.distinctCount()).as("messages the new owner got").isPositive();
            for (int queue = 0; queue < 2; queue++) {
                for (long offset = 0; offset < perQueue; offset++) {
                    assertThat(first.deliveries(queue, offset) + second.deliveries(queue, offset))
                            .as("deliveries of queue %d offset %d", queue, offset).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void closingWithAParkedPrefetchReturnsPromptly() {
        try (TestServer server = TestServer.start(dir, Map.of());
                Admin admin = Admin.create(server.bootstrap());
                Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).lingerMs(0).build())) {
            admin.createTopic("t", 1);
            produce(producer, 0, 5);
            Consumer consumer = Consumer.create(ConsumerConfig.builder(server.bootstrap()).group("g")
                    .autoOffsetReset(OffsetReset.EARLIEST).fetchMaxWaitMs(30_000).build());
            consumer.subscribe("t");
            assertThat(pollCount(consumer, 5)).hasSize(5);
            // The poll that returned the messages left a prefetch for offset 5, which parks: nothing is there.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.health().parkedFetches() >= 1);

            assertTimeoutPreemptively(Duration.ofSeconds(10), consumer::close,
                    "close waited for the parked prefetch (fetchMaxWaitMs 30,000)");
        }
    }

    @Test
    void aPrefetchedAnswerDoesNotMovePositionsOrCommits() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir); Admin admin = sluice.admin()) {
            admin.createTopic("t", 1);
            produce(sluice.producer(), 0, 1_000);
            Consumer consumer = sluice.consumer(b -> b.group("g").ackMode(AckMode.BEFORE_PROCESSING)
                    .autoOffsetReset(OffsetReset.EARLIEST).maxPollMessages(100).fetchMaxBytes(8 * 1024)
                    .queueFetchMaxBytes(8 * 1024));
            consumer.subscribe("t");
            List<ReceivedMessage> taken = pollCount(consumer, 100);
            long next = taken.get(taken.size() - 1).offset() + 1;

            assertThat(consumer.position(0)).isEqualTo(next);
            assertThat(admin.describeGroup("g").queues().get(0).committedOffset()).isEqualTo(next);
        }
    }

    private static void produce(Producer producer, int from, int count) {
        for (int i = from; i < from + count; i++) {
            producer.send(Message.of("t", "m-" + i));
        }
        producer.flush();
    }

    private static List<ReceivedMessage> pollCount(Consumer consumer, int count) {
        List<ReceivedMessage> all = new ArrayList<>();
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (all.size() < count && System.nanoTime() - deadlineNs < 0) {
            all.addAll(consumer.poll(Duration.ofMillis(200)));
        }
        return all;
    }

    private static List<Long> range(long from, long to) {
        List<Long> offsets = new ArrayList<>();
        for (long offset = from; offset < to; offset++) {
            offsets.add(offset);
        }
        return offsets;
    }
}
