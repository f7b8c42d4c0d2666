package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.Acks;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.SendResult;
import dev.sluice.testsupport.ChildJvm;
import java.io.IOException;
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
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a broker under load from an idempotent producer with durable acks: restarted on the
 * same data directory, it rebuilds the producer state from the log, the producer's retries of
 * batches whose answers were lost are recognised as duplicates, and every message is stored exactly
 * once, in send order per key.
 */
@EndToEnd
@EnabledOnOs({OS.LINUX, OS.MAC})
class IdempotentBrokerCrashTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int MESSAGE_COUNT = 6_000;
    private static final int KEY_COUNT = 40;

    @TempDir
    Path dir;

    @Test
    void everyMessageIsStoredExactlyOnceInOrderPerKeyAcrossAKill() throws Exception {
        AtomicInteger acknowledged = new AtomicInteger();
        List<CompletableFuture<SendResult>> sends = new ArrayList<>();
        try (ChildJvm first = startBroker(0)) {
            String bootstrap = first.awaitLine(line -> line.startsWith(ChildBroker.BOOTSTRAP_PREFIX), START_TIMEOUT)
                    .substring(ChildBroker.BOOTSTRAP_PREFIX.length());
            int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            try (Producer producer = Producer.create(ProducerConfig.builder(bootstrap).acks(Acks.DURABLE).lingerMs(2)
                    .requestTimeoutMs(5_000).deliveryTimeoutMs(90_000).retryBackoffMaxMs(500).build())) {
                // Given an idempotent producer in mid-load when the broker is killed
                CompletableFuture<Integer> killed = new CompletableFuture<>();
                for (int i = 0; i < MESSAGE_COUNT; i++) {
                    sends.add(producer.send(Message.of("t", "k-" + (i % KEY_COUNT), Integer.toString(i / KEY_COUNT)))
                            .whenComplete((result, failure) -> {
                                if (failure == null && acknowledged.incrementAndGet() == MESSAGE_COUNT / 3) {
                                    CompletableFuture.runAsync(() -> killed.complete(first.killHard()));
                                }
                            }));
                }
                assertThat(killed.get(60, TimeUnit.SECONDS)).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
                // When it comes back on the same port and data directory
                try (ChildJvm second = startBroker(port)) {
                    second.awaitLine(line -> line.startsWith(ChildBroker.BOOTSTRAP_PREFIX), START_TIMEOUT);
                    CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);

                    // Then each message is stored once, and per key in send order
                    Map<String, Integer> lastPerKey = new HashMap<>();
                    int read = 0;
                    try (Consumer consumer = Consumer.create(ConsumerConfig.builder(bootstrap).group("verify")
                            .autoOffsetReset(OffsetReset.EARLIEST).build())) {
                        consumer.subscribe("t");
                        long deadlineNs = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                        long quietSinceNs = System.nanoTime();
                        while (System.nanoTime() - deadlineNs < 0
                                && !(read >= MESSAGE_COUNT && System.nanoTime() - quietSinceNs > 1_000_000_000L)) {
                            List<ReceivedMessage> messages = consumer.poll(Duration.ofMillis(200));
                            if (!messages.isEmpty()) {
                                quietSinceNs = System.nanoTime();
                            }
                            for (ReceivedMessage message : messages) {
                                int sequence = Integer.parseInt(message.valueAsString());
                                Integer last = lastPerKey.put(message.keyAsString(), sequence);
                                assertThat(sequence).as("key %s", message.keyAsString())
                                        .isEqualTo(last == null ? 0 : last + 1);
                                read++;
                            }
                        }
                    }
                    assertThat(read).as("messages stored").isEqualTo(MESSAGE_COUNT);
                    assertThat(lastPerKey).hasSize(KEY_COUNT).allSatisfy((key, last) ->
                            assertThat(last).isEqualTo(MESSAGE_COUNT / KEY_COUNT - 1));
                }
            }
        }
    }

    private ChildJvm startBroker(int port) throws IOException {
        return ChildJvm.builder(ChildBroker.class).heap("256m")
                .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .args(dir.toString(), Integer.toString(port)).start();
    }
}
