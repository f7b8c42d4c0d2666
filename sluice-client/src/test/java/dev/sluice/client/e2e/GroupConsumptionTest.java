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
import dev.sluice.client.SendResult;
import dev.sluice.client.Sluice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several producers and group members at once, with members joining and leaving mid-stream. */
@EndToEnd
class GroupConsumptionTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int KEYS_PER_PRODUCER = 16;

    @TempDir
    Path dir;

    @Test
    void everyMessageOfFourProducersReachesAThreeMemberGroupOnceInKeyOrder() throws Exception {
        int producerCount = 4;
        int perProducer = 2_500;
        int total = producerCount * perProducer;
        MessageLedger ledger = new MessageLedger();
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            sluice.admin().createTopic("orders", 8);
            Supplier<Consumer> consumers = () -> sluice.consumer(b -> b.group("billing")
                    .autoOffsetReset(OffsetReset.EARLIEST).ackMode(AckMode.AFTER_PROCESSING));
            List<PollingMember> members = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                members.add(new PollingMember("c" + i, consumers, "orders", ledger, LIMIT));
            }
            try (Producer producer = sluice.producer()) {
                List<CompletableFuture<Void>> producers = new ArrayList<>();
                for (int p = 0; p < producerCount; p++) {
                    int id = p;
                    producers.add(CompletableFuture.runAsync(() -> produceKeyed(producer, id, perProducer)));
                }
                CompletableFuture.allOf(producers.toArray(new CompletableFuture<?>[0])).get();
            }

            await().atMost(LIMIT).until(() -> ledger.distinctCount() >= total);
            members.forEach(PollingMember::stop);

            assertThat(ledger.distinctCount()).isEqualTo(total);
            assertThat(ledger.keysOutOfOrder()).isEmpty();
            assertThat(ledger.duplicateCount()).as("duplicates").isZero();
            System.out.printf("many producers: %,d messages, %,d duplicates%n", ledger.distinctCount(),
                    ledger.duplicateCount());
        }
    }

    @Test
    void aMemberJoiningAndOneLeavingMidStreamLoseAndRepeatNothing() throws Exception {
        int total = 6_000;
        MessageLedger ledger = new MessageLedger();
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            sluice.admin().createTopic("orders", 8);
            Supplier<Consumer> consumers = () -> sluice.consumer(b -> b.group("billing")
                    .autoOffsetReset(OffsetReset.EARLIEST).ackMode(AckMode.AFTER_PROCESSING).maxPollMessages(50));
            List<PollingMember> members = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                members.add(new PollingMember("c" + i, consumers, "orders", ledger, LIMIT));
            }
            try (Producer producer = sluice.producer(b -> b.lingerMs(1))) {
                CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produceKeyed(producer, 0, total));

                await().atMost(LIMIT).until(() -> ledger.distinctCount() >= total / 3);
                members.add(new PollingMember("c3", consumers, "orders", ledger, LIMIT));
                await().atMost(LIMIT).until(() -> ledger.distinctCount() >= 2 * total / 3);
                members.remove(1).stop();
                producing.get();
            }

            await().atMost(LIMIT).until(() -> ledger.distinctCount() >= total);
            members.forEach(PollingMember::stop);

            assertThat(ledger.distinctCount()).isEqualTo(total);
            assertThat(ledger.keysOutOfOrder()).isEmpty();
            System.out.printf("rebalance: %,d messages, %,d duplicates%n", ledger.distinctCount(),
                    ledger.duplicateCount());
            assertThat(ledger.duplicateCount()).as("duplicates with revoke-commit").isZero();
        }
    }

    /** {@code count} messages over {@value #KEYS_PER_PRODUCER} keys of producer {@code id}; values end in their sequence. */
    static void produceKeyed(Producer producer, int id, int count) {
        List<CompletableFuture<SendResult>> sent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String key = "p" + id + "-k" + (i % KEYS_PER_PRODUCER);
            sent.add(producer.send(Message.of("orders", key, key + "-" + i)));
        }
        CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
    }
}
