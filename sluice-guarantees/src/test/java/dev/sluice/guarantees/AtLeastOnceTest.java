package dev.sluice.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.DeliveryMode;
import dev.sluice.client.Acks;
import dev.sluice.client.Admin;
import dev.sluice.client.Message;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.SendResult;
import dev.sluice.testsupport.ChildJvm;
import dev.sluice.testsupport.ThreadLeakCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * At-least-once: producers with {@link Acks#DURABLE} under load while the broker (a child JVM) is
 * killed with {@code kill -9} and restarted on the same port and data directory, and an {@link
 * DeliveryMode#AT_LEAST_ONCE} consumer (a child JVM) killed with {@code kill -9} after processing a
 * batch but before committing it, then replaced. Every message whose send was acknowledged is
 * consumed at least once, the killed consumer's uncommitted batch is consumed again, and nothing
 * is consumed that was never sent; duplicates are counted and reported.
 */
@EnabledOnOs(OS.LINUX)
@ExtendWith(ThreadLeakCheck.class)
class AtLeastOnceTest {
    private static final String TOPIC = "orders";
    private static final String GROUP = "at-least-once";
    private static final int QUEUE_COUNT = 4;
    private static final int PRODUCER_COUNT = 4;
    private static final int PER_PRODUCER = 4_000;
    private static final int MESSAGE_COUNT = PRODUCER_COUNT * PER_PRODUCER;
    /** Unanswered sends per producer at most. */
    private static final int IN_FLIGHT_MAX = 500;
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<ChildJvm> brokers = new ArrayList<>();
    private ChildConsumers children;

    @AfterEach
    void stopEverything() {
        try {
            if (children != null) {
                children.close();
            }
        } finally {
            brokers.forEach(ChildJvm::close);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a hard bound for CI; a passing run takes 15-35 s
    void everyAcknowledgedMessageIsConsumedAfterABrokerAndAConsumerAreKilled() throws Exception {
        // Given a broker in a child JVM and a topic
        ChildJvm broker = startBroker(0);
        String bootstrap = broker.awaitLine(line -> line.startsWith(ChildBroker.BOOTSTRAP_PREFIX), LIMIT)
                .substring(ChildBroker.BOOTSTRAP_PREFIX.length());
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        try (Admin admin = Admin.create(bootstrap)) {
            admin.createTopic(TOPIC, QUEUE_COUNT);
        }
        Deliveries deliveries = new Deliveries();
        children = new ChildConsumers(dir, bootstrap, TOPIC, GROUP);
        // and a consumer that will stop, to be killed, right after processing its batch that
        // reaches 40% of the messages: before its next poll, which would have committed it
        ChildConsumers.Member first = children.start("killed", Map.of("deliveryMode", DeliveryMode.AT_LEAST_ONCE.name(),
                "crash", "after-batch", "crashAfter", Integer.toString(MESSAGE_COUNT * 2 / 5), "maxPoll", "200"),
                deliveries::onLine);

        // When four producers send with durable acks
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<Void> thirdAcknowledged = new CompletableFuture<>();
        List<CompletableFuture<Void>> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCER_COUNT; p++) {
            int producerIndex = p;
            producers.add(CompletableFuture.runAsync(
                    () -> produce(bootstrap, producerIndex, sent, acknowledged, failed, thirdAcknowledged)));
        }
        // and the broker is killed with kill -9 as soon as a third of the sends are acknowledged,
        // then started again on the same port and data directory
        thirdAcknowledged.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(broker.killHard()).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
        int acknowledgedAtBrokerKill = acknowledged.size();
        startBroker(port).awaitLine(line -> line.startsWith(ChildBroker.BOOTSTRAP_PREFIX), LIMIT);
        // and the consumer is killed with kill -9 at its crash point, and a new one takes over
        String crashPoint = first.awaitLine(ChildConsumer.CRASH_POINT, LIMIT);
        first.kill();
        List<String> uncommittedBatch = deliveries.lastBatch("killed");
        ChildConsumers.Member second = children.start("second", Map.of("deliveryMode", DeliveryMode.AT_LEAST_ONCE.name(),
                "maxPoll", "200"), deliveries::onLine);
        CompletableFuture.allOf(producers.toArray(new CompletableFuture<?>[0])).get(2 * LIMIT.toSeconds(),
                TimeUnit.SECONDS);
        long storedCount;
        try (Admin admin = Admin.create(bootstrap)) {
            // Every send has completed, so the end offsets are final: a lag of 0 means every stored
            // message was processed (AFTER_PROCESSING commits only what was processed)
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> lag(admin) == 0);
            storedCount = admin.describeTopic(TOPIC).queues().stream()
                    .mapToLong(queue -> queue.endOffset() - queue.startOffset()).sum();
        }
        second.stop();

        // Then every acknowledged message was consumed, the uncommitted batch again, and nothing unsent
        Set<String> consumed = deliveries.distinct();
        Set<String> missing = new TreeSet<>(acknowledged);
        missing.removeAll(consumed);
        Set<String> neverSent = new TreeSet<>(consumed);
        neverSent.removeAll(sent);
        List<String> notRedelivered = uncommittedBatch.stream().filter(id -> deliveries.count(id) < 2).toList();
        String report = String.format("at-least-once: %,d sent by %d producers, %,d acknowledged (%,d before the "
                + "broker kill -9), %,d failed, %,d stored; consumed %,d distinct in %,d deliveries: %,d duplicates, "
                + "of which the killed consumer's uncommitted batch %,d (%s)", sent.size(), PRODUCER_COUNT,
                acknowledged.size(), acknowledgedAtBrokerKill, failed.get(), storedCount, consumed.size(),
                deliveries.total(), deliveries.total() - consumed.size(), uncommittedBatch.size(), crashPoint);
        System.out.println(report);
        assertThat(missing).as("acknowledged but never consumed; " + report).isEmpty();
        assertThat(neverSent).as("consumed but never sent; " + report).isEmpty();
        assertThat(uncommittedBatch).as("the killed consumer's uncommitted batch; " + report).isNotEmpty();
        assertThat(notRedelivered).as("uncommitted messages of the killed consumer not consumed again; " + report)
                .isEmpty();
    }

    private ChildJvm startBroker(int port) throws IOException {
        ChildJvm broker = ChildJvm.builder(ChildBroker.class).heap("256m")
                .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .args(dir.resolve("broker").toString(), Integer.toString(port)).start();
        brokers.add(broker);
        return broker;
    }

    /**
     * Sends {@value #PER_PRODUCER} messages with ids {@code p<producer>-<n>}, at most {@value
     * #IN_FLIGHT_MAX} unanswered at a time; records each id sent and acknowledged.
     */
    private static void produce(String bootstrap, int producerIndex, Set<String> sent, Set<String> acknowledged,
            AtomicInteger failed, CompletableFuture<Void> thirdAcknowledged) {
        ProducerConfig config = ProducerConfig.builder(bootstrap).acks(Acks.DURABLE).lingerMs(2)
                .requestTimeoutMs(5_000).deliveryTimeoutMs(LIMIT.toMillis()).retryBackoffMaxMs(500).build();
        // At most IN_FLIGHT_MAX sends unanswered: the load is spread over the kill, not all queued before it
        Semaphore inFlight = new Semaphore(IN_FLIGHT_MAX);
        try (Producer producer = Producer.create(config)) {
            List<CompletableFuture<SendResult>> sends = new ArrayList<>(PER_PRODUCER);
            for (int n = 0; n < PER_PRODUCER; n++) {
                String id = "p" + producerIndex + "-" + n;
                if (!inFlight.tryAcquire(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("no answer to " + IN_FLIGHT_MAX + " sends of producer " + producerIndex
                            + " within " + LIMIT);
                }
                sent.add(id);
                sends.add(producer.send(Message.of(TOPIC, "k" + (n % 64), id)).whenComplete((result, failure) -> {
                    inFlight.release();
                    if (failure == null) {
                        acknowledged.add(id);
                        if (acknowledged.size() >= MESSAGE_COUNT / 3) {
                            thirdAcknowledged.complete(null);
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                }));
            }
            CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null).join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        }
    }

    private static long lag(Admin admin) {
        return admin.describeGroup(GROUP).queues().stream().mapToLong(Admin.QueueLag::lag).sum();
    }

    /** What the consumer children processed: how often each id, and each member's last batch. Thread-safe. */
    private static final class Deliveries {
        private final Map<String, Integer> counts = new HashMap<>();
        private final Map<String, List<String>> lastBatchByMember = new HashMap<>();
        private int total;

        synchronized void onLine(String member, String line) {
            String[] fields = line.split(" ");
            if (fields[0].equals("BATCH")) {
                lastBatchByMember.put(member, new ArrayList<>());
            } else if (fields[0].equals("D")) {
                counts.merge(fields[5], 1, Integer::sum);
                lastBatchByMember.get(member).add(fields[5]);
                total++;
            }
        }

        synchronized Set<String> distinct() {
            return Set.copyOf(counts.keySet());
        }

        synchronized int count(String id) {
            return counts.getOrDefault(id, 0);
        }

        synchronized int total() {
            return total;
        }

        synchronized List<String> lastBatch(String member) {
            return List.copyOf(lastBatchByMember.getOrDefault(member, List.of()));
        }
    }
}
