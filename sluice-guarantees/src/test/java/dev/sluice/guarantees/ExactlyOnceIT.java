package dev.sluice.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.EmbeddedSluice;
import dev.sluice.client.IdempotentConsumer;
import dev.sluice.client.Message;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.Sluice;
import dev.sluice.record.ReservedHeaders;
import dev.sluice.testsupport.ChildJvm;
import dev.sluice.testsupport.ThreadLeakCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once, fault 3 of issue 4: a proxy between producer and broker drops PRODUCE answers
 * (the producer resends), and the consuming {@link IdempotentConsumer}, in a child JVM, is
 * {@code kill -9}ed several times right after a database commit and before its ack — the
 * database ends with each of 100,000 messages applied exactly once.
 */
@ExtendWith(ThreadLeakCheck.class)
class ExactlyOnceIT {
    private static final int MESSAGE_COUNT = 100_000;
    private static final String TOPIC = "payments";
    private static final String GROUP = "ledger";
    private static final int QUEUE_COUNT = 4;
    /** Every this many acknowledged PRODUCE requests, the proxy swallows the answer and cuts the connection. */
    private static final int DROP_EVERY_NTH = 7;
    private static final int KILL_ROUNDS = 5;
    /** A killed child pauses after 1 to this many of its own commits. */
    private static final int PAUSE_AT_COMMIT_MAX = 5_000;
    private static final Duration CHILD_LIMIT = Duration.ofSeconds(60);
    private static final Pattern DUPLICATES = Pattern.compile("duplicates=(\\d+)");

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void eachMessageIsAppliedOnceDespiteDroppedProduceAcksAndConsumersKilledBetweenCommitAndAck() throws Exception {
        long seed = Long.getLong("sluice.crash.seed", System.nanoTime());
        System.out.println("exactly-once test seed=" + seed + " (rerun with -Dsluice.crash.seed=" + seed + ")");
        Random random = new Random(seed);
        DataSource database = AppliedMessages.dataSource(dir);
        AppliedMessages.create(database);

        try (EmbeddedSluice sluice = Sluice.embedded(dir.resolve("broker")); Admin admin = sluice.admin()) {
            admin.createTopic(TOPIC, QUEUE_COUNT);

            // Given 100,000 messages sent through a proxy that loses acks (the producer resends)
            long startNs = System.nanoTime();
            long[] proxyCounts = produceThroughAckDroppingProxy(sluice);
            long stored = admin.describeTopic(TOPIC).queues().stream().mapToLong(Admin.QueueOffsets::endOffset).sum();
            assertThat(proxyCounts[1]).as("answers dropped").isPositive();
            assertThat(stored).as("stored once each: the idempotent producer de-duplicated the resends")
                    .isEqualTo(MESSAGE_COUNT);

            // When consumers are killed right after a DB commit, before the ack, and restarted
            long producedNs = System.nanoTime();
            long duplicates = 0;
            StringBuilder rounds = new StringBuilder();
            for (int round = 0; round < KILL_ROUNDS; round++) {
                int pauseAtCommit = 1 + random.nextInt(PAUSE_AT_COMMIT_MAX);
                long roundStartNs = System.nanoTime();
                try (ChildJvm child = startConsumer(sluice, pauseAtCommit)) {
                    child.awaitLine(line -> line.startsWith(IdempotentConsumerChild.SUBSCRIBED), CHILD_LIMIT);
                    long subscribedNs = System.nanoTime();
                    String paused = child.awaitLine(line -> line.startsWith(IdempotentConsumerChild.PAUSED),
                            CHILD_LIMIT);
                    assertThat(child.killHard()).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
                    duplicates += duplicatesIn(paused);
                    rounds.append(String.format("  round %d: subscribed after %,d ms, killed at commit %,d after %,d ms"
                            + " (%s)%n", round, (subscribedNs - roundStartNs) / 1_000_000, pauseAtCommit,
                            (System.nanoTime() - subscribedNs) / 1_000_000, paused));
                }
            }
            long appliedBeforeLastRun = AppliedMessages.query(database, "SELECT COUNT(*) FROM " + AppliedMessages.TABLE);
            // and a last one runs until everything is applied and acknowledged
            long killedNs = System.nanoTime();
            try (ChildJvm child = startConsumer(sluice, 0)) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
                        appliedCount(database) == MESSAGE_COUNT && allCommitted(admin));
                List<String> lines = child.lines();
                duplicates += duplicatesIn(lines.stream().filter(l -> l.startsWith(IdempotentConsumerChild.STATS))
                        .reduce((first, second) -> second).orElseThrow());
            }
            long doneNs = System.nanoTime();

