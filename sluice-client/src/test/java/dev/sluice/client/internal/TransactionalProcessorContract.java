package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.Header;
import dev.sluice.client.IdempotentConsumer;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.SluiceException;
import dev.sluice.client.internal.TransactionalProcessor.Outcome;
import dev.sluice.client.jdbc.AppliedTable;
import dev.sluice.record.ReservedHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The de-duplication core against a real database: one suite, run against H2, SQLite and
 * PostgreSQL by its subclasses. Each message is processed as an {@code IdempotentConsumer}
 * processes it: the id insert and the handler's writes in one transaction.
 */
abstract class TransactionalProcessorContract {
    private static final String DEDUP_TABLE = "test_processed_ids";
    private static final String GROUP = "billing";

    @TempDir
    Path dir;

    DataSource dataSource;
    AppliedTable applied;
    final AtomicLong clockMs = new AtomicLong(1_000);
    final AtomicInteger handlerRuns = new AtomicInteger();

    /** The database under test, fresh or emptied of this suite's tables. */
    abstract DataSource dataSource(Path dir);

    @BeforeEach
    void createTables() throws SQLException {
        dataSource = dataSource(dir);
        AppliedTable.drop(dataSource, DEDUP_TABLE);
        applied = AppliedTable.recreate(dataSource, "test_applied");
    }

    private TransactionalProcessor processor(boolean deduplication, IdempotentConsumer.Handler handler)
            throws SQLException {
        ProcessedIdStore store = deduplication ? ProcessedIdStore.open(dataSource, DEDUP_TABLE) : null;
        return new TransactionalProcessor(dataSource, store, GROUP, handler, clockMs::get);
    }

    private TransactionalProcessor counting(boolean deduplication) throws SQLException {
        return processor(deduplication, (message, tx) -> {
            handlerRuns.incrementAndGet();
            applied.apply(message, tx);
        });
    }

    static ReceivedMessage message(long offset) {
        return new ReceivedMessage("orders", 2, offset, 0, null, "v".getBytes(StandardCharsets.UTF_8), List.of());
    }

