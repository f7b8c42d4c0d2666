package dev.sluice.guarantees;

import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.IdempotentConsumer;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.SluiceException;
import dev.sluice.record.ReservedHeaders;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * An {@link IdempotentConsumer} in a child JVM for {@link ExactlyOnceIT}:
 * {@code IdempotentConsumerChild <bootstrap> <dbDir> <topic> <group> <pauseAtCommit>} applies each
 * message to {@link AppliedMessages} and prints {@value #STATS} lines with its counters after each
 * poll. At its {@code pauseAtCommit}th commit (0: never), after the database commit and before
 * the ack, it prints {@value #PAUSED} with its counters and waits to be killed. It stops (closing
 * the consumer) when its stdin ends.
 */
public final class IdempotentConsumerChild {
    static final String STATS = "STATS";
    static final String PAUSED = "PAUSED";
    static final String SUBSCRIBED = "SUBSCRIBED";
    private static final int SESSION_TIMEOUT_MS = 1_000;

    private IdempotentConsumerChild() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        DataSource dataSource = AppliedMessages.dataSource(Path.of(args[1]));
        String topic = args[2];
        String group = args[3];
        long pauseAtCommit = Long.parseLong(args[4]);

        CountDownLatch stdinEnded = new CountDownLatch(1);
        Thread stdinWatcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // The parent never writes: end of stdin is the signal.
                }
            } catch (IOException e) {
                // As the end.
            }
            stdinEnded.countDown();
        }, "child-stdin");
        stdinWatcher.setDaemon(true);
        stdinWatcher.start();

        AtomicReference<IdempotentConsumer> self = new AtomicReference<>();
        long[] commits = {0};
        ConsumerConfig config = ConsumerConfig.builder(bootstrap).group(group).autoOffsetReset(OffsetReset.EARLIEST)
                .sessionTimeoutMs(SESSION_TIMEOUT_MS).maxPollMessages(500).build();
        try (IdempotentConsumer consumer = IdempotentConsumer.builder(config, dataSource,
                (message, tx) -> AppliedMessages.apply(tx, message.header(ReservedHeaders.MESSAGE_ID)))
                .afterCommit(message -> {
                    if (++commits[0] == pauseAtCommit) {
                        System.out.println(PAUSED + " " + format(self.get().metrics()) + " at "
                                + message.header(ReservedHeaders.MESSAGE_ID));
                        awaitQuietly(stdinEnded);
                        Runtime.getRuntime().halt(3); // the parent died instead of killing us
                    }
                }).build()) {
            self.set(consumer);
            consumer.subscribe(topic);
            System.out.println(SUBSCRIBED);
            while (stdinEnded.getCount() > 0) {
                try {
                    if (consumer.pollAndProcess(Duration.ofMillis(200)) > 0) {
                        System.out.println(STATS + " " + format(consumer.metrics()));
                    }
                } catch (SluiceException e) {
                    System.out.println("FAILED " + e);
                }
            }
            System.out.println(STATS + " " + format(consumer.metrics()));
        }
    }

    /** {@code processed=P duplicates=D acked=A failed=F}. */
    static String format(IdempotentConsumer.Metrics metrics) {
        return "processed=" + metrics.processedCount() + " duplicates=" + metrics.duplicateCount() + " acked="
                + metrics.ackedCount() + " failed=" + metrics.failedCount();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