            // Then each message was applied exactly once
            assertThat(AppliedMessages.query(database, "SELECT COUNT(*) FROM " + AppliedMessages.TABLE))
                    .as("messages applied").isEqualTo(MESSAGE_COUNT);
            assertThat(AppliedMessages.query(database, "SELECT SUM(applied_count) FROM " + AppliedMessages.TABLE))
                    .as("applications in all").isEqualTo(MESSAGE_COUNT);
            assertThat(AppliedMessages.query(database, "SELECT MAX(applied_count) FROM " + AppliedMessages.TABLE))
                    .as("most applications of one message").isEqualTo(1);
            assertThat(AppliedMessages.query(database, "SELECT COUNT(*) FROM "
                    + IdempotentConsumer.DEFAULT_DEDUP_TABLE)).isEqualTo(MESSAGE_COUNT);
            assertThat(duplicates).as("each kill left at least its paused message committed and not acked")
                    .isGreaterThanOrEqualTo(KILL_ROUNDS);
            System.out.printf("exactly-once: %,d messages; %,d PRODUCE requests, %,d answers dropped, %,d stored;"
                    + " %d consumers killed between commit and ack (%,d applied before the last run),"
                    + " %,d duplicates skipped; each applied once (produce %,d ms, kill rounds %,d ms, last run %,d ms)%n",
                    MESSAGE_COUNT, proxyCounts[0], proxyCounts[1], stored, KILL_ROUNDS, appliedBeforeLastRun,
                    duplicates, (producedNs - startNs) / 1_000_000, (killedNs - producedNs) / 1_000_000,
                    (doneNs - killedNs) / 1_000_000);
            System.out.print(rounds);
        }
    }

    /** Sends every message through an {@link AckDroppingProxy}; returns {PRODUCE requests, answers dropped}. */
    private static long[] produceThroughAckDroppingProxy(EmbeddedSluice sluice) throws Exception {
        String[] hostPort = sluice.bootstrap().split(":");
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (AckDroppingProxy proxy = new AckDroppingProxy(
                new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), DROP_EVERY_NTH)) {
            try (Producer producer = Producer.create(ProducerConfig.builder(proxy.bootstrap())
                    .retryBackoffMs(10).retryBackoffMaxMs(100).build())) {
                for (int i = 0; i < MESSAGE_COUNT; i++) {
                    producer.send(Message.builder(TOPIC).key("account-" + (i % 1_000)).value("payment " + i)
                            .header(ReservedHeaders.MESSAGE_ID, "payment-" + i).build())
                            .whenComplete((result, failure) -> {
                                if (failure != null) {
                                    failures.add(failure);
                                }
                            });
                }
                producer.flush();
            }
            assertThat(failures).as("sends that failed").isEmpty();
            return new long[] {proxy.produceRequestCount(), proxy.droppedAnswerCount()};
        }
    }

    private ChildJvm startConsumer(EmbeddedSluice sluice, int pauseAtCommit) throws IOException {
        return ChildJvm.builder(IdempotentConsumerChild.class)
                .args(sluice.bootstrap(), dir.toString(), TOPIC, GROUP, Integer.toString(pauseAtCommit))
                .start();
    }

    private static long duplicatesIn(String line) {
        Matcher matcher = DUPLICATES.matcher(line);
        assertThat(matcher.find()).as("duplicates in %s", line).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static long appliedCount(DataSource database) throws SQLException {
        return AppliedMessages.query(database, "SELECT COUNT(*) FROM " + AppliedMessages.TABLE);
    }

    /** Whether the group has committed every queue up to its end: every message acknowledged. */
    private static boolean allCommitted(Admin admin) {
        List<Admin.QueueLag> queues = admin.describeGroup(GROUP).queues();
        return queues.size() == QUEUE_COUNT && queues.stream().allMatch(q -> q.committedOffset() == q.endOffset());
    }
}