    static ReceivedMessage messageWithId(long offset, String id) {
        return new ReceivedMessage("orders", 2, offset, 0, null, null,
                List.of(new Header(ReservedHeaders.MESSAGE_ID, id.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void redeliveredMessageIsSkippedWithoutRunningTheHandler() throws SQLException {
        try (TransactionalProcessor processor = counting(true)) {
            assertThat(processor.process(message(7))).isEqualTo(Outcome.PROCESSED);
            assertThat(processor.process(message(7))).isEqualTo(Outcome.DUPLICATE);
        }
        assertThat(handlerRuns).hasValue(1);
        assertThat(applied.counts(dataSource)).containsExactly(Map.entry("orders/2/7", 1));
        assertThat(AppliedTable.rowCount(dataSource, DEDUP_TABLE)).isEqualTo(1);
    }

    @Test
    void handlerExceptionRollsBackItsOwnWritesAndTheId() throws SQLException {
        try (TransactionalProcessor failing = processor(true, (message, tx) -> {
            applied.apply(message, tx);
            throw new IllegalStateException("payment service down");
        })) {
            assertThatThrownBy(() -> failing.process(message(3)))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageContaining("the handler threw on orders queue 2 offset 3")
                    .hasRootCauseMessage("payment service down");
        }
        assertThat(applied.counts(dataSource)).isEmpty();
        assertThat(AppliedTable.rowCount(dataSource, DEDUP_TABLE)).isZero();
        try (TransactionalProcessor processor = counting(true)) {
            assertThat(processor.process(message(3))).as("the message delivered again").isEqualTo(Outcome.PROCESSED);
        }
        assertThat(applied.counts(dataSource)).containsExactly(Map.entry("orders/2/3", 1));
    }

    @Test
    void theProcessorKeepsWorkingOnItsConnectionAfterAHandlerFailure() throws SQLException {
        AtomicInteger calls = new AtomicInteger();
        try (TransactionalProcessor processor = processor(true, (message, tx) -> {
            applied.apply(message, tx);
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first call fails");
            }
        })) {
            assertThatThrownBy(() -> processor.process(message(1))).isInstanceOf(SluiceException.class);
            assertThat(processor.process(message(1))).isEqualTo(Outcome.PROCESSED);
            assertThat(processor.process(message(1))).isEqualTo(Outcome.DUPLICATE);
        }
        assertThat(applied.counts(dataSource)).containsExactly(Map.entry("orders/2/1", 1));
    }

    @Test
    void anErrorThrownByTheHandlerLeavesNothingForTheNextCommitToTakeAlong() throws SQLException {
        AtomicInteger calls = new AtomicInteger();
        try (TransactionalProcessor processor = processor(true, (message, tx) -> {
            applied.apply(message, tx);
            if (calls.incrementAndGet() == 1) {
                throw new AssertionError("a bug in the handler");
            }
        })) {
            assertThatThrownBy(() -> processor.process(message(1))).isInstanceOf(AssertionError.class);
            assertThat(processor.process(message(2))).isEqualTo(Outcome.PROCESSED);
        }
        assertThat(applied.counts(dataSource)).containsExactly(Map.entry("orders/2/2", 1));
        assertThat(AppliedTable.rowCount(dataSource, DEDUP_TABLE)).isEqualTo(1);
    }

    @Test
    void twoDeliveriesOfOneIdAtOnceRunTheHandlerOnce() throws Exception {
        ProcessedIdStore store = ProcessedIdStore.open(dataSource, DEDUP_TABLE);
        CountDownLatch firstInHandler = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        IdempotentConsumer.Handler handler = (message, tx) -> {
            handlerRuns.incrementAndGet();
            applied.apply(message, tx);
            if (Thread.currentThread().getName().equals("first-delivery")) {
                firstInHandler.countDown();
                assertThat(releaseFirst.await(30, TimeUnit.SECONDS)).isTrue();
            }
        };
        try (TransactionalProcessor one = new TransactionalProcessor(dataSource, store, GROUP, handler, clockMs::get);
                TransactionalProcessor two = new TransactionalProcessor(dataSource, store, GROUP, handler,
                        clockMs::get)) {
            // Given a delivery whose transaction holds the id, uncommitted
            CompletableFuture<Object> first = deliverOn("first-delivery", one);
            assertThat(firstInHandler.await(30, TimeUnit.SECONDS)).isTrue();
            // When a second delivery of that id runs meanwhile (reaching its insert before or after the commit)
            CompletableFuture<Object> second = deliverOn("second-delivery", two);
            releaseFirst.countDown();

            // Then the first commits, the second is a duplicate (or fails, to be delivered again): one run
            assertThat(first.get(60, TimeUnit.SECONDS)).isEqualTo(Outcome.PROCESSED);
            Object secondOutcome = second.get(60, TimeUnit.SECONDS);
            System.out.printf("concurrent deliveries of one id on %s: the second was %s%n", expectedDialect(),
                    secondOutcome);
            assertThat(secondOutcome).satisfiesAnyOf(
                    outcome -> assertThat(outcome).isEqualTo(Outcome.DUPLICATE),
                    outcome -> assertThat(outcome).isInstanceOf(SluiceException.class));
        }
        assertThat(handlerRuns).hasValue(1);
        assertThat(applied.counts(dataSource)).containsExactly(Map.entry("orders/2/9", 1));
    }

    /** Processes message 9 on a new thread named {@code name}: the outcome, or the SluiceException. */
    private static CompletableFuture<Object> deliverOn(String name, TransactionalProcessor processor) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(processor.process(message(9)));
            } catch (SluiceException e) {
                result.complete(e);
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        thread.start();
        return result;
    }

    @Test
    void withDeduplicationOffTheHandlerRunsForEveryDelivery() throws SQLException {
        try (TransactionalProcessor processor = counting(false)) {
            assertThat(processor.process(message(7))).isEqualTo(Outcome.PROCESSED);
            assertThat(processor.process(message(7))).isEqualTo(Outcome.PROCESSED);
        }
        assertThat(applied.counts(dataSource)).containsExactly(Map.entry("orders/2/7", 2));
    }

    @Test
    void theMessageIdHeaderMakesTwoRecordsOneMessage() throws SQLException {
        try (TransactionalProcessor processor = counting(true)) {
            assertThat(processor.process(messageWithId(10, "order-17"))).isEqualTo(Outcome.PROCESSED);
            assertThat(processor.process(messageWithId(11, "order-17"))).as("the same id stored twice")
                    .isEqualTo(Outcome.DUPLICATE);
            assertThat(processor.process(messageWithId(12, "order-18"))).isEqualTo(Outcome.PROCESSED);
            assertThat(processor.process(message(13))).isEqualTo(Outcome.PROCESSED);
        }
        assertThat(applied.counts(dataSource)).containsOnly(Map.entry("order-17", 1), Map.entry("order-18", 1),
                Map.entry("orders/2/13", 1));
    }

    @Test
    void groupsAreDeduplicatedApart() throws SQLException {
        ProcessedIdStore store = ProcessedIdStore.open(dataSource, DEDUP_TABLE);
        AtomicInteger runs = new AtomicInteger();
        IdempotentConsumer.Handler handler = (message, tx) -> runs.incrementAndGet();
        try (TransactionalProcessor billing = new TransactionalProcessor(dataSource, store, "billing", handler,
                clockMs::get);
                TransactionalProcessor audit = new TransactionalProcessor(dataSource, store, "audit", handler,
                        clockMs::get)) {
            assertThat(billing.process(message(1))).isEqualTo(Outcome.PROCESSED);
            assertThat(audit.process(message(1))).isEqualTo(Outcome.PROCESSED);
            assertThat(audit.process(message(1))).isEqualTo(Outcome.DUPLICATE);
        }
        assertThat(runs).hasValue(2);
    }

    @Test
    void aConstraintViolationOfTheHandlerIsAFailureNotADuplicate() throws SQLException {
        try (TransactionalProcessor processor = processor(true, (message, tx) -> {
            try (PreparedStatement insert = tx.prepareStatement(
                    "INSERT INTO test_applied (message_id, applied_count) VALUES ('same', 1)")) {
                insert.executeUpdate();
            }
        })) {
            assertThat(processor.process(message(1))).isEqualTo(Outcome.PROCESSED);
            assertThatThrownBy(() -> processor.process(message(2))).isInstanceOf(SluiceException.class)
                    .hasMessageContaining("the handler threw");
        }
        assertThat(AppliedTable.rowCount(dataSource, DEDUP_TABLE)).as("only the first id").isEqualTo(1);
    }

    @Test
    void purgeDeletesOnlyTheGroupsIdsRecordedBeforeTheCutoff() throws SQLException {
        ProcessedIdStore store = ProcessedIdStore.open(dataSource, DEDUP_TABLE);
        IdempotentConsumer.Handler handler = (message, tx) -> applied.apply(message, tx);
        try (TransactionalProcessor billing = new TransactionalProcessor(dataSource, store, "billing", handler,
                clockMs::get);
                TransactionalProcessor audit = new TransactionalProcessor(dataSource, store, "audit", handler,
                        clockMs::get)) {
            clockMs.set(1_000);
            billing.process(message(1));
            audit.process(message(1));
            clockMs.set(5_000);
            billing.process(message(2));

            assertThat(store.purgeRecordedBefore(dataSource, "billing", 3_000)).isEqualTo(1);

            assertThat(billing.process(message(2))).as("kept").isEqualTo(Outcome.DUPLICATE);
            assertThat(audit.process(message(1))).as("another group's").isEqualTo(Outcome.DUPLICATE);
            assertThat(billing.process(message(1))).as("purged: processed again").isEqualTo(Outcome.PROCESSED);
        }
    }

    @Test
    void reopeningTheStoreKeepsTheTableAndItsIds() throws SQLException {
        try (TransactionalProcessor processor = counting(true)) {
            processor.process(message(1));
        }
        try (TransactionalProcessor processor = counting(true)) {
            assertThat(processor.process(message(1))).isEqualTo(Outcome.DUPLICATE);
        }
    }

    @Test
    void theStoreKnowsItsDatabase() throws SQLException {
        assertThat(ProcessedIdStore.open(dataSource, DEDUP_TABLE).dialect()).isEqualTo(expectedDialect());
    }

    abstract ProcessedIdStore.Dialect expectedDialect();
}
