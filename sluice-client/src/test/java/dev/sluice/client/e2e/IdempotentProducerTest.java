package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.SendResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idempotent producer (on by default) across a broker restart: each message stored once, in order per key. */
@EndToEnd
class IdempotentProducerTest {
    private static final int MESSAGE_COUNT = 10_000;
    private static final int KEY_COUNT = 50;

    @TempDir
    Path dir;

    @Test
    void messagesSentAcrossABrokerRestartAreStoredExactlyOnceInOrderPerKey() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of())) {
            List<CompletableFuture<SendResult>> sends = new ArrayList<>();
            AtomicInteger acknowledged = new AtomicInteger();
            CompletableFuture<Void> restarted = new CompletableFuture<>();
            try (Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).lingerMs(2)
                    .requestTimeoutMs(5_000).deliveryTimeoutMs(60_000).retryBackoffMaxMs(200).build())) {
                // Given a producer in mid-load when the broker restarts (at the 3,000th acknowledgement)
                for (int i = 0; i < MESSAGE_COUNT; i++) {
                    int key = i % KEY_COUNT;
                    sends.add(producer.send(Message.of("t", "k-" + key, Integer.toString(i / KEY_COUNT)))
                            .whenComplete((result, failure) -> {
                                if (failure == null && acknowledged.incrementAndGet() == 3_000) {
                                    CompletableFuture.runAsync(() -> {
                                        server.stop();
                                        server.startAgain();
                                        restarted.complete(null);
                                    });
                                }
                            }));
                }
                producer.flush();
                restarted.get(60, TimeUnit.SECONDS);
                CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            }

            // Then the broker stored each message once, and per key they arrive in send order
            assertThat(server.endOffsetSum("t")).isEqualTo(MESSAGE_COUNT);
            Map<String, Integer> lastPerKey = new HashMap<>();
            int read = 0;
            try (Consumer consumer = Consumer.create(ConsumerConfig.builder(server.bootstrap()).group("verify")
                    .autoOffsetReset(OffsetReset.EARLIEST).build())) {
                consumer.subscribe("t");
                long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (read < MESSAGE_COUNT && System.nanoTime() - deadlineNs < 0) {
                    for (ReceivedMessage message : consumer.poll(Duration.ofMillis(200))) {
                        int sequence = Integer.parseInt(message.valueAsString());
                        Integer last = lastPerKey.put(message.keyAsString(), sequence);
                        assertThat(sequence).as("key %s", message.keyAsString()).isEqualTo(last == null ? 0 : last + 1);
                        read++;
                    }
                }
            }
            assertThat(read).isEqualTo(MESSAGE_COUNT);
            assertThat(lastPerKey).hasSize(KEY_COUNT).allSatisfy((key, last) ->
                    assertThat(last).isEqualTo(MESSAGE_COUNT / KEY_COUNT - 1));
        }
    }
}
