package dev.sluice.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testsupport.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kill -9 while committing: a child JVM commits offsets and reports each acknowledged commit; the
 * parent kills it after a random number of acknowledgements, reopens the broker and checks that
 * every queue's committed offset is at least the highest acknowledged one (and at most one commit
 * past it: each queue has one commit in flight). Rounds accumulate in one directory. Rounds: a
 * quarter of {@code sluice.crash.rounds} (5 by default), at least 2.
 */
class OffsetsCrashIT {
    private static final Logger LOGGER = LoggerFactory.getLogger(OffsetsCrashIT.class);

    @TempDir
    Path directory;

    @Test
    void everyAcknowledgedCommitSurvivesKill9() throws Exception {
        int rounds = Math.max(2, Integer.getInteger("sluice.crash.rounds", 20) / 4);
        long seed = Long.getLong("sluice.crash.seed", System.nanoTime());
        LOGGER.warn("offsets crash test: rounds={} seed={} (rerun with -Dsluice.crash.seed={})", rounds, seed, seed);
        Random random = new Random(seed);
        Map<Integer, Long> acknowledged = new HashMap<>();
        for (int round = 0; round < rounds; round++) {
            int killAfter = 1 + random.nextInt(400);
            AtomicInteger acks = new AtomicInteger();
            try (ChildJvm child = ChildJvm.builder(OffsetCommitter.class).args(directory.toString()).start()) {
                String open = child.awaitLine(line -> line.startsWith("OPEN"), Duration.ofSeconds(60));
                // What the child found committed at open is durable: a commit that was in flight at the
                // previous kill counts from now on, or a round without acks on a queue would allow two.
                for (String entry : open.substring("OPEN {".length(), open.length() - 1).split(", ")) {
                    if (!entry.isEmpty()) {
                        String[] parts = entry.split("=");
                        acknowledged.merge(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), Math::max);
                    }
                }
                child.awaitLine(line -> line.startsWith("ACK") && acks.incrementAndGet() >= killAfter,
                        Duration.ofSeconds(60));
                assertThat(child.killHard()).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
                for (String line : child.lines()) {
                    String[] parts = line.split(" ");
                    // A line cut by the kill is not an acknowledgement the committer saw.
                    if (parts.length == 3 && parts[0].equals("ACK")) {
                        acknowledged.merge(Integer.parseInt(parts[1]), Long.parseLong(parts[2]), Math::max);
                    }
                }
            }
            try (Broker broker = Broker.open(TestBrokers.config(directory).build())) {
                Map<Integer, Long> committed = broker.groups().committed(OffsetCommitter.GROUP, OffsetCommitter.TOPIC);
                for (Map.Entry<Integer, Long> ack : acknowledged.entrySet()) {
                    assertThat(committed.get(ack.getKey())).as("queue %d after round %d", ack.getKey(), round)
                            .isBetween(ack.getValue(), ack.getValue() + 1);
                }
            }
        }
        LOGGER.warn("offsets crash test: {} rounds, acknowledged commits all present: {}", rounds, acknowledged);
        assertThat(acknowledged).isNotEmpty();
    }
}
