package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.AckMode;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.EmbeddedSluice;
import dev.sluice.client.IdempotentConsumer;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.QueueConsumerConfig;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.Sluice;
import dev.sluice.client.SluiceException;
import dev.sluice.client.jdbc.AppliedTable;
import dev.sluice.client.jdbc.TestDatabases;
import dev.sluice.record.ReservedHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IdempotentConsumer} over TCP against an embedded broker and an H2 file database: a batch
 * delivered again (the consumer closed between its database commits and its ack, then reopened)
 * is applied once; with de-duplication off it is applied twice.
 */
@EndToEnd
class IdempotentConsumerTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int MESSAGE_COUNT = 100;
    private static final int FAIL_AT_COMMIT = 50;

    @TempDir
    Path dir;

    private DataSource dataSource;
    private AppliedTable applied;

    @BeforeEach
    void createTables() throws SQLException {
        dataSource = TestDatabases.h2(dir.resolve("db"));
        applied = AppliedTable.recreate(dataSource, "applied");
    }

    @Test
    void batchRedeliveredAfterACloseBetweenCommitAndAckIsAppliedOnce() throws SQLException {
        try (EmbeddedSluice sluice = Sluice.embedded(dir.resolve("broker"))) {
            produce(sluice);
            Redelivery run = closeBetweenCommitAndAckThenReopen(sluice, true);

            Map<String, Integer> counts = applied.counts(dataSource);
            assertThat(counts).hasSize(MESSAGE_COUNT);
            assertThat(counts.values()).as("applied once each").containsOnly(1);
            assertThat(run.committedNotAcked).as("the first consumer died with commits not acked").isPositive();
            assertThat(run.second.duplicateCount()).isEqualTo(run.committedNotAcked);
            assertThat(run.second.processedCount()).isEqualTo(MESSAGE_COUNT - run.first.processedCount());
            assertThat(AppliedTable.rowCount(dataSource, IdempotentConsumer.DEFAULT_DEDUP_TABLE))
                    .isEqualTo(MESSAGE_COUNT);
        }
    }

    @Test
    void withDeduplicationOffTheRedeliveredBatchIsAppliedAgain() throws SQLException {
        try (EmbeddedSluice sluice = Sluice.embedded(dir.resolve("broker"))) {
            produce(sluice);
            Redelivery run = closeBetweenCommitAndAckThenReopen(sluice, false);

            Map<String, Integer> counts = applied.counts(dataSource);
            assertThat(counts).hasSize(MESSAGE_COUNT);
            assertThat(counts.values().stream().filter(count -> count == 2).count())
                    .as("committed, not acked, delivered again, applied again").isEqualTo(run.committedNotAcked)
                    .isPositive();
            assertThat(run.second.duplicateCount()).isZero();
        }
    }

    @Test
    void handlerFailureRollsBackAndTheSameConsumerGetsTheMessageAgain() throws SQLException {
        try (EmbeddedSluice sluice = Sluice.embedded(dir.resolve("broker"))) {
            produce(sluice);
            AtomicBoolean failedOnce = new AtomicBoolean();
            try (IdempotentConsumer consumer = IdempotentConsumer.builder(config(sluice), dataSource,
                    (message, tx) -> {
                        applied.apply(message, tx);
                        if (message.offset() == 5 && failedOnce.compareAndSet(false, true)) {
                            throw new IllegalStateException("the ledger is locked");
                        }
                    }).build()) {
                consumer.subscribe("orders");
                AtomicInteger failures = new AtomicInteger();
                processUntil(consumer, () -> appliedCount() == MESSAGE_COUNT, failures);

                assertThat(failures).hasValue(1);
                assertThat(consumer.metrics().failedCount()).isEqualTo(1);
                assertThat(applied.counts(dataSource).values()).hasSize(MESSAGE_COUNT).containsOnly(1);
                assertThat(consumer.metrics().processedCount()).isEqualTo(MESSAGE_COUNT);
            }
        }
    }

    @Test
    void purgeForgetsOldIdsSoThatTheirRedeliveryIsProcessedAgain() throws SQLException {
        try (EmbeddedSluice sluice = Sluice.embedded(dir.resolve("broker"))) {
            produce(sluice);
            AtomicLong clockMs = new AtomicLong(1_000_000);
            try (IdempotentConsumer consumer = IdempotentConsumer.builder(config(sluice), dataSource, applied::apply)
                    .clockMs(clockMs::get).build()) {
                consumer.subscribe("orders");
                processUntil(consumer, () -> appliedCount() == MESSAGE_COUNT, new AtomicInteger());
                clockMs.addAndGet(Duration.ofHours(2).toMillis());

                assertThat(consumer.purgeOlderThan(Duration.ofHours(3))).isZero();
                assertThat(consumer.purgeOlderThan(Duration.ofHours(1))).isEqualTo(MESSAGE_COUNT);
            }
            assertThat(AppliedTable.rowCount(dataSource, IdempotentConsumer.DEFAULT_DEDUP_TABLE)).isZero();
        }
    }

    @Test
    void refusesAtMostOnceAndAConfigWithoutGroup() {
        ConsumerConfig.Builder builder = ConsumerConfig.builder("127.0.0.1:1");
        assertThatThrownBy(() -> IdempotentConsumer.builder(builder.group("g").ackMode(AckMode.BEFORE_PROCESSING)
                .build(), dataSource, applied::apply).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BEFORE_PROCESSING");
        assertThatThrownBy(() -> IdempotentConsumer.builder(ConsumerConfig.builder("127.0.0.1:1").build(), dataSource,
                applied::apply).build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group");
        assertThatThrownBy(() -> IdempotentConsumer.builder(builder.build(), dataSource, applied::apply)
                .dedupTable("ids; DROP TABLE applied")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dedupTable");
    }

    @Test
    void queueModeAMessageCommittedButNotAckedComesBackAsADuplicateAndIsAppliedOnce() throws SQLException {
        try (EmbeddedSluice sluice = Sluice.embedded(dir.resolve("broker"))) {
            produce(sluice);
            AtomicInteger commits = new AtomicInteger();
            // Given a queue-mode consumer whose 50th commit is not followed by its ack (the listener throws there)
            try (IdempotentConsumer consumer = IdempotentConsumer.builder(queueConfig(sluice, 5), dataSource,
                    applied::apply).afterCommit(message -> {
                        if (commits.incrementAndGet() == FAIL_AT_COMMIT) {
                            throw new IllegalStateException("dies between its commit and its ack");
                        }
                    }).build()) {
                consumer.subscribe("orders");
                AtomicInteger failures = new AtomicInteger();
                processUntil(consumer, () -> consumer.metrics().processedCount() + consumer.metrics().duplicateCount()
                        >= MESSAGE_COUNT + 1, failures);

                // Then that message was nacked alone, came back, was found a duplicate; each applied once
                assertThat(failures).hasValue(1);
                assertThat(consumer.metrics().duplicateCount()).isEqualTo(1);
                assertThat(consumer.metrics().processedCount()).isEqualTo(MESSAGE_COUNT);
                assertThat(applied.counts(dataSource).values()).hasSize(MESSAGE_COUNT).containsOnly(1);
            }
        }
    }

    @Test
    void queueModeAMessageThatAlwaysFailsEndsInTheDeadLetterTopicAndTheRestAreAppliedOnce() throws SQLException {
        try (EmbeddedSluice sluice = Sluice.embedded(dir.resolve("broker"))) {
            produce(sluice);
            try (IdempotentConsumer consumer = IdempotentConsumer.builder(queueConfig(sluice, 3), dataSource,
                    (message, tx) -> {
                        applied.apply(message, tx);
                        if (new String(message.value(), StandardCharsets.UTF_8).equals("order 5")) {
                            throw new IllegalStateException("order 5 can never be booked");
                        }
                    }).build()) {
                consumer.subscribe("orders");
                AtomicInteger failures = new AtomicInteger();
                processUntil(consumer, () -> appliedCount() == MESSAGE_COUNT - 1 && failures.get() == 3, failures);

                assertThat(consumer.metrics().failedCount()).isEqualTo(3);
                assertThat(applied.counts(dataSource)).hasSize(MESSAGE_COUNT - 1).doesNotContainKey("order-5")
                        .allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
            }
            try (Consumer dlq = sluice.consumer(b -> b.group("dlq-reader").autoOffsetReset(OffsetReset.EARLIEST))) {
                dlq.subscribe("billing.dlq");
                List<ReceivedMessage> dead = new ArrayList<>();
                long deadlineNs = System.nanoTime() + LIMIT.toNanos();
                while (dead.isEmpty() && System.nanoTime() - deadlineNs < 0) {
                    dead.addAll(dlq.poll(Duration.ofMillis(200)));
                }
                assertThat(dead).singleElement().satisfies(message -> {
                    assertThat(message.valueAsString()).isEqualTo("order 5");
                    assertThat(message.header(ReservedHeaders.DLQ_DELIVERY_COUNT)).isEqualTo("3");
                });
            }
        }
    }

    @Test
    void queueModeAnErrorFromTheHandlerGivesItsMessageBackAtOnceAndAcksWhatWasDone() throws SQLException {
        try (EmbeddedSluice sluice = Sluice.embedded(dir.resolve("broker"))) {
            produce(sluice);
            AtomicBoolean thrown = new AtomicBoolean();
            // A 10-minute visibility timeout: the message can only come back in time if it is given back
            QueueConsumerConfig config = queueConfig(sluice, 5).toBuilder().visibilityTimeoutMs(600_000).build();
            try (IdempotentConsumer consumer = IdempotentConsumer.builder(config, dataSource, (message, tx) -> {
                applied.apply(message, tx);
                if (new String(message.value(), StandardCharsets.UTF_8).equals("order 5")
                        && thrown.compareAndSet(false, true)) {
                    throw new AssertionError("an Error, not an Exception");
                }
            }).build()) {
                consumer.subscribe("orders");
                int errors = 0;
                long deadlineNs = System.nanoTime() + LIMIT.toNanos();
                while (appliedCount() < MESSAGE_COUNT && System.nanoTime() - deadlineNs < 0) {
                    try {
                        consumer.pollAndProcess(Duration.ofMillis(200));
                    } catch (AssertionError e) {
                        errors++;
                    }
                }
                assertThat(errors).isEqualTo(1);
                assertThat(applied.counts(dataSource).values()).hasSize(MESSAGE_COUNT).containsOnly(1);
            }
        }
    }

    /** What the two consumers of {@link #closeBetweenCommitAndAckThenReopen} did. */
    private record Redelivery(IdempotentConsumer.Metrics first, IdempotentConsumer.Metrics second,
            long committedNotAcked) {}

    /**
     * A first consumer whose after-commit listener throws at the {@value #FAIL_AT_COMMIT}th commit
     * (its poll is then not acknowledged) is closed; a second one in the group reads until every
     * message is applied.
     */
    private Redelivery closeBetweenCommitAndAckThenReopen(EmbeddedSluice sluice, boolean deduplication)
            throws SQLException {
        AtomicInteger commits = new AtomicInteger();
        IdempotentConsumer.Metrics first;
        try (IdempotentConsumer consumer = IdempotentConsumer.builder(config(sluice), dataSource, applied::apply)
                .deduplication(deduplication)
                .afterCommit(message -> {
                    if (commits.incrementAndGet() == FAIL_AT_COMMIT) {
                        throw new IllegalStateException("dies between its commit and its ack");
                    }
                }).build()) {
            consumer.subscribe("orders");
            AtomicInteger failures = new AtomicInteger();
            processUntil(consumer, () -> failures.get() > 0, failures);
            first = consumer.metrics();
        }
        long committedNotAcked = first.processedCount() - first.ackedCount();
        try (IdempotentConsumer consumer = IdempotentConsumer.builder(config(sluice), dataSource, applied::apply)
                .deduplication(deduplication).build()) {
            consumer.subscribe("orders");
            processUntil(consumer, () -> consumer.metrics().processedCount() + consumer.metrics().duplicateCount()
                    >= MESSAGE_COUNT - first.ackedCount(), new AtomicInteger());
            return new Redelivery(first, consumer.metrics(), committedNotAcked);
        }
    }

    private static ConsumerConfig config(EmbeddedSluice sluice) {
        return ConsumerConfig.builder(sluice.bootstrap()).group("billing").autoOffsetReset(OffsetReset.EARLIEST)
                .maxPollMessages(30).build();
    }

    private static QueueConsumerConfig queueConfig(EmbeddedSluice sluice, int maxAttempts) {
        return QueueConsumerConfig.builder(sluice.bootstrap()).group("billing").maxAttempts(maxAttempts)
                .maxPollMessages(30).build();
    }

    private static void produce(EmbeddedSluice sluice) {
        try (Admin admin = sluice.admin(); Producer producer = sluice.producer()) {
            admin.createTopic("orders", 2);
            for (int i = 0; i < MESSAGE_COUNT; i++) {
                producer.send(Message.builder("orders").key("customer-" + (i % 7)).value("order " + i)
                        .header(ReservedHeaders.MESSAGE_ID, "order-" + i).build());
            }
            producer.flush();
        }
    }

    /** Polls and processes until {@code done}, counting failures; bounded in time. */
    private static void processUntil(IdempotentConsumer consumer, BooleanSupplier done, AtomicInteger failures) {
        long deadlineNs = System.nanoTime() + LIMIT.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - deadlineNs).as("done within " + LIMIT).isNegative();
            try {
                consumer.pollAndProcess(Duration.ofMillis(200));
            } catch (SluiceException e) {
                failures.incrementAndGet();
            }
        }
    }

    private long appliedCount() {
        try {
            return AppliedTable.rowCount(dataSource, "applied");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
