package dev.sluice.client;

import dev.sluice.client.internal.DeliverySource;
import dev.sluice.client.internal.ProcessedIdStore;
import dev.sluice.client.internal.QueueDeliverySource;
import dev.sluice.client.internal.StreamDeliverySource;
import dev.sluice.client.internal.TransactionalProcessor;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * Exactly-once consumption ({@link DeliveryMode#EXACTLY_ONCE}): at-least-once delivery plus
 * de-duplication in the application's own database. For each message the handler's database work
 * and the insert of the message's id into a de-duplication table commit in one JDBC transaction;
 * a message whose id is in the table already is acknowledged without running the handler. So a
 * crash anywhere (before the commit: nothing happened; after it, before the ack: the redelivery is
 * a duplicate) leaves each message applied once.
 *
 * <p>Per message, in {@link #pollAndProcess}: begin a transaction; insert (group, message id) —
 * the id is the header {@code sluice.message-id} if present, else {@code topic/queue/offset}; if
 * the id is there, roll back and count a duplicate; else run the {@link Handler} on the same
 * {@link Connection} and commit; then call the {@link AfterCommitListener}. When every message
 * of the poll is done, they are acknowledged (stream mode: their positions are committed; queue
 * mode: each is acked). If the handler, the database or the listener throws, the transaction in
 * progress rolls back (the handler's writes and the id go together); in stream mode nothing of the
 * poll is acknowledged and every message of it is delivered again by the next poll (those already
 * committed then come back as duplicates); in queue mode only the failed message is nacked, the
 * others are processed and acked.
 * {@link Builder#deduplication(boolean) deduplication(false)} turns the table off: the handler
 * then runs in a transaction for every delivery (at-least-once).
 *
 * <p>The ids must be kept at least as long as a message can be delivered again: in stream mode,
 * for as long as the group's committed offset may be moved back (an offset reset, a seek) — up to
 * the topic's retention — and at least for the longest time between processing and ack. Purge
 * older ones with {@link #purgeOlderThan(Duration)}.
 *
 * <p>The wrapped consumer is made from the given config: a stream-mode {@link Consumer} with
 * {@link AckMode#MANUAL} (this class commits the positions), or a queue-mode {@link QueueConsumer}
 * (this class acks each message; a failed message is nacked alone without delay, which counts
 * an attempt, so a message that always fails ends in the group's dead-letter topic after its max
 * attempts; in queue mode keep the ids at least for the visibility timeout plus the longest
 * redelivery delay). The de-duplication core does not depend on the consumer kind. One thread uses an instance at a time (as a
 * {@code Consumer}); {@link #metrics()} may be read from any thread. Holds one connection of the
 * data source while open.
 */
public final class IdempotentConsumer implements AutoCloseable {
    /** The default de-duplication table. */
    public static final String DEFAULT_DEDUP_TABLE = "sluice_processed_ids";

    /**
     * The application's work on one message, in the transaction {@code tx} (auto-commit off):
     * write through {@code tx}, and do not commit, roll back or close it. Throwing rolls the
     * transaction back; the message is then delivered again.
     */
    @FunctionalInterface
    public interface Handler {
        /** Applies {@code message}'s effect through {@code tx}. */
        void handle(ReceivedMessage message, Connection tx) throws Exception;
    }

    /**
     * Called after a message's transaction committed and before the broker is told (the ack) —
     * the point where a crash makes the next delivery a duplicate. For monitoring, and for fault
     * tests that kill the process right there. Throwing acts as a failure: nothing of the poll is
     * acknowledged, all of it is delivered again. Not called for duplicates.
     */
    @FunctionalInterface
    public interface AfterCommitListener {
        /** {@code message}'s transaction has committed. */
        void afterCommit(ReceivedMessage message);
    }

    /**
     * Counters since the consumer was built.
     *
     * @param processedCount messages whose handler ran and committed
     * @param duplicateCount messages skipped because their id was recorded (each redelivery counts)
     * @param failedCount failed messages (handler, database or listener), each rolled back and given back
     * @param ackedCount messages acknowledged to the broker
     */
    public record Metrics(long processedCount, long duplicateCount, long failedCount, long ackedCount) {}

    private final DeliverySource source;
    private final TransactionalProcessor processor;
    private final ProcessedIdStore store;
    private final DataSource dataSource;
    private final AfterCommitListener afterCommit;
    private final LongSupplier clockMs;
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();

    private IdempotentConsumer(Builder builder, DeliverySource source, ProcessedIdStore store) {
        this.source = source;
        this.store = store;
        this.dataSource = builder.dataSource;
        this.afterCommit = builder.afterCommit;
        this.clockMs = builder.clockMs;
        this.processor = new TransactionalProcessor(builder.dataSource, store, source.group(), builder.handler,
                builder.clockMs);
    }

    /**
     * A builder for a consumer of {@code config}'s group that runs {@code handler} against
     * {@code dataSource}.
     */
    public static Builder builder(ConsumerConfig config, DataSource dataSource, Handler handler) {
        return new Builder(Objects.requireNonNull(config, "config"), null, dataSource, handler);
    }

    /**
     * A builder for a queue-mode consumer of {@code config}'s group that runs {@code handler} against
     * {@code dataSource}.
     */
    public static Builder builder(QueueConsumerConfig config, DataSource dataSource, Handler handler) {
        return new Builder(null, Objects.requireNonNull(config, "config"), dataSource, handler);
    }

    /** Joins the config's group on {@code topic}. */
    public void subscribe(String topic) {
        source.subscribe(topic);
    }

    /**
     * Polls once (waiting up to {@code timeout}) and processes what came, one transaction per
     * message, then acknowledges them all; see the type's doc.
     *
     * @return how many messages were done (processed or skipped as duplicates)
     * @throws SluiceException if a message failed (the cause is the handler's, the database's or
     *     the listener's exception); in stream mode every message of the poll is delivered again, in
     *     queue mode the failed messages are nacked (delivered again, counting an attempt) and the
     *     others were processed and acknowledged before this is thrown
     */
    public int pollAndProcess(Duration timeout) {
        List<ReceivedMessage> messages = source.poll(timeout);
        if (source.settlesEachMessage()) {
            return processEach(messages);
        }
        int index = 0;
        try {
            for (; index < messages.size(); index++) {
                processOne(messages.get(index));
            }
        } catch (SluiceException e) {
            onFailure(messages);
            throw e;
        } catch (RuntimeException e) {
            onFailure(messages);
            throw new SluiceException("the after-commit listener threw on " + messages.get(index) + "; nothing of"
                    + " the poll was acknowledged: it will be delivered again", true, e);
        } catch (Error e) {
            onFailure(messages);
            throw e;
        }
        source.ack(messages);
        acked.addAndGet(messages.size());
        return messages.size();
    }

    private void processOne(ReceivedMessage message) {
        if (processor.process(message) == TransactionalProcessor.Outcome.DUPLICATE) {
            duplicates.incrementAndGet();
        } else {
            processed.incrementAndGet();
            if (afterCommit != null) {
                afterCommit.afterCommit(message);
            }
        }
    }

    /** Queue mode: each message settled on its own; a failed one is given back alone, the rest go on. */
    private int processEach(List<ReceivedMessage> messages) {
        List<ReceivedMessage> done = new ArrayList<>(messages.size());
        RuntimeException firstFailure = null;
        for (int index = 0; index < messages.size(); index++) {
            ReceivedMessage message = messages.get(index);
            try {
                processOne(message);
                done.add(message);
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                source.redeliver(List.of(message));
                if (firstFailure == null) {
                    firstFailure = e instanceof SluiceException ? e : new SluiceException("the after-commit listener"
                            + " threw on " + message + "; it was not acknowledged: it will be delivered again", true, e);
                }
            } catch (Error e) {
                // Settle what is known before the Error goes up: the done ones acked, this one and the
                // rest given back now rather than after their visibility timeout.
                failed.incrementAndGet();
                source.redeliver(messages.subList(index, messages.size()));
                source.ack(done);
                acked.addAndGet(done.size());
                throw e;
            }
        }
        source.ack(done);
        acked.addAndGet(done.size());
        if (firstFailure != null) {
            throw firstFailure;
        }
        return done.size();
    }

    private void onFailure(List<ReceivedMessage> messages) {
        failed.incrementAndGet();
        source.redeliver(messages);
    }

    /**
     * Deletes this group's recorded ids older than {@code age} (by the time they were recorded)
     * and returns how many. Keep ids at least as long as a redelivery is possible (see the type's
     * doc): a message delivered again after its id was purged is processed again.
     *
     * @throws IllegalStateException if de-duplication is off
     * @throws SluiceException if the database fails
     */
    public int purgeOlderThan(Duration age) {
        if (store == null) {
            throw new IllegalStateException("deduplication is off: there is no table to purge");
        }
        if (age.isNegative()) {
            throw new IllegalArgumentException("age " + age + " is negative");
        }
        try {
            return store.purgeRecordedBefore(dataSource, source.group(), clockMs.getAsLong() - age.toMillis());
        } catch (SQLException e) {
            throw new SluiceException("purging " + store.table() + " failed", true, e);
        }
    }

    /** The counters so far. Any thread. */
    public Metrics metrics() {
        return new Metrics(processed.get(), duplicates.get(), failed.get(), acked.get());
    }

    /** Leaves the group (acknowledging nothing more) and closes the connection held. Idempotent. */
    @Override
    public void close() {
        try {
            source.close();
        } finally {
            processor.close();
        }
    }

    /** Builds an {@link IdempotentConsumer}. Not thread-safe. */
    public static final class Builder {
        private final ConsumerConfig config;
        private final QueueConsumerConfig queueConfig;
        private final DataSource dataSource;
        private final Handler handler;
        private String dedupTable = DEFAULT_DEDUP_TABLE;
        private boolean deduplication = true;
        private AfterCommitListener afterCommit;
        private LongSupplier clockMs = System::currentTimeMillis;

        private Builder(ConsumerConfig config, QueueConsumerConfig queueConfig, DataSource dataSource,
                Handler handler) {
            this.config = config;
            this.queueConfig = queueConfig;
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /**
         * The de-duplication table, created if absent; default {@value #DEFAULT_DEDUP_TABLE}. An SQL
         * identifier, optionally {@code schema.table}. Groups may share one table.
         */
        public Builder dedupTable(String dedupTable) {
            ProcessedIdStore.checkTableName(dedupTable);
            this.dedupTable = dedupTable;
            return this;
        }

        /**
         * Default {@code true}. {@code false}: no table is read or written, the handler runs (in a
         * transaction) for every delivery — at-least-once.
         */
        public Builder deduplication(boolean deduplication) {
            this.deduplication = deduplication;
            return this;
        }

        /** Default none; see {@link AfterCommitListener}. */
        public Builder afterCommit(AfterCommitListener afterCommit) {
            this.afterCommit = afterCommit;
            return this;
        }

        /** The clock whose time is recorded with each id and used by purges; default the system's. */
        public Builder clockMs(LongSupplier clockMs) {
            this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
            return this;
        }

        /**
         * Creates the table (if de-duplication is on and it is absent) and the consumer.
         *
         * @throws IllegalArgumentException if the config names no group (the table is keyed by
         *     it) or asks for {@link AckMode#BEFORE_PROCESSING} (at-most-once: a message would be
         *     acknowledged before its transaction)
         * @throws SluiceException if the table cannot be created
         */
        public IdempotentConsumer build() {
            String group = config != null ? config.group() : queueConfig.group();
            if (group == null) {
                throw new IllegalArgumentException("IdempotentConsumer needs the config's group: the dedup table is"
                        + " keyed by group and message id");
            }
            if (config != null && config.ackMode() == AckMode.BEFORE_PROCESSING) {
                throw new IllegalArgumentException("ackMode BEFORE_PROCESSING (at-most-once) cannot give exactly-once:"
                        + " IdempotentConsumer acknowledges after each message's transaction commits; use the default"
                        + " AFTER_PROCESSING");
            }
            if (queueConfig != null && queueConfig.deliveryMode() != DeliveryMode.AT_LEAST_ONCE) {
                throw new IllegalArgumentException("deliveryMode " + queueConfig.deliveryMode() + " cannot give"
                        + " exactly-once: IdempotentConsumer acknowledges after each message's transaction commits;"
                        + " use the default AT_LEAST_ONCE");
            }
            ProcessedIdStore store = null;
            if (deduplication) {
                try {
                    store = ProcessedIdStore.open(dataSource, dedupTable);
                } catch (SQLException e) {
                    throw new SluiceException("creating the dedup table " + dedupTable + " failed", false, e);
                }
            }
            DeliverySource source = config != null
                    ? new StreamDeliverySource(Consumer.create(config.toBuilder().ackMode(AckMode.MANUAL).build()), group)
                    : new QueueDeliverySource(QueueConsumer.create(queueConfig), group);
            return new IdempotentConsumer(this, source, store);
        }
    }
}
