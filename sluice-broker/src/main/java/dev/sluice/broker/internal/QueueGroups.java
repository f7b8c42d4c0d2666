package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.FetchResult;
import dev.sluice.broker.QueueAck;
import dev.sluice.broker.QueueAckResult;
import dev.sluice.broker.QueueAckType;
import dev.sluice.broker.QueueDeliveries;
import dev.sluice.broker.QueueDelivery;
import dev.sluice.broker.QueueGroupCoordinator;
import dev.sluice.broker.QueueGroupDescription;
import dev.sluice.broker.QueueGroupQueue;
import dev.sluice.broker.QueueGroupSettings;
import dev.sluice.broker.QueueOffsets;
import dev.sluice.broker.QueueReceiveRequest;
import dev.sluice.broker.QueueReceiveResult;
import dev.sluice.record.InvalidBatchException;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.record.RecordBatchReader;
import dev.sluice.record.RecordCursor;
import dev.sluice.storage.Durability;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.QueueId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue-mode {@link QueueGroupCoordinator}: groups, their {@link AckTracker}s, long-poll
 * receives, acknowledgements, dead-lettering ({@link DeadLetterWriter}) and the state topic
 * ({@link QueueGroupLog}).
 *
 * <p><b>Order and durability.</b> One lock (this object) guards every group; each operation changes
 * the trackers and appends the changes to {@code __queue_groups} under it, so the log holds the
 * changes in the order they were made and replay at open rebuilds the same state. A receive is
 * answered, an acknowledgement completed, after its append is written (not fsynced). Deadlines are
 * absolute times of the broker's clock: they survive a restart, and their expiry is not stored.
 *
 * <p><b>Time.</b> Expiry is applied whenever a group's queue is touched (receive, acknowledge,
 * describe) and by {@link #sweep()}, which the broker's timer runs every {@value #SWEEP_INTERVAL_MS}
 * ms: it dead-letters what ran out of attempts and wakes parked receives when something became
 * available.
 *
 * <p>Thread-safe. Completions run on the {@link CompletionExecutor}, never on storage threads.
 * (Longer than the house's 500 lines on purpose: everything that changes trackers and appends under
 * the one lock is here, so the lock's reach is one file; request checks live in {@link QueueRequests},
 * the state machine in {@link AckTracker}, formats in {@link QueueGroupRecords}.)
 */
public final class QueueGroups implements QueueGroupCoordinator {
    /** How often the timer expires deadlines and wakes parked receives. */
    public static final long SWEEP_INTERVAL_MS = 100;
    /** The most entries in one acknowledge. */
    public static final int ACK_COUNT_MAX = 100_000;
    /** How long a failed dead-letter append waits before it is tried again. */
    static final long DEAD_LETTER_RETRY_MS = 5_000;
    /** Bytes read per step when loading record keys for message groups. */
    private static final int KEY_READ_BYTES = 64 * 1024;
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueGroups.class);

    private final BrokerConfig config;
    private final TopicRegistry topics;
    private final QueueReader reader;
    private final StreamGroups streamGroups;
    private final Set<String> queueModeNames;
    private final LongPoll longPoll;
    private final CompletionExecutor completion;
    private final BrokerMetrics metrics;
    private final LongSupplier clockMs;
    private final BooleanSupplier closing;
    private final QueueGroupLog log;
    private final DeadLetterWriter deadLetters;
    /** Dead letters appended but not yet settled in their trackers (close waits for them). */
    private final java.util.Set<CompletableFuture<Void>> deadLettersInFlight =
            java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, QueueGroup> groups = new TreeMap<>();

    /** What the queue groups need from the broker. */
    public record Context(BrokerConfig config, LogStore store, TopicRegistry topics, QueueReader reader,
            StreamGroups streamGroups, Set<String> queueModeNames, LongPoll longPoll, CompletionExecutor completion,
            BrokerMetrics metrics, LongSupplier clockMs, BooleanSupplier closing,
            DeadLetterWriter.Appender appender) {}

    private QueueGroups(Context context) {
        this.config = context.config();
        this.topics = context.topics();
        this.reader = context.reader();
        this.streamGroups = context.streamGroups();
        this.queueModeNames = context.queueModeNames();
        this.longPoll = context.longPoll();
        this.completion = context.completion();
        this.metrics = context.metrics();
        this.clockMs = context.clockMs();
        this.closing = context.closing();
        this.log = new QueueGroupLog(context.store(), clockMs);
        this.deadLetters = new DeadLetterWriter(topics, reader, context.appender(),
                context.store().config().batchBytesMax() / 2);
    }

    /** Rebuilds the groups from {@code __queue_groups}, keeping those whose topic exists. */
    public static QueueGroups load(Context context) {
        QueueGroups queueGroups = new QueueGroups(context);
        Map<String, QueueGroupRecords.GroupValue> values = new TreeMap<>();
        Map<String, Map<Integer, AckTracker>> trackers = new HashMap<>();
        long recordCount = QueueGroupLog.load(context.store(), record -> apply(record, values, trackers));
        synchronized (queueGroups) {
            for (Map.Entry<String, QueueGroupRecords.GroupValue> entry : values.entrySet()) {
                Topic topic = context.topics().get(entry.getValue().topic());
                if (topic == null) {
                    continue;
                }
                Map<Integer, AckTracker> loaded = trackers.getOrDefault(entry.getKey(), Map.of());
                AckTracker[] queues = new AckTracker[topic.queueCount()];
                for (int queue = 0; queue < queues.length; queue++) {
                    queues[queue] = loaded.get(queue);
                    if (queues[queue] == null) {
                        queues[queue] = new AckTracker(context.reader().offsets(topic, queue).startOffset());
                    }
                    queues[queue].afterLoad();
                }
                QueueGroupRecords.GroupValue value = entry.getValue();
                queueGroups.groups.put(entry.getKey(),
                        new QueueGroup(entry.getKey(), topic.name(), value.settings(), value.createTimeMs(), queues));
                context.queueModeNames().add(entry.getKey());
            }
        }
        LOGGER.info("queue groups loaded: groupCount={} recordCount={}", queueGroups.groups.size(), recordCount);
        return queueGroups;
    }

    private static void apply(Record record, Map<String, QueueGroupRecords.GroupValue> values,
            Map<String, Map<Integer, AckTracker>> trackers) {
        QueueGroupRecords.Key key = QueueGroupRecords.parseKey(record.key());
        if (key.type() == QueueGroupRecords.TYPE_GROUP) {
            if (record.value() == null) {
                values.remove(key.group());
                trackers.remove(key.group());
            } else {
                values.put(key.group(), QueueGroupRecords.parseGroupValue(record.value()));
            }
            return;
        }
        QueueGroupRecords.TrackerValue value = QueueGroupRecords.parseTrackerValue(record.value());
        trackers.computeIfAbsent(key.group(), ignored -> new HashMap<>())
                .computeIfAbsent(key.queue(), ignored -> new AckTracker(value.startOffset())).apply(value);
    }

    /** Whether {@code group} is a queue-mode group. Lock-free. */
    public boolean isQueueGroup(String group) {
        return queueModeNames.contains(group);
    }

    // ---------------------------------------------------------------- receive

    @Override
    public CompletableFuture<QueueReceiveResult> receive(QueueReceiveRequest request) {
        try {
            checkOpen();
            QueueRequests.check(request);
            Topic topic = topics.require(request.topic());
            ReceiveWaiter waiter;
            synchronized (this) {
                QueueGroup group = groupForReceiveLocked(request, topic);
                CompletableFuture<QueueReceiveResult> acquired = acquireLocked(group, topic, request);
                if (acquired != null || request.maxWaitMs() == 0) {
                    return acquired != null ? acquired : CompletableFuture.completedFuture(empty());
                }
                waiter = new ReceiveWaiter(request, topic);
            }
            longPoll.park(waiter, Math.min(request.maxWaitMs(), config.fetchMaxWaitMsMax()));
            // A caller gone (its connection closed) cancels: the parked slot is freed at once.
            waiter.future.whenComplete((ignored, failure) -> {
                if (waiter.future.isCancelled()) {
                    waiter.claim();
                }
            });
            return waiter.future;
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(StorageErrors.toBrokerException(e));
        }
    }

    private static QueueReceiveResult empty() {
        return new QueueReceiveResult(List.of());
    }

    private QueueGroup groupForReceiveLocked(QueueReceiveRequest request, Topic topic) {
        QueueGroupSettings asked = QueueRequests.resolved(request);
        QueueGroup group = groups.get(request.group());
        if (group != null) {
            if (!group.topic.equals(topic.name()) || !group.settings.equals(asked)) {
                throw new BrokerException(BrokerError.GROUP_MODE_MISMATCH, String.format(
                        "queue-mode group %s has topic %s and %s; the request asks for topic %s and %s", group.name,
                        group.topic, QueueRequests.describe(group.settings), topic.name(), QueueRequests.describe(asked)));
            }
            return group;
        }
        if (groups.size() >= config.groupCountMax()) {
            throw new BrokerException(BrokerError.BROKER_BUSY, String.format(
                    "queue-mode group %s would be group %,d; groupCountMax is %,d", request.group(), groups.size() + 1,
                    config.groupCountMax()));
        }
        // Under the stream-mode coordinator's lock, so that no stream-mode group of this name appears meanwhile.
        streamGroups.claimForQueueMode(request.group(), () -> queueModeNames.add(request.group()));
        AckTracker[] trackers = new AckTracker[topic.queueCount()];
        for (int queue = 0; queue < trackers.length; queue++) {
            trackers[queue] = new AckTracker(reader.offsets(topic, queue).startOffset());
        }
        QueueGroup created = new QueueGroup(request.group(), topic.name(), asked, clockMs.getAsLong(), trackers);
        created.metadataDirty = true;
        groups.put(created.name, created);
        LOGGER.info("queue group created: group={} topic={} maxAttempts={} deadLetterTopic={} messageGroups={}",
                created.name, created.topic, asked.maxAttempts(), asked.deadLetterTopic(), asked.messageGroups());
        return created;
    }

    /**
     * Acquires what is available, appends the acquisitions and returns the answer that completes
     * once they are written; null when nothing was available (changes are still appended).
     */
    private CompletableFuture<QueueReceiveResult> acquireLocked(QueueGroup group, Topic topic,
            QueueReceiveRequest request) {
        long nowMs = clockMs.getAsLong();
        int queueCount = group.trackers.length;
        int start = Math.floorMod(group.nextQueue++, queueCount);
        int remaining = request.maxMessages();
        long bytes = 0;
        boolean anyBatch = false;
        List<QueueDeliveries> answer = new ArrayList<>();
        for (int step = 0; step < queueCount && remaining > 0; step++) {
            int queue = (start + step) % queueCount;
            AckTracker tracker = group.trackers[queue];
            refreshLocked(group, topic, queue, nowMs);
            QueueOffsets range = reader.offsets(topic, queue);
            List<Long> chosen = tracker.select(nowMs, range.endOffset(), config.queueGroupWindowMax(), remaining,
                    group.settings.maxAttempts(), group.settings.messageGroups() ? keyLoader(topic, queue) : null);
            List<ByteBuffer> batches = new ArrayList<>();
            List<QueueDelivery> deliveries = new ArrayList<>();
            int index = 0;
            while (index < chosen.size()) {
                long offset = chosen.get(index);
                FetchResult read = reader.read(topic.name(), queue, offset, 1);
                if (read.error() != null || read.batches().isEmpty()) {
                    break;
                }
                ByteBuffer batch = read.batches().get(0);
                long base = RecordBatchDescriptor.baseOffset(batch, batch.position());
                long last = base + RecordBatchDescriptor.lastOffsetDelta(batch, batch.position());
                if (anyBatch && bytes + batch.remaining() > request.maxBytes()) {
                    remaining = 0;
                    break;
                }
                if (offset < base || offset > last) {
                    break;
                }
                batches.add(batch);
                bytes += batch.remaining();
                anyBatch = true;
                while (index < chosen.size() && chosen.get(index) <= last) {
                    long delivered = chosen.get(index++);
                    int count = tracker.acquire(delivered, nowMs + request.visibilityTimeoutMs());
                    deliveries.add(new QueueDelivery(delivered, count));
                }
            }
            if (!deliveries.isEmpty()) {
                answer.add(new QueueDeliveries(queue, batches, deliveries));
                remaining -= deliveries.size();
            }
        }
        CompletableFuture<Void> persisted = persistLocked(group);
        if (answer.isEmpty()) {
            return null;
        }
        answer.sort(Comparator.comparingInt(QueueDeliveries::queue));
        long answerBytes = bytes;
        return persisted.handleAsync((ignored, failure) -> {
            if (failure != null) {
                throw StorageErrors.toBrokerException(failure);
            }
            metrics.onRead(answerBytes);
            return new QueueReceiveResult(answer);
        }, completion);
    }

    /** Whether a receive of the group would acquire something now. */
    private boolean anyAvailableLocked(QueueGroup group, Topic topic) {
        long nowMs = clockMs.getAsLong();
        for (int queue = 0; queue < group.trackers.length; queue++) {
            refreshLocked(group, topic, queue, nowMs);
            QueueOffsets range = reader.offsets(topic, queue);
            if (!group.trackers[queue].select(nowMs, range.endOffset(), config.queueGroupWindowMax(), 1,
                    group.settings.maxAttempts(), group.settings.messageGroups() ? keyLoader(topic, queue) : null)
                    .isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private AckTracker.KeyLoader keyLoader(Topic topic, int queue) {
        return (fromOffset, toOffset, sink) -> {
            FetchResult read = reader.read(topic.name(), queue, fromOffset, KEY_READ_BYTES);
            try {
                for (ByteBuffer batch : read.batches()) {
                    RecordCursor cursor = RecordBatchReader.cursor(batch, batch.position());
                    while (cursor.next()) {
                        if (cursor.offset() >= fromOffset && cursor.offset() < toOffset) {
                            byte[] key = cursor.key();
                            sink.accept(cursor.offset(), key == null ? null : ByteBuffer.wrap(key));
                        }
                    }
                }
            } catch (InvalidBatchException | UnsupportedOperationException e) {
                // Records whose keys cannot be read count as keyless: they block no one.
                LOGGER.debug("record keys unreadable: topic={} queue={} offset={} cause={}", topic.name(), queue,
                        fromOffset, e.getMessage());
            }
        };
    }

    /**
     * Brings a tracker up to date: its start offset past records retention deleted, deadlines that
     * ran out, dead letters that are due. Returns whether something may have become deliverable.
     */
    private boolean refreshLocked(QueueGroup group, Topic topic, int queue, long nowMs) {
        AckTracker tracker = group.trackers[queue];
        long skipped = moveStartLocked(group, topic, queue);
        boolean ready = tracker.expire(nowMs);
        if (tracker.deadLetterCheckPending()) {
            List<Long> due = tracker.dueDeadLetters(nowMs, group.settings.maxAttempts());
            if (!due.isEmpty()) {
                List<DeadLetterWriter.Letter> letters = new ArrayList<>(due.size());
                for (long offset : due) {
                    letters.add(new DeadLetterWriter.Letter(offset, tracker.entry(offset).deliveryCount,
                            "visibility timeout after max attempts", false));
                }
                deadLetterLocked(group, topic, queue, letters);
            }
        }
        return ready || skipped > 0;
    }

    /** Moves the tracker's start offset past records retention deleted; returns how many were not done. */
    private long moveStartLocked(QueueGroup group, Topic topic, int queue) {
        AckTracker tracker = group.trackers[queue];
        long skipped = tracker.moveStartTo(reader.offsets(topic, queue).startOffset());
        if (skipped > 0) {
            group.retentionSkippedCount += skipped;
            LOGGER.warn("queue group start offset moved by retention: group={} topic={} queue={} startOffset={} "
                    + "skippedCount={}", group.name, topic.name(), queue, tracker.startOffset(), skipped);
        }
        return skipped;
    }

    // ---------------------------------------------------------------- acknowledge

    @Override
    public CompletableFuture<List<QueueAckResult>> acknowledge(String groupName, String topicName, List<QueueAck> acks) {
        try {
            checkOpen();
            StreamGroups.checkName("group", groupName, false);
            QueueRequests.checkRange("acks", acks.size(), 0, ACK_COUNT_MAX);
            Topic topic = topics.require(topicName);
            synchronized (this) {
                QueueGroup group = groups.get(groupName);
                if (group == null && streamGroups.describe(groupName).topic() != null) {
                    throw new BrokerException(BrokerError.GROUP_MODE_MISMATCH, String.format(
                            "group %s is a stream-mode group; queue-mode acknowledgements need a queue-mode group",
                            groupName));
                }
                if (group != null && !group.topic.equals(topicName)) {
                    throw new BrokerException(BrokerError.GROUP_MODE_MISMATCH, String.format(
                            "queue-mode group %s has topic %s, not %s", groupName, group.topic, topicName));
                }
                if (group == null) {
                    List<QueueAckResult> results = new ArrayList<>(acks.size());
                    for (QueueAck ack : acks) {
                        results.add(new QueueAckResult(ack.queue(), ack.offset(), BrokerError.DELIVERY_EXPIRED,
                                "there is no queue-mode group " + groupName + " (its topic may have been deleted)"));
                    }
                    return CompletableFuture.completedFuture(results);
                }
                return acknowledgeLocked(group, topic, acks);
            }
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(StorageErrors.toBrokerException(e));
        }
    }

    private CompletableFuture<List<QueueAckResult>> acknowledgeLocked(QueueGroup group, Topic topic,
            List<QueueAck> acks) {
        long nowMs = clockMs.getAsLong();
        QueueAckResult[] results = new QueueAckResult[acks.size()];
        Map<Integer, List<DeadLetterWriter.Letter>> letters = new TreeMap<>();
        Map<Integer, List<Integer>> letterIndexes = new HashMap<>();
        boolean[] refreshed = new boolean[group.trackers.length];
        boolean wake = false;
        for (int i = 0; i < results.length; i++) {
            QueueAck ack = acks.get(i);
            String invalid = QueueRequests.invalid(ack, group.trackers.length);
            if (invalid != null) {
                results[i] = new QueueAckResult(ack.queue(), ack.offset(),
                        ack.queue() < 0 || ack.queue() >= group.trackers.length ? BrokerError.UNKNOWN_QUEUE
                                : BrokerError.INVALID_REQUEST, invalid);
                continue;
            }
            AckTracker tracker = group.trackers[ack.queue()];
            if (!refreshed[ack.queue()]) {
                refreshLocked(group, topic, ack.queue(), nowMs);
                refreshed[ack.queue()] = true;
            }
            AckTracker.Entry entry = tracker.acquired(ack.offset(), ack.deliveryCount(), nowMs);
            if (entry == null) {
                results[i] = new QueueAckResult(ack.queue(), ack.offset(), BrokerError.DELIVERY_EXPIRED,
                        String.format("offset %,d of queue %d is not acquired under delivery count %d: %s (group %s)",
                                ack.offset(), ack.queue(), ack.deliveryCount(),
                                tracker.whyNotAcquired(ack.offset(), ack.deliveryCount(), nowMs), group.name));
                continue;
            }
            results[i] = QueueAckResult.ok(ack.queue(), ack.offset());
            switch (ack.type()) {
                case ACK -> {
                    tracker.markDone(ack.offset());
                    wake = true;
                }
                case RENEW -> tracker.renew(ack.offset(), nowMs + ack.delayMs());
                case NACK, REJECT -> {
                    boolean lastAttempt = entry.deliveryCount >= group.settings.maxAttempts();
                    if (ack.type() == QueueAckType.NACK && !lastAttempt) {
                        tracker.release(ack.offset(), ack.delayMs() == 0 ? 0 : nowMs + ack.delayMs());
                        wake = true;
                    } else {
                        String reason = ack.type() == QueueAckType.NACK ? "max attempts"
                                : "rejected: " + (ack.reason() == null ? "no reason given" : ack.reason());
                        letters.computeIfAbsent(ack.queue(), ignored -> new ArrayList<>())
                                .add(new DeadLetterWriter.Letter(ack.offset(), entry.deliveryCount, reason,
                                        ack.type() == QueueAckType.REJECT));
                        letterIndexes.computeIfAbsent(ack.queue(), ignored -> new ArrayList<>()).add(i);
                    }
                }
            }
        }
        CompletableFuture<?>[] waits = new CompletableFuture<?>[results.length];
        for (Map.Entry<Integer, List<DeadLetterWriter.Letter>> queueLetters : letters.entrySet()) {
            CompletableFuture<Void> written = deadLetterLocked(group, topic, queueLetters.getKey(), queueLetters.getValue());
            for (int index : letterIndexes.get(queueLetters.getKey())) {
                waits[index] = written;
            }
        }
        CompletableFuture<Void> persisted = persistLocked(group);
        if (wake) {
            wake(topic);
        }
        List<CompletableFuture<?>> all = new ArrayList<>();
        all.add(persisted);
        for (CompletableFuture<?> wait : waits) {
            if (wait != null) {
                all.add(wait);
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handleAsync((ignored, failure) -> {
            Throwable stateFailure = persisted.handle((value, cause) -> cause).join();
            if (stateFailure != null) {
                throw StorageErrors.toBrokerException(stateFailure);
            }
            List<QueueAckResult> answer = new ArrayList<>(results.length);
            for (int i = 0; i < results.length; i++) {
                Throwable letterFailure = waits[i] == null ? null : waits[i].handle((value, cause) -> cause).join();
                if (letterFailure != null) {
                    BrokerException error = StorageErrors.toBrokerException(letterFailure);
                    answer.add(new QueueAckResult(results[i].queue(), results[i].offset(), error.error(),
                            "the dead-letter append failed: " + error.getMessage()));
                } else {
                    answer.add(results[i]);
                }
            }
            return answer;
        }, completion);
    }

    // ---------------------------------------------------------------- dead letters

    /**
     * Dead-letters the letters' offsets (acquired or due): copies them to the dead-letter topic, and
     * once that is durable marks them done and appends the change. Without a dead-letter topic they
     * are dropped (done, counted) at once. Completes when the change is written.
     */
    private CompletableFuture<Void> deadLetterLocked(QueueGroup group, Topic topic, int queue,
            List<DeadLetterWriter.Letter> letters) {
        AckTracker tracker = group.trackers[queue];
        if (group.settings.deadLetterTopic().isEmpty()) {
            for (DeadLetterWriter.Letter letter : letters) {
                tracker.deadLettered(letter.offset());
                LOGGER.warn("message dropped, the group has no dead-letter topic: group={} topic={} queue={} "
                        + "offset={} deliveryCount={} reason={}", group.name, topic.name(), queue, letter.offset(),
                        letter.deliveryCount(), letter.reason());
            }
            return persistLocked(group);
        }
        for (DeadLetterWriter.Letter letter : letters) {
            tracker.beginDeadLetter(letter.offset());
        }
        CompletableFuture<Void> written = deadLetters.write(group.name, topic, queue, group.settings.deadLetterTopic(),
                letters);
        CompletableFuture<Void> done = new CompletableFuture<>();
        deadLettersInFlight.add(done);
        done.whenComplete((ignored, failure) -> deadLettersInFlight.remove(done));
        written.whenCompleteAsync((ignored, failure) -> {
            CompletableFuture<Void> persisted;
            synchronized (this) {
                if (groups.get(group.name) != group) {
                    done.complete(null);
                    return;
                }
                long nowMs = clockMs.getAsLong();
                for (DeadLetterWriter.Letter letter : letters) {
                    AckTracker.Entry entry = tracker.entry(letter.offset());
                    if (entry == null || entry.state != AckTracker.State.DEAD_LETTERING) {
                        continue;
                    }
                    if (failure == null) {
                        tracker.deadLettered(letter.offset());
                    } else {
                        tracker.deadLetterFailed(letter.offset(), letter.rejected(), nowMs + DEAD_LETTER_RETRY_MS);
                    }
                }
                if (failure != null) {
                    LOGGER.warn("dead-letter append failed (REJECTs stay acquired, the rest are retried in 5 s): group={} "
                            + "topic={} queue={} count={} cause={}",
                            group.name, topic.name(), queue, letters.size(), StorageErrors.unwrapMessage(failure));
                }
                persisted = persistLocked(group);
                wake(topic);
            }
            persisted.whenComplete((value, persistFailure) -> {
                Throwable cause = failure != null ? failure : persistFailure;
                if (cause != null) {
                    done.completeExceptionally(cause);
                } else {
                    done.complete(null);
                }
            });
        }, completion);
        return done;
    }

    // ---------------------------------------------------------------- persistence

    /** Appends the group's changes (metadata when new, changed tracker entries); completes when written. */
    private CompletableFuture<Void> persistLocked(QueueGroup group) {
        List<QueueGroupLog.Pending> records = new ArrayList<>();
        if (group.metadataDirty) {
            QueueGroupLog.group(records, group.name, group.value());
            group.metadataDirty = false;
        }
        for (int queue = 0; queue < group.trackers.length; queue++) {
            AckTracker tracker = group.trackers[queue];
            if (tracker.changed()) {
                log.tracker(records, group.name, queue, QueueGroupRecords.KIND_DELTA, tracker, tracker.drainDirty());
            }
        }
        CompletableFuture<Void> appended = log.append(records, Durability.WRITTEN);
        appended.whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOGGER.warn("queue group state append failed: group={} cause={}", group.name,
                        StorageErrors.unwrapMessage(failure));
            }
        });
        return appended;
    }

    /**
     * Completes when every dead letter in flight now has settled in its tracker (written: done;
     * failed: to be retried), whatever the outcome, so that a snapshot taken after it does not
     * record them as still in progress and a reopened broker does not dead-letter them again.
     */
    public CompletableFuture<Void> deadLettersSettled() {
        CompletableFuture<?>[] inFlight = deadLettersInFlight.stream()
                .map(future -> future.handle((ignored, failure) -> null)).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(inFlight);
    }

    /**
     * Appends every group's metadata and every tracker's full state, so that retention of the state
     * topic never loses one (as the offsets snapshot); completes once fsynced.
     */
    public CompletableFuture<Void> snapshot() {
        synchronized (this) {
            List<QueueGroupLog.Pending> records = new ArrayList<>();
            for (QueueGroup group : groups.values()) {
                QueueGroupLog.group(records, group.name, group.value());
                group.metadataDirty = false;
                for (int queue = 0; queue < group.trackers.length; queue++) {
                    AckTracker tracker = group.trackers[queue];
                    tracker.drainDirty();
                    log.tracker(records, group.name, queue, QueueGroupRecords.KIND_SNAPSHOT, tracker,
                            tracker.snapshotEntries());
                }
            }
            LOGGER.debug("queue groups snapshot: groupCount={} recordCount={}", groups.size(), records.size());
            return log.append(records, Durability.FLUSHED);
        }
    }

    // ---------------------------------------------------------------- timer, topics, describe

    /**
     * Expires deadlines, starts due dead letters, appends what changed and wakes parked receives of
     * groups where something became available. Run by the timer; returns how many groups woke.
     */
    public int sweep() {
        long nowMs = clockMs.getAsLong();
        int woken = 0;
        synchronized (this) {
            for (QueueGroup group : groups.values()) {
                Topic topic = null;
                boolean ready = false;
                for (int queue = 0; queue < group.trackers.length; queue++) {
                    // Retention moves are left to the next receive or acknowledgement: they need no timer.
                    if (!group.trackers[queue].timerDue(nowMs)) {
                        continue;
                    }
                    topic = topic != null ? topic : topics.get(group.topic);
                    if (topic == null) {
                        break;
                    }
                    ready |= refreshLocked(group, topic, queue, nowMs);
                }
                if (topic != null) {
                    persistLocked(group);
                }
                if (ready) {
                    wake(topic);
                    woken++;
                }
            }
        }
        return woken;
    }

    private void wake(Topic topic) {
        List<QueueId> queues = new ArrayList<>(topic.queueCount());
        for (int queue = 0; queue < topic.queueCount(); queue++) {
            queues.add(topic.queueId(queue));
        }
        longPoll.wakeAll(queues);
    }

    /** The topic was deleted: its queue-mode groups end (tombstones are appended). */
    public CompletableFuture<Void> onTopicDeleted(String topic) {
        synchronized (this) {
            List<QueueGroupLog.Pending> records = new ArrayList<>();
            for (QueueGroup group : new ArrayList<>(groups.values())) {
                if (group.topic.equals(topic)) {
                    groups.remove(group.name);
                    queueModeNames.remove(group.name);
                    QueueGroupLog.group(records, group.name, null);
                    LOGGER.info("queue group ended with its topic: group={} topic={}", group.name, topic);
                }
            }
            return log.append(records, Durability.FLUSHED);
        }
    }

    @Override
    public QueueGroupDescription describe(String groupName) {
        long nowMs = clockMs.getAsLong();
        synchronized (this) {
            QueueGroup group = groups.get(groupName);
            if (group == null) {
                return null;
            }
            Topic topic = topics.get(group.topic);
            List<QueueGroupQueue> queues = new ArrayList<>();
            for (int queue = 0; topic != null && queue < group.trackers.length; queue++) {
                AckTracker tracker = group.trackers[queue];
                moveStartLocked(group, topic, queue);
                tracker.expire(nowMs);
                QueueOffsets range = reader.offsets(topic, queue);
                long start = Math.max(tracker.startOffset(), range.startOffset());
                long[] counts = tracker.counts(nowMs, group.settings.maxAttempts());
                long available = Math.max(0, range.endOffset() - start - counts[0] - counts[1] - counts[2]);
                queues.add(new QueueGroupQueue(queue, start, range.endOffset(), counts[0], available, counts[1],
                        tracker.deadLetteredCount()));
            }
            return new QueueGroupDescription(group.name, group.topic, group.settings, queues);
        }
    }

    @Override
    public List<String> list() {
        synchronized (this) {
            return new ArrayList<>(groups.keySet());
        }
    }

    /** Queue-mode groups. */
    public int groupCount() {
        synchronized (this) {
            return groups.size();
        }
    }

    private void checkOpen() {
        if (closing.getAsBoolean()) {
            throw new BrokerException(BrokerError.SHUTTING_DOWN, "the broker is shutting down");
        }
    }

    /** A parked receive: acquires when something becomes available, answers empty when its wait ends. */
    private final class ReceiveWaiter extends LongPoll.Waiter {
        final CompletableFuture<QueueReceiveResult> future = new CompletableFuture<>();
        final QueueReceiveRequest request;
        final List<QueueId> queues = new ArrayList<>();

        ReceiveWaiter(QueueReceiveRequest request, Topic topic) {
            this.request = request;
            for (int queue = 0; queue < topic.queueCount(); queue++) {
                queues.add(topic.queueId(queue));
            }
        }

        @Override
        protected List<QueueId> queues() {
            return queues;
        }

        @Override
        protected boolean maybeComplete(boolean timedOut) {
            CompletableFuture<QueueReceiveResult> answer;
            synchronized (QueueGroups.this) {
                QueueGroup group = groups.get(request.group());
                Topic topic = topics.get(request.topic());
                boolean gone = group == null || topic == null || !group.topic.equals(topic.name());
                if (!gone && !timedOut && !anyAvailableLocked(group, topic)) {
                    return false;
                }
                if (!claim()) {
                    return false;
                }
                answer = gone ? null : acquireLocked(group, topic, request);
            }
            if (answer == null) {
                future.complete(empty());
            } else {
                answer.whenComplete((result, failure) -> {
                    if (failure != null) {
                        future.completeExceptionally(failure);
                    } else {
                        future.complete(result);
                    }
                });
            }
            return true;
        }

        @Override
        protected void completeOnClose() {
            if (claim()) {
                future.completeExceptionally(new BrokerException(BrokerError.SHUTTING_DOWN,
                        "the broker is shutting down; the parked receive ends"));
            }
        }
    }
}
