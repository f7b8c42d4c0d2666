package dev.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.testsupport.ChildJvm;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kill -9 at random moments: a child JVM appends with SYNC flush and reports each acknowledged
 * batch; the parent kills it after a random number of acknowledgements, reopens the log and checks
 * that every batch ever acknowledged is present, byte-identical, at its offset, and that every
 * queue's index walks its offsets densely. Rounds accumulate in one directory, so later rounds
 * recover a log earlier rounds crashed. Rounds: {@code sluice.crash.rounds} (20; 200 under -Psoak).
 */
class CrashIT {
    private static final Logger LOGGER = LoggerFactory.getLogger(CrashIT.class);

    @TempDir
    Path directory;

    private record Ack(int queue, long baseOffset, int thread, int sequence) {}

    @Test
    void everyAcknowledgedBatchSurvivesKill9AtRandomMoments() throws Exception {
        int rounds = Integer.getInteger("sluice.crash.rounds", 20);
        long seed = Long.getLong("sluice.crash.seed", System.nanoTime());
        LOGGER.warn("crash test: rounds={} seed={} (rerun with -Dsluice.crash.seed={})", rounds, seed, seed);
        Random random = new Random(seed);
        List<Ack> acknowledged = new ArrayList<>();
        int truncations = 0;
        for (int round = 0; round < rounds; round++) {
            int killAfter = 1 + random.nextInt(random.nextBoolean() ? 50 : 1_500);
            AtomicInteger acks = new AtomicInteger();
            List<Ack> roundAcks;
            try (ChildJvm child = ChildJvm.builder(CrashTestAppender.class)
                    .args(directory.toString(), Long.toString(seed + round)).heap("256m").start()) {
                child.awaitLine(line -> line.startsWith("OPEN"), Duration.ofSeconds(60));
                child.awaitLine(line -> line.startsWith("ACK") && acks.incrementAndGet() >= killAfter,
                        Duration.ofSeconds(60));
                assertThat(child.killHard()).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
                roundAcks = parse(child.lines());
            }
            acknowledged.addAll(roundAcks);
            try (LogStore store = LogStore.open(CrashTestAppender.config(directory))) {
                if (store.recoveryReport().truncated()) {
                    truncations++;
                }
                assertThat(store.recoveryReport().cleanShutdown()).isFalse();
                checkIndexesWalkDensely(store);
                checkAcknowledged(store, acknowledged);
            }
        }
        LOGGER.warn("crash test: {} rounds, {} acknowledged batches all present, {} recoveries truncated a tail",
                rounds, acknowledged.size(), truncations);
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(rounds);
    }

    private static List<Ack> parse(List<String> lines) {
        List<Ack> acks = new ArrayList<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            // A line cut by the kill is not an acknowledgement the producer saw.
            if (parts.length == 5 && parts[0].equals("ACK")) {
                acks.add(new Ack(Integer.parseInt(parts[1]), Long.parseLong(parts[2]), Integer.parseInt(parts[3]),
                        Integer.parseInt(parts[4])));
            }
        }
        return acks;
    }

    private static void checkAcknowledged(LogStore store, List<Ack> acknowledged) {
        for (Ack ack : acknowledged) {
            QueueId queue = CrashTestAppender.QUEUES.get(ack.queue());
            ReadResult read = store.read(queue, ack.baseOffset(), 1);
            assertThat(read.batches()).as("acknowledged %s missing from %s", ack, queue).hasSize(1);
            ByteBuffer stored = read.batches().get(0);
            ByteBuffer expected = CrashTestAppender.batch(ack.thread(), ack.sequence());
            RecordBatchDescriptor.baseOffset(expected, 0, ack.baseOffset());
            assertThat(stored).as("acknowledged %s differs on disk", ack).isEqualTo(expected);
        }
    }

    /** Walks every queue densely, and checks the key index against the walk for key "key-0". */
    private static void checkIndexesWalkDensely(LogStore store) {
        Map<QueueId, Long> records = new HashMap<>();
        for (QueueId queue : store.queues()) {
            List<Long> keyed = new ArrayList<>();
            long offset = store.startOffset(queue);
            while (offset < store.endOffset(queue)) {
                ReadResult read = store.read(queue, offset, 256 * 1024);
                for (ByteBuffer batch : read.batches()) {
                    assertThat(RecordBatchDescriptor.baseOffset(batch, 0)).as("queue %s", queue).isEqualTo(offset);
                    keyed.add(0, offset); // every batch's first record has key "key-0"
                    offset += RecordBatchDescriptor.recordCount(batch, 0);
                }
            }
            records.put(queue, offset);
            assertThat(store.offsetsForKey(queue, "key-0".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Integer.MAX_VALUE)).as("key index of %s", queue).isEqualTo(keyed);
        }
        assertThat(records.keySet()).isSubsetOf(CrashTestAppender.QUEUES);
    }
}
