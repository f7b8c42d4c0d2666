package dev.sluice.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.DeliveryMode;
import dev.sluice.client.Admin;
import dev.sluice.client.EmbeddedSluice;
import dev.sluice.client.Message;
import dev.sluice.client.Producer;
import dev.sluice.client.Sluice;
import dev.sluice.testsupport.ThreadLeakCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * At-most-once ({@link DeliveryMode#AT_MOST_ONCE}, which acks before processing): consumers in child JVMs are killed with {@code
 * kill -9} in the middle of a polled batch — some of its messages processed, the rest not — and a
 * new consumer of the group carries on. No message is ever processed twice; the messages lost are
 * exactly the unprocessed rest of each killed batch (their positions were committed before
 * processing), and processed + lost = sent.
 *
 * <p>The broker runs in this JVM (it is not the process killed).
 */
@EnabledOnOs(OS.LINUX)
@ExtendWith(ThreadLeakCheck.class)
class AtMostOnceTest {
    private static final String TOPIC = "events";
    private static final int QUEUE_COUNT = 4;
    private static final int MESSAGE_COUNT = 10_000;
    /** Consumers killed, one after the other, each after processing this many messages. */
    private static final int KILL_COUNT = 3;
    private static final int PROCESSED_BEFORE_KILL = 2_000;
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** The delivery mode under test (ack before processing). */
    private static final DeliveryMode MODE = DeliveryMode.AT_MOST_ONCE;

    @TempDir
    Path dir;

    private EmbeddedSluice sluice;
    private ChildConsumers children;

    @AfterEach
    void stopEverything() {
        try {
            if (children != null) {
                children.close();
            }
        } finally {
            if (sluice != null) {
                sluice.close();
            }
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a hard bound for CI; a passing run takes 15-35 s
    void consumersKilledMidBatchNeverProcessAMessageTwiceAndLoseOnlyTheRestOfTheirBatch() {
        // Given a topic holding 10,000 messages with ids 0..9,999
        sluice = Sluice.embedded(dir.resolve("broker"));
        try (Admin admin = sluice.admin(); Producer producer = sluice.producer()) {
            admin.createTopic(TOPIC, QUEUE_COUNT);
            for (int id = 0; id < MESSAGE_COUNT; id++) {
                producer.send(Message.of(TOPIC, "k" + (id % 64), Integer.toString(id)));
            }
            producer.flush();
        }
        Map<Integer, Integer> processed = new ConcurrentHashMap<>();
        // The ids killed consumers received in their last batch but did not process
        ConcurrentLinkedQueue<Integer> skipped = new ConcurrentLinkedQueue<>();
        children = new ChildConsumers(dir, sluice.bootstrap(), TOPIC, "at-most-once");

        // When three consumers in turn are killed with kill -9 halfway through a batch
        List<String> crashPoints = new ArrayList<>();
        for (int round = 0; round < KILL_COUNT; round++) {
            ChildConsumers.Member member = children.start("killed-" + round, Map.of("deliveryMode", MODE.name(),
                    "crash", "mid-batch", "crashAfter", Integer.toString(PROCESSED_BEFORE_KILL), "maxPoll", "100"),
                    (name, line) -> record(line, processed, skipped));
            crashPoints.add(member.awaitLine(ChildConsumer.CRASH_POINT, LIMIT));
            member.kill();
        }
        // and a last consumer reads the rest (the group's lag reaches 0), then stops gracefully
        ChildConsumers.Member last = children.start("last", Map.of("deliveryMode", MODE.name(), "maxPoll", "100"),
                (name, line) -> record(line, processed, skipped));
        try (Admin admin = sluice.admin()) {
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> lag(admin) == 0);
        }
        last.stop();

        // Then: nothing processed twice, and what was lost is exactly the unprocessed rest of the killed batches
        Map<Integer, Integer> duplicates = new TreeMap<>();
        processed.forEach((id, count) -> {
            if (count > 1) {
                duplicates.put(id, count);
            }
        });
        Set<Integer> lost = new HashSet<>();
        for (int id = 0; id < MESSAGE_COUNT; id++) {
            if (!processed.containsKey(id)) {
                lost.add(id);
            }
        }
        String report = String.format("at-most-once: %,d sent, %,d processed, %,d lost, %,d processed twice, "
                + "%d consumers killed mid-batch (%s)", MESSAGE_COUNT, processed.size(), lost.size(), duplicates.size(),
                KILL_COUNT, String.join("; ", crashPoints));
        System.out.println(report);
        assertThat(duplicates).as("messages processed more than once (id=count); " + report).isEmpty();
        assertThat(processed.keySet()).as("only sent ids; " + report).allMatch(id -> id >= 0 && id < MESSAGE_COUNT);
        assertThat(lost).as("lost = the unprocessed rest of the killed batches; " + report)
                .containsExactlyInAnyOrderElementsOf(skipped);
        assertThat(processed.size() + lost.size()).as(report).isEqualTo(MESSAGE_COUNT);
        assertThat(lost).as("each kill lost part of its batch; " + report).hasSizeGreaterThanOrEqualTo(KILL_COUNT);
    }

    private static void record(String line, Map<Integer, Integer> processed, ConcurrentLinkedQueue<Integer> skipped) {
        String[] fields = line.split(" ");
        if (fields[0].equals("D")) {
            processed.merge(Integer.parseInt(fields[5]), 1, Integer::sum);
        } else if (fields[0].equals("SKIPPED")) {
            skipped.add(Integer.parseInt(fields[4]));
        }
    }

    private static long lag(Admin admin) {
        return admin.describeGroup("at-most-once").queues().stream().mapToLong(Admin.QueueLag::lag).sum();
    }
}
