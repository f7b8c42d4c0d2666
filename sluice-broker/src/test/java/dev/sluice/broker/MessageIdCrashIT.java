package dev.sluice.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testsupport.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a broker storing message ids: a child JVM appends batches of ids with durable acks and
 * is killed mid-run; the reopened broker (window rebuilt from the recovered log) is sent every id
 * again, on another queue than before: each id acknowledged before the kill comes back as a
 * duplicate, and the topic ends up holding every id exactly once.
 */
class MessageIdCrashIT {
    @TempDir
    Path directory;

    @Test
    void idsAcknowledgedBeforeAKillAreStillDuplicatesAfterRecovery() throws Exception {
        int acknowledged = -1;
        AtomicInteger acks = new AtomicInteger();
        try (ChildJvm child = ChildJvm.builder(MessageIdProducer.class).args(directory.toString()).start()) {
            child.awaitLine(line -> line.startsWith("OPEN"), Duration.ofSeconds(60));
            child.awaitLine(line -> line.startsWith("ACK") && acks.incrementAndGet() >= 300, Duration.ofSeconds(60));
            assertThat(child.killHard()).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
            for (String line : child.lines()) {
                String[] parts = line.split(" ");
                if (parts.length == 2 && parts[0].equals("ACK")) {
                    acknowledged = Math.max(acknowledged, Integer.parseInt(parts[1]));
                }
            }
        }
        assertThat(acknowledged).isGreaterThanOrEqualTo(599);
        int resent = acknowledged + 1 + 20;
        try (Broker broker = Broker.open(TestBrokers.config(directory).build())) {
            int duplicates = 0;
            for (int i = 0; i < resent; i += 2) {
                ProduceResult result = broker.produce(MessageIdProducer.TOPIC, (i / 2 + 1) % MessageIdProducer.QUEUE_COUNT,
                        MessageIdWindowTest.batch(-1, -1, System.currentTimeMillis(), "id-" + i, "id-" + (i + 1)),
                        Acks.LEADER).join();
                duplicates += result.duplicates().size();
                if (i + 1 <= acknowledged) {
                    assertThat(result.duplicates()).as("ids %d and %d", i, i + 1).hasSize(2);
                }
            }
            Set<String> stored = new HashSet<>();
            long storedCount = 0;
            for (int queue = 0; queue < MessageIdProducer.QUEUE_COUNT; queue++) {
                List<String> values = TestBrokers.values(broker.read(MessageIdProducer.TOPIC, queue, 0, 64 << 20).batches());
                storedCount += values.size();
                stored.addAll(values);
                assertThat(broker.describeTopic(MessageIdProducer.TOPIC).queues().get(queue).endOffset())
                        .isEqualTo(values.size());
            }
            assertThat(storedCount).as("records stored").isEqualTo(stored.size());
            assertThat(stored).hasSize(resent);
            assertThat(duplicates).isGreaterThanOrEqualTo(acknowledged + 1);
        }
    }
}
