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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A broker killed with SIGKILL under load keeps every durably acknowledged message; the producer retries the rest. */
@EndToEnd
@EnabledOnOs({OS.LINUX, OS.MAC})
class BrokerCrashTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int MESSAGE_COUNT = 4_000;

    @TempDir
    Path dir;

    @Test
    void everyDurablyAcknowledgedMessageSurvivesAKillAndUnacknowledgedSendsAreRetried() throws IOException {
        AtomicInteger acknowledged = new AtomicInteger();
        Set<String> acknowledgedValues = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<CompletableFuture<SendResult>> sends = new ArrayList<>();
        String bootstrap;
        int port;
        try (ChildJvm first = startBroker(0)) {
            bootstrap = first.awaitLine(line -> line.startsWith(ChildBroker.BOOTSTRAP_PREFIX), START_TIMEOUT)
                    .substring(ChildBroker.BOOTSTRAP_PREFIX.length());
            port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            try (Producer producer = Producer.create(ProducerConfig.builder(bootstrap).acks(Acks.DURABLE).lingerMs(2)
                    .requestTimeoutMs(5_000).deliveryTimeoutMs(60_000).retryBackoffMaxMs(500).build())) {
                // Given a producer in mid-load when the broker is killed (at the 1,000th acknowledgement)
                CompletableFuture<Integer> killed = new CompletableFuture<>();
                for (int i = 0; i < MESSAGE_COUNT; i++) {
                    String value = "m-" + i;
                    sends.add(producer.send(Message.of("t", "k-" + (i % 64), value)).whenComplete((result, failure) -> {
                        if (failure == null) {
                            acknowledgedValues.add(value);
                            if (acknowledged.incrementAndGet() == MESSAGE_COUNT / 4) {
                                CompletableFuture.runAsync(() -> killed.complete(first.killHard()));
                            }
                        }
                    }));
                }
                assertThat(killed.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
                int acknowledgedAtKill = acknowledged.get();
                // When it comes back on the same port and data directory
                try (ChildJvm second = startBroker(port)) {
                    second.awaitLine(line -> line.startsWith(ChildBroker.BOOTSTRAP_PREFIX), START_TIMEOUT);
                    CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0]))
                            .handle((v, e) -> null).get(90, java.util.concurrent.TimeUnit.SECONDS);
                    long failed = sends.stream().filter(CompletableFuture::isCompletedExceptionally).count();

                    // Then every acknowledged message is there, and the unacknowledged ones were retried, not failed
                    Set<String> stored = new HashSet<>();
                    int storedCount = readAll(bootstrap, acknowledgedValues, stored);
                    assertThat(stored).containsAll(acknowledgedValues);
                    assertThat(failed).as("sends failed").isZero();
                    assertThat(acknowledged.get()).isEqualTo(MESSAGE_COUNT);
                    System.out.printf("broker kill -9: %,d sends, %,d acknowledged before the kill, %,d failed, "
                            + "%,d stored (%,d distinct, %,d duplicates from retries)%n", MESSAGE_COUNT,
                            acknowledgedAtKill, failed, storedCount, stored.size(), storedCount - stored.size());
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private ChildJvm startBroker(int port) throws IOException {
        return ChildJvm.builder(ChildBroker.class).heap("256m")
                .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .args(dir.toString(), Integer.toString(port)).start();
    }

    /** Reads the whole topic into {@code values} until it holds {@code expected}; returns the messages read. */
    private static int readAll(String bootstrap, Set<String> expected, Set<String> values) {
        int count = 0;
        try (Consumer consumer = Consumer.create(ConsumerConfig.builder(bootstrap).group("verify")
                .autoOffsetReset(OffsetReset.EARLIEST).build())) {
            consumer.subscribe("t");
            long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long quietSinceNs = System.nanoTime();
            while (System.nanoTime() - deadlineNs < 0
                    && !(values.containsAll(expected) && System.nanoTime() - quietSinceNs > 1_000_000_000L)) {
                List<ReceivedMessage> messages = consumer.poll(Duration.ofMillis(200));
                if (!messages.isEmpty()) {
                    quietSinceNs = System.nanoTime();
                }
                for (ReceivedMessage message : messages) {
                    values.add(message.valueAsString());
                    count++;
                }
            }
        }
        return count;
    }
}
