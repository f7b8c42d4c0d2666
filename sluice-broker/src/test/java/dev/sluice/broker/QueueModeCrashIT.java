package dev.sluice.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testsupport.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kill -9 of a broker in queue mode: a child JVM ({@link QueueReceiverChild}) receives, acks and nacks
 * at random; the parent kills it after a random number of acks, over several rounds in one directory,
 * then reopens the broker with a clock an hour ahead (every visibility deadline has passed) and
 * drains the group. A process crash keeps the page cache, and an ack completes once its state
 * record is written, so the assertions are exact: no acknowledged message is ever delivered again;
 * every redelivery has a delivery count above every count the child saw for that message
 * (acquisitions are written before a receive is answered); and in the end every record is done,
 * acknowledged by the child or by the drain (or by an ack of the child's whose line the kill cut
 * off: a record it had received). A machine crash could lose the unflushed tail of the
 * state topic (written, not fsynced): that would redeliver, never lose, and is not simulated here.
 * Rounds: a quarter of {@code sluice.crash.rounds} (20 by default), at least 2.
 */
class QueueModeCrashIT {
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueModeCrashIT.class);
    private static final int DRAIN_ROUNDS_MAX = 1_000;

    @TempDir
    Path directory;

    @Test
    void nothingAcknowledgedIsRedeliveredAndDeliveryCountsSurviveKill9() throws Exception {
        int rounds = Math.max(2, Integer.getInteger("sluice.crash.rounds", 20) / 4);
        long seed = Long.getLong("sluice.crash.seed", System.nanoTime());
        LOGGER.warn("queue mode crash test: rounds={} seed={} (rerun with -Dsluice.crash.seed={})", rounds, seed, seed);
        Random random = new Random(seed);
        Set<List<Long>> acknowledged = new HashSet<>();
        Map<List<Long>, Integer> countSeen = new HashMap<>();
        for (int round = 0; round < rounds; round++) {
            int killAfter = 10 + random.nextInt(80);
            AtomicInteger acks = new AtomicInteger();
            try (ChildJvm child = ChildJvm.builder(QueueReceiverChild.class)
                    .args(directory.toString(), Long.toString(random.nextLong())).start()) {
                child.awaitLine(line -> line.startsWith("OPEN"), Duration.ofSeconds(60));
                child.awaitLine(line -> line.startsWith("ACKED") && acks.incrementAndGet() >= killAfter,
                        Duration.ofSeconds(60));
                assertThat(child.killHard()).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
                for (String line : child.lines()) {
                    String[] parts = line.split(" ");
                    // A line cut by the kill is not something the child saw completed.
                    if (parts.length != 4) {
                        continue;
                    }
                    List<Long> key = List.of(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
                    int count = Integer.parseInt(parts[3]);
                    if (parts[0].equals("RECV")) {
                        assertThat(acknowledged).as("round %d: %s delivered after it was acked", round, key)
                                .doesNotContain(key);
                        assertThat(count).as("round %d: delivery count of %s", round, key)
                                .isGreaterThan(countSeen.getOrDefault(key, 0));
                        countSeen.put(key, count);
                    } else if (parts[0].equals("ACKED")) {
                        assertThat(acknowledged.add(key)).as("round %d: %s acked twice", round, key).isTrue();
                    }
                }
            }
        }
        ManualClock later = new ManualClock(System.currentTimeMillis() + 3_600_000);
        int drained = 0;
        try (Broker broker = Broker.open(TestBrokers.config(directory).build(), later)) {
            for (int i = 0; i < DRAIN_ROUNDS_MAX; i++) {
                QueueReceiveResult result = broker.queueGroups().receive(new QueueReceiveRequest(
                        QueueReceiverChild.GROUP, QueueReceiverChild.TOPIC, new QueueGroupSettings(1_000, null, false),
                        1_000, 1 << 24, QueueReceiverChild.VISIBILITY_MS, 0)).get(10, TimeUnit.SECONDS);
                if (result.queues().isEmpty()) {
                    break;
                }
                for (QueueDeliveries queue : result.queues()) {
                    for (QueueDelivery delivery : queue.deliveries()) {
                        List<Long> key = List.of((long) queue.queue(), delivery.offset());
                        assertThat(acknowledged).as("%s redelivered after it was acked", key).doesNotContain(key);
                        assertThat(delivery.deliveryCount()).as("delivery count of %s after the crash", key)
                                .isGreaterThan(countSeen.getOrDefault(key, 0));
                        assertThat(broker.queueGroups().acknowledge(QueueReceiverChild.GROUP, QueueReceiverChild.TOPIC,
                                List.of(QueueAck.ack(queue.queue(), delivery.offset(), delivery.deliveryCount())))
                                .get(10, TimeUnit.SECONDS).get(0).error()).isNull();
                        acknowledged.add(key);
                        drained++;
                    }
                }
            }
            for (QueueGroupQueue queue : broker.queueGroups().describe(QueueReceiverChild.GROUP).queues()) {
                assertThat(queue.startOffset()).as("queue %d fully done", queue.queue())
                        .isEqualTo(QueueReceiverChild.RECORDS_PER_QUEUE);
            }
        }
        // An ack whose state was written just before the kill, but whose ACKED line was not printed, is
        // done without the parent knowing: such records were received in the round's last receive (at
        // most 8 a round) and are neither reported nor drained. Every other record was acked once.
        Set<List<Long>> unreported = new HashSet<>();
        for (long queue = 0; queue < QueueReceiverChild.QUEUE_COUNT; queue++) {
            for (long offset = 0; offset < QueueReceiverChild.RECORDS_PER_QUEUE; offset++) {
                if (!acknowledged.contains(List.of(queue, offset))) {
                    unreported.add(List.of(queue, offset));
                }
            }
        }
        assertThat(unreported).as("done but never reported acked").hasSizeLessThanOrEqualTo(rounds * 8)
                .allSatisfy(key -> assertThat(countSeen).as("%s was received by the child", key).containsKey(key));
        LOGGER.warn("queue mode crash test: {} rounds, {} acked by the child, {} drained after", rounds,
                acknowledged.size() - drained, drained);
    }
}
