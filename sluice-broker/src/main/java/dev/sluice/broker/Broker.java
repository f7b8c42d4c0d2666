package dev.sluice.broker;

import dev.sluice.broker.internal.BrokerMetrics;
import dev.sluice.broker.internal.BrokerTimer;
import dev.sluice.broker.internal.CompletionExecutor;
import dev.sluice.broker.internal.FetchService;
import dev.sluice.broker.internal.LongPoll;
import dev.sluice.broker.internal.MessageIdRebuild;
import dev.sluice.broker.internal.MessageIdWindow;
import dev.sluice.broker.internal.OffsetStore;
import dev.sluice.broker.internal.ProduceService;
import dev.sluice.broker.internal.ProducerStateTable;
import dev.sluice.broker.internal.ProducerStates;
import dev.sluice.broker.internal.QueueGroups;
import dev.sluice.broker.internal.QueueReader;
import dev.sluice.broker.internal.StorageErrors;
import dev.sluice.broker.internal.StreamGroups;
import dev.sluice.broker.internal.Topic;
import dev.sluice.broker.internal.TopicRegistry;
import dev.sluice.storage.AppendResult;
import dev.sluice.storage.Durability;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.QueueId;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice's broker core, protocol-agnostic: topics and their queues over one {@link LogStore},
 * produce, fetch with long polling, offsets by time, stream-mode consumer groups with durable
 * committed offsets, and queue-mode groups ({@link #queueGroups()}) that acknowledge each message.
 * Protocol adapters (the native server, later Kafka and MQTT) map onto it thinly.
 *
 * <p><b>Threads.</b> Every method is thread-safe and may be called from any thread. Futures
 * complete on the broker's threads ({@code sluice-broker-completion}, {@code sluice-broker-timer}),
 * never on the storage writer or flusher, and never by blocking the caller; {@link #produce} may
 * block its caller while the storage append queue is full (back-pressure). Already-answerable
 * requests return completed futures.
 *
 * <p><b>Crash.</b> Topics (the {@code broker-topics} file) and committed offsets (the
 * {@code __offsets} internal topic, fsynced before a commit completes) survive a crash, and so does
 * queue-mode state (the {@code __queue_groups} internal topic, written before a receive or an
 * acknowledgement completes: a machine crash may redeliver, never lose); group membership and
 * parked fetches do not. See {@code docs/broker.md}.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(Broker.class);
    /** How often the timer looks for expired sessions. */
    static final long SESSION_CHECK_INTERVAL_MS = 100;
    /** How often message ids past their window leave memory. */
    static final long MESSAGE_ID_EXPIRY_INTERVAL_MS = 1_000;
    /** The longest interval between looks for idle producers to expire. */
    static final long PRODUCER_EXPIRY_INTERVAL_MS_MAX = 60_000;
    /** How long close waits for the final offsets snapshot to be fsynced. */
    private static final long CLOSE_SNAPSHOT_TIMEOUT_MS = 30_000;

    private final BrokerConfig config;
    private final LogStore store;
    private final TopicRegistry topics;
    private final QueueReader reader;
    private final OffsetStore offsets;
    private final StreamGroups groups;
    private final QueueGroups queueGroups;
    private final LongPoll longPoll;
    private final FetchService fetches;
    private final BrokerTimer timer;
    private final CompletionExecutor completion;
    private final ProducerStates producerStates;
    private final MessageIdWindow messageIds;
    private final ProduceService produces;
    private final LongSupplier clockMs;
    private final BrokerMetrics metrics = new BrokerMetrics();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Broker(BrokerConfig config, LogStore store, LongSupplier clockMs, CompletionExecutor completion,
            BrokerTimer timer) {
        this.config = config;
        this.store = store;
        this.completion = completion;
        this.timer = timer;
        this.topics = TopicRegistry.load(config, store, clockMs);
        this.reader = new QueueReader(store, topics);
        this.offsets = OffsetStore.load(store, clockMs, completion, name -> topics.get(name) != null);
        Set<String> queueModeNames = ConcurrentHashMap.newKeySet();
        this.groups = new StreamGroups(config, topics, reader, offsets, clockMs, closed::get, queueModeNames);
        this.longPoll = new LongPoll(config.parkedFetchesMax(), completion, timer);
        this.queueGroups = QueueGroups.load(new QueueGroups.Context(config, store, topics, reader, groups,
                queueModeNames, longPoll, completion, metrics, clockMs, closed::get, this::appendDurable));
        this.fetches = new FetchService(config, reader, longPoll, metrics);
        this.messageIds = new MessageIdWindow(config.messageIdsMax());
        MessageIdRebuild rebuild = new MessageIdRebuild(topics, clockMs.getAsLong(), config.messageIdsMax());
        this.producerStates = ProducerStates.load(config.dataDirectory(), store, rebuild);
        rebuild.finish(messageIds);
        this.clockMs = clockMs;
        this.produces = new ProduceService(store, topics, producerStates, messageIds, longPoll, metrics, completion,
                clockMs);
    }

    /** Opens the broker with the system clock. */
    public static Broker open(BrokerConfig config) {
        return open(config, System::currentTimeMillis);
    }

    /**
     * Opens the {@link LogStore} in the data directory (recovering it after a crash), loads the topics
     * and committed offsets, and starts the broker's threads.
     *
     * @param clockMs the wall clock for append times, retention and sessions (tests inject one)
     */
    public static Broker open(BrokerConfig config, LongSupplier clockMs) {
        LogStore store = LogStore.open(config.storage(), clockMs);
        CompletionExecutor completion = new CompletionExecutor();
        BrokerTimer timer = new BrokerTimer();
        try {
            Broker broker = new Broker(config, store, clockMs, completion, timer);
            broker.start();
            return broker;
        } catch (RuntimeException e) {
            timer.close();
            store.close();
            completion.close();
            throw e;
        }
    }

    private void start() {
        timer.schedulePeriodic("session expiry", SESSION_CHECK_INTERVAL_MS, groups::expireSessions);
        timer.schedulePeriodic("per-topic retention", config.retentionCheckIntervalMs(), topics::enforceRetention);
        timer.schedulePeriodic("offsets snapshot", config.offsetsSnapshotIntervalMs(), () -> offsets.snapshot()
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOGGER.warn("committed offsets snapshot failed: {}", StorageErrors.unwrapMessage(failure));
                    }
                }));
        timer.schedulePeriodic("message-id expiry", MESSAGE_ID_EXPIRY_INTERVAL_MS,
                () -> messageIds.expire(clockMs.getAsLong()));
        timer.schedulePeriodic("producer state expiry",
                Math.min(PRODUCER_EXPIRY_INTERVAL_MS_MAX, config.producerIdExpirationMs()), this::expireProducers);
        timer.schedulePeriodic("queue group sweep", QueueGroups.SWEEP_INTERVAL_MS, queueGroups::sweep);
        timer.schedulePeriodic("queue groups snapshot", config.offsetsSnapshotIntervalMs(), () -> queueGroups
                .snapshot().whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOGGER.warn("queue groups snapshot failed: {}", StorageErrors.unwrapMessage(failure));
                    }
                }));
        LOGGER.info("broker open: dataDirectory={} topicCount={} groupCount={}", config.dataDirectory(),
                topics.count(), groups.groupCount());
    }

    public BrokerConfig config() {
        return config;
    }

    /**
     * Creates a topic; a name used by a deleted topic starts at the old end offsets.
     *
     * @throws BrokerException TOPIC_EXISTS, INVALID_TOPIC, INVALID_CONFIG (a setting or topicCountMax)
     */
    public TopicInfo createTopic(TopicSpec spec) {
        checkOpen();
        return topics.create(spec).info();
    }

    /**
     * Deletes a topic: unreadable at once, its groups and committed offsets go, its records leave the
     * disk with their segments.
     *
     * @throws BrokerException UNKNOWN_TOPIC
     */
    public void deleteTopic(String topic) {
        checkOpen();
        Topic deleted = topics.delete(topic);
        messageIds.onTopicDeleted(topic);
        groups.onTopicDeleted(topic).whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOGGER.warn("tombstones for the offsets of deleted topic {} failed: {}", topic,
                        StorageErrors.unwrapMessage(failure));
            }
        });
        queueGroups.onTopicDeleted(topic).whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOGGER.warn("tombstones for the queue groups of deleted topic {} failed: {}", topic,
                        StorageErrors.unwrapMessage(failure));
            }
        });
        List<QueueId> queues = new ArrayList<>();
        for (int queue = 0; queue < deleted.queueCount(); queue++) {
            queues.add(deleted.queueId(queue));
        }
        longPoll.wakeAll(queues);
    }

    /** Every topic, sorted by name; internal topics are not listed. */
    public List<TopicInfo> topics() {
        List<TopicInfo> infos = new ArrayList<>();
        for (Topic topic : topics.all()) {
            infos.add(topic.info());
        }
        return infos;
    }

    /**
     * The topic with each queue's start and end offsets.
     *
     * @throws BrokerException UNKNOWN_TOPIC
     */
    public TopicDescription describeTopic(String topic) {
        Topic found = topics.require(topic);
        List<QueueOffsets> queues = new ArrayList<>();
        for (int queue = 0; queue < found.queueCount(); queue++) {
            queues.add(reader.offsets(found, queue));
        }
        return new TopicDescription(found.info(), queues);
    }

    /**
     * The topic; when missing, created with {@code defaultQueueCount} queues if {@code allowAutoCreate}
     * and the broker's {@code autoCreateTopics} are both on.
     *
     * @throws BrokerException UNKNOWN_TOPIC, INVALID_TOPIC, INVALID_CONFIG (topicCountMax)
     */
    public TopicInfo metadata(String topic, boolean allowAutoCreate) {
        Topic found = topics.get(topic);
        if (found != null) {
            return found.info();
        }
        TopicRegistry.checkName(topic);
        if (!allowAutoCreate || !config.autoCreateTopics()) {
            throw new BrokerException(BrokerError.UNKNOWN_TOPIC, "topic '" + topic + "' does not exist (auto-creation "
                    + (config.autoCreateTopics() ? "not asked for" : "is off") + ")");
        }
        checkOpen();
        try {
            return topics.create(TopicSpec.of(topic, config.defaultQueueCount())).info();
        } catch (BrokerException e) {
            if (e.error() == BrokerError.TOPIC_EXISTS) {
                return topics.require(topic).info();
            }
            throw e;
        }
    }

    /**
     * Appends one RecordBatch v2 (the buffer's remaining bytes, which must not change until the
     * future completes) to a queue. Completes on a broker thread once written, or once fsynced for
     * {@link Acks#DURABLE} or a {@link TopicFlushPolicy#SYNC} topic; fails with a
     * {@link BrokerException}: UNKNOWN_TOPIC, UNKNOWN_QUEUE, INVALID_BATCH, BATCH_TOO_LARGE,
     * STORAGE_FULL, STORAGE_FAILED, SHUTTING_DOWN, and for an idempotent batch (producer id >= 0)
     * OUT_OF_ORDER_SEQUENCE or INVALID_PRODUCER_EPOCH. The batch is validated first (a corrupt batch
     * is INVALID_BATCH whatever its header says). A duplicate of one of the producer's last
     * {@value ProducerStateTable#BATCHES_KEPT} batches on the queue completes with the first
     * append's answer and is not stored again. On a topic with a message-id window, records whose
     * message id is in the window are dropped and listed in {@link ProduceResult#duplicates()}; the
     * others are stored (in a batch rebuilt without the duplicates). Blocks while the storage append
     * queue is full.
     */
    public CompletableFuture<ProduceResult> produce(String topic, int queue, ByteBuffer batch, Acks acks) {
        Topic found;
        try {
            checkOpen();
            found = reader.requireQueue(topic, queue);
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
        boolean flushed = acks == Acks.DURABLE || found.info().flushPolicy() == TopicFlushPolicy.SYNC;
        Durability durability = flushed ? Durability.FLUSHED : Durability.WRITTEN;
        return produces.produce(found, queue, batch, durability);
    }

    /**
     * A producer id this broker never handed out before, for an idempotent producer (epoch 0).
     *
     * @throws BrokerException SHUTTING_DOWN, STORAGE_FAILED (the producer id file cannot be written)
     */
    public long initProducerId() {
        checkOpen();
        try {
            return producerStates.allocateProducerId();
        } catch (UncheckedIOException e) {
            throw new BrokerException(BrokerError.STORAGE_FAILED, e.getMessage());
        }
    }

    /**
     * A long poll: answers at once when {@code minBytes} are readable across the entries, an entry
     * has an error, or {@code maxWaitMs} is 0; else parks until appends make {@code minBytes}
     * readable or the wait ends (then answers with what there is). Per-queue errors are in the
     * results; the future fails with BROKER_BUSY (parkedFetchesMax), INVALID_REQUEST or
     * SHUTTING_DOWN (also for parked fetches when the broker closes).
     * Cancelling the returned future frees its parked slot at once.
     */
    public CompletableFuture<List<FetchResult>> fetch(FetchRequest request) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new BrokerException(BrokerError.SHUTTING_DOWN,
                    "the broker is shutting down"));
        }
        return fetches.fetch(request);
    }

    /**
     * Reads at once, for push subscriptions: whole batches from the one holding {@code offset}, up
     * to {@code maxBytes} but at least one. Errors (UNKNOWN_TOPIC, UNKNOWN_QUEUE,
     * OFFSET_OUT_OF_RANGE with the right start offset, STORAGE_FAILED) are in the result.
     */
    public FetchResult read(String topic, int queue, long offset, int maxBytes) {
        FetchResult result = reader.read(topic, queue, offset, maxBytes);
        metrics.onRead(result.bytes());
        return result;
    }

    /**
     * Completes normally once the queue's end offset passes {@code offset}, when {@code maxWaitMs}
     * (clamped to {@code fetchMaxWaitMsMax}) passes, or when the broker closes; fails with
     * UNKNOWN_TOPIC, UNKNOWN_QUEUE or BROKER_BUSY (it counts as a parked fetch).
     * Cancelling the returned future frees its parked slot at once.
     */
    public CompletableFuture<Void> awaitData(String topic, int queue, long offset, long maxWaitMs) {
        if (closed.get()) {
            return CompletableFuture.completedFuture(null);
        }
        return fetches.awaitData(topic, queue, offset, maxWaitMs);
    }

    /**
     * -1: the end offset (latest); -2: the start offset (earliest); else the first offset whose
     * record timestamp is at or after {@code timestampMs}, or the end offset when none is.
     *
     * @throws BrokerException UNKNOWN_TOPIC, UNKNOWN_QUEUE, INVALID_REQUEST
     */
    public long listOffset(String topic, int queue, long timestampMs) {
        return reader.listOffset(topic, queue, timestampMs);
    }

    /** Stream-mode consumer groups and committed offsets. */
    public GroupCoordinator groups() {
        return groups;
    }

    /** The message-id window's counters. */
    public MessageIdStats messageIdStats() {
        return messageIds.stats();
    }

    /**
     * Queue-mode consumer groups: any receiver gets any message, per-message acknowledgement,
     * redelivery after a visibility timeout, dead-lettering after max attempts, optional FIFO per key.
     */
    public QueueGroupCoordinator queueGroups() {
        return queueGroups;
    }

    /** Status and counters, cheap enough to scrape every few seconds. */
    public BrokerHealth health() {
        BrokerHealth.Status status = BrokerHealth.Status.OK;
        String failure = null;
        if (closed.get()) {
            status = BrokerHealth.Status.CLOSED;
            failure = "the broker is closed";
        } else if (store.failed()) {
            status = BrokerHealth.Status.STORAGE_FAILED;
            failure = metrics.storageFailure() != null ? metrics.storageFailure()
                    : "the commit log is FAILED after an IO error; restart the broker after fixing the disk";
        }
        return new BrokerHealth(status, failure, metrics.recordsIn(), metrics.bytesIn(), metrics.bytesOut(),
                longPoll.parkedCount(), topics.count(), groups.groupCount() + queueGroups.groupCount(),
                store.writtenPosition(), store.flushedPosition(), store.fsyncCount());
    }

    /**
     * Stops taking requests, completes parked fetches (SHUTTING_DOWN) and data waits, appends a final
     * offsets snapshot, checkpoints and closes the storage, and stops the broker's threads.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        longPoll.close();
        timer.close();
        try {
            offsets.snapshot().get(CLOSE_SNAPSHOT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOGGER.warn("final committed offsets snapshot failed: {}", StorageErrors.unwrapMessage(e));
        }
        try {
            // Dead letters in flight settle first: the snapshot then records them done, not in progress
            // (else the reopened broker dead-letters them again).
            queueGroups.deadLettersSettled().get(CLOSE_SNAPSHOT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            queueGroups.snapshot().get(CLOSE_SNAPSHOT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOGGER.warn("final queue groups snapshot failed: {}", StorageErrors.unwrapMessage(e));
        }
        try {
            store.close();
        } finally {
            completion.close();
        }
        LOGGER.info("broker closed: dataDirectory={}", config.dataDirectory());
    }

    /** Expires sessions now, with the broker's clock (tests drive expiry with an injected clock). */
    int expireSessions() {
        return groups.expireSessions();
    }

    /** Expires idempotent producers idle for {@code producerIdExpirationMs}; returns how many entries left. */
    int expireProducers() {
        int expired = producerStates.expire(clockMs.getAsLong() - config.producerIdExpirationMs());
        if (expired > 0) {
            LOGGER.info("idle producers expired: entryCount={} producerIdExpirationMs={}", expired,
                    config.producerIdExpirationMs());
        }
        return expired;
    }

    /** Drops message ids past their window now; returns how many. */
    int expireMessageIds() {
        return messageIds.expire(clockMs.getAsLong());
    }

    /** Runs the queue groups' sweep now (tests drive time with an injected clock). */
    int sweepQueueGroups() {
        return queueGroups.sweep();
    }

    /** Appends the queue groups snapshot now. */
    CompletableFuture<Void> snapshotQueueGroups() {
        return queueGroups.snapshot();
    }

    /**
     * Appends a broker-made batch (a dead letter) with durable acks, counting it and waking the
     * queue's parked fetches as a produce does.
     */
    private CompletableFuture<AppendResult> appendDurable(QueueId id, ByteBuffer batch) {
        int bytes = batch.remaining();
        CompletableFuture<AppendResult> append;
        try {
            append = store.append(id, batch, Durability.FLUSHED);
        } catch (RuntimeException e) {
            append = CompletableFuture.failedFuture(e);
        }
        append.whenComplete((result, failure) -> {
            if (result != null) {
                metrics.onAppended(result.lastOffset() - result.baseOffset() + 1, bytes);
                longPoll.onAppend(id);
            }
        });
        return append;
    }

    /** Appends the committed-offsets snapshot now. */
    CompletableFuture<Void> snapshotOffsets() {
        return offsets.snapshot();
    }

    /** Runs per-topic retention now; returns how many queues' start offsets moved. */
    int enforceTopicRetention() {
        return topics.enforceRetention();
    }

    /** The storage engine, for tests. */
    LogStore store() {
        return store;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new BrokerException(BrokerError.SHUTTING_DOWN, "the broker is shutting down");
        }
    }
}
