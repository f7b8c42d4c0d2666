package dev.sluice.client.internal;

import dev.sluice.client.Message;
import dev.sluice.client.SendResult;
import dev.sluice.record.Compression;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Collects messages into batches per queue until they are ready to send: when a batch reaches
 * {@code batchBytes}, when its first message has waited {@code lingerMs}, or at once while a
 * flush or close is under way.
 *
 * <p>Ordering: a queue has at most {@code inFlightBatchesPerQueueMax} acknowledged batches in
 * flight, sent in order on one connection, which the broker appends in the order it reads them.
 * A retried batch goes back to the head of its queue ({@link #requeue}); with one batch in flight
 * per queue, batches of a queue are therefore stored in send order even across retries, and with
 * more a retry may land after a later batch (the idempotent producer will close that gap). One-way batches ({@code acks} NONE) are never retried and are not held back.
 *
 * <p>Thread-safe: application threads append, the sender thread drains, requeues and completes;
 * one lock guards everything, held only for in-memory work (no IO, no waiting but in
 * {@link #awaitWork}).
 */
public final class RecordAccumulator {
    /** Identifies a queue's batches: one-way batches of a queue are kept apart. */
    record QueueKey(String topic, int queue, boolean oneway) {}

    /** Told when a batch stops taking messages, so that keyless messages move to another queue. */
    public interface BatchClosedListener {
        /** The batch for {@code queue} of {@code topic} takes no more messages. */
        void onBatchClosed(String topic, int queue);
    }

    private final int lingerMs;
    private final int configuredBatchBytes;
    /** {@code batchBytes}, or less once the broker told a smaller {@code batchBytesMax}. */
    private int batchBytes;
    private final Compression compression;
    private final BatchClosedListener closedListener;

    private final Map<QueueKey, Deque<ProducerBatch>> queues = new LinkedHashMap<>();
    /** Acknowledged batches taken and not yet completed, per queue. */
    private final Map<QueueKey, Integer> inFlight = new HashMap<>();
    private final int inFlightBatchesPerQueueMax;
    private final Set<ProducerBatch> incomplete = new HashSet<>();
    private long nextSequence;
    private int flushesInProgress;
    private boolean closing;
    private boolean wakeup;

    /** An accumulator with the producer's batching settings. */
    public RecordAccumulator(int lingerMs, int batchBytes, Compression compression, BatchClosedListener closedListener) {
        this(lingerMs, batchBytes, compression, closedListener, 1);
    }

    /**
     * An accumulator that lets up to {@code inFlightBatchesPerQueueMax} acknowledged batches of one
     * queue be in flight at once (1: strict order even across retries).
     */
    public RecordAccumulator(int lingerMs, int batchBytes, Compression compression, BatchClosedListener closedListener,
            int inFlightBatchesPerQueueMax) {
        this.inFlightBatchesPerQueueMax = inFlightBatchesPerQueueMax;
        this.lingerMs = lingerMs;
        this.configuredBatchBytes = batchBytes;
        this.batchBytes = batchBytes;
        this.compression = compression;
        this.closedListener = closedListener;
    }

    /**
     * Caps batches at the broker's {@code batchBytesMax} (told on connect) when it is below the
     * producer's {@code batchBytes}; batches already open keep filling to the new cap only.
     */
    public synchronized void limitBatchBytes(int brokerBatchBytesMax) {
        batchBytes = Math.min(configuredBatchBytes, brokerBatchBytesMax);
    }

    /**
     * Adds a message to the open batch of its queue, or to a new batch.
     *
     * @param sizeBytes the message's size estimate, already reserved from the buffer budget
     * @return the future of the send, completed by the sender
     */
    public synchronized CompletableFuture<SendResult> append(
            String topic, int queue, boolean oneway, Message message, long timestampMs, int sizeBytes, long nowMs) {
        QueueKey key = new QueueKey(topic, queue, oneway);
        Deque<ProducerBatch> deque = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
        ProducerBatch last = deque.peekLast();
        CompletableFuture<SendResult> future = null;
        if (last != null) {
            future = last.tryAppend(message, timestampMs, sizeBytes, batchBytes);
            if (future == null) {
                closeLocked(last);
            }
        }
        if (future == null) {
            ProducerBatch batch = new ProducerBatch(topic, queue, oneway, compression, nowMs, nextSequence++);
            future = batch.tryAppend(message, timestampMs, sizeBytes, batchBytes);
            deque.addLast(batch);
            incomplete.add(batch);
            last = batch;
            wakeupLocked();
        }
        if (last.isFull(batchBytes)) {
            closeLocked(last);
            wakeupLocked();
        }
        return future;
    }

    /**
     * Takes the batches ready at {@code nowMs}: at most one per queue, none of a queue that has a
     * batch in flight, at most {@code countMax}. Acknowledged batches taken count as in flight
     * until {@link #complete} or {@link #requeue}.
     */
    public synchronized List<ProducerBatch> drain(long nowMs, int countMax) {
        List<ProducerBatch> ready = new ArrayList<>();
        for (Map.Entry<QueueKey, Deque<ProducerBatch>> entry : queues.entrySet()) {
            if (ready.size() >= countMax) {
                break;
            }
            QueueKey key = entry.getKey();
            Deque<ProducerBatch> deque = entry.getValue();
            ProducerBatch head;
            while ((head = deque.peekFirst()) != null && ready.size() < countMax && hasRoomLocked(key)
                    && isReadyLocked(head, deque, nowMs)) {
                deque.pollFirst();
                if (!head.isClosed()) {
                    closeLocked(head);
                }
                if (!key.oneway()) {
                    inFlight.merge(key, 1, Integer::sum);
                }
                ready.add(head);
            }
        }
        queues.values().removeIf(Deque::isEmpty);
        return ready;
    }

    private boolean isReadyLocked(ProducerBatch head, Deque<ProducerBatch> deque, long nowMs) {
        if (head.retryAtMs() > nowMs) {
            return false;
        }
        return head.isClosed() || deque.size() > 1 || nowMs - head.createdMs() >= lingerMs || flushesInProgress > 0
                || closing;
    }

    /**
     * How long the sender may sleep from {@code nowMs} before a batch can become ready, or
     * {@code maxWaitMs} if none is waiting; 0 if one is ready now.
     */
    public synchronized long nextReadyDelayMs(long nowMs, long maxWaitMs) {
        long delay = maxWaitMs;
        for (Map.Entry<QueueKey, Deque<ProducerBatch>> entry : queues.entrySet()) {
            ProducerBatch head = entry.getValue().peekFirst();
            if (head == null || !hasRoomLocked(entry.getKey())) {
                continue;
            }
            Deque<ProducerBatch> deque = entry.getValue();
            boolean readyWithoutLinger = head.isClosed() || deque.size() > 1 || flushesInProgress > 0 || closing;
            long readyAt = readyWithoutLinger ? head.retryAtMs() : Math.max(head.retryAtMs(), head.createdMs() + lingerMs);
            delay = Math.min(delay, Math.max(0, readyAt - nowMs));
        }
        return delay;
    }

    /**
     * Removes the waiting batches (not in flight) whose first message was appended
     * {@code deliveryTimeoutMs} or more before {@code nowMs}, for the sender to fail.
     */
    public synchronized List<ProducerBatch> expire(long nowMs, long deliveryTimeoutMs) {
        List<ProducerBatch> expired = new ArrayList<>();
        for (Map.Entry<QueueKey, Deque<ProducerBatch>> entry : queues.entrySet()) {
            if (inFlight.containsKey(entry.getKey())) {
                continue;
            }
            Iterator<ProducerBatch> batches = entry.getValue().iterator();
            while (batches.hasNext()) {
                ProducerBatch batch = batches.next();
                if (nowMs - batch.createdMs() < deliveryTimeoutMs) {
                    break;
                }
                batches.remove();
                closeLocked(batch);
                expired.add(batch);
            }
        }
        queues.values().removeIf(Deque::isEmpty);
        return expired;
    }

    /** Puts a batch whose attempt failed back at the head of its queue, ready at {@code retryAtMs}. */
    public synchronized void requeue(ProducerBatch batch, long retryAtMs) {
        QueueKey key = new QueueKey(batch.topic(), batch.queue(), batch.oneway());
        batch.retryAtMs(retryAtMs);
        // In creation order among the waiting batches: several batches of a queue are in flight at
        // once and come back one by one, in any order; pushing each to the front would reverse them.
        Deque<ProducerBatch> deque = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
        Deque<ProducerBatch> older = new ArrayDeque<>();
        while (!deque.isEmpty() && deque.peekFirst().sequence() < batch.sequence()) {
            older.addFirst(deque.pollFirst());
        }
        deque.addFirst(batch);
        while (!older.isEmpty()) {
            deque.addFirst(older.pollFirst());
        }
        releaseInFlightLocked(key);
        wakeupLocked();
    }

    /** Records that a taken batch is completed or failed for good: its queue may send again. */
    public synchronized void complete(ProducerBatch batch) {
        if (!batch.oneway()) {
            releaseInFlightLocked(new QueueKey(batch.topic(), batch.queue(), false));
        }
        incomplete.remove(batch);
        notifyAll();
        wakeupLocked();
    }

    /** Takes every waiting batch, for failing them when the producer closes without sending. */
    public synchronized List<ProducerBatch> drainAll() {
        List<ProducerBatch> all = new ArrayList<>();
        for (Deque<ProducerBatch> deque : queues.values()) {
            all.addAll(deque);
        }
        queues.clear();
        return all;
    }

    /** Makes every batch ready until {@link #endFlush}; returns the futures to wait for. */
    public synchronized List<CompletableFuture<SendResult>> beginFlush() {
        flushesInProgress++;
        wakeupLocked();
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (ProducerBatch batch : incomplete) {
            futures.addAll(batch.futures());
        }
        return futures;
    }

    /** Ends a flush begun with {@link #beginFlush}. */
    public synchronized void endFlush() {
        flushesInProgress--;
    }

    /** From now on every batch is ready at once: the producer is closing. */
    public synchronized void beginClose() {
        closing = true;
        wakeupLocked();
    }

    /** Whether no batch waits or is in flight. */
    public synchronized boolean isEmpty() {
        return incomplete.isEmpty();
    }

    /** Batches waiting or in flight. */
    public synchronized int incompleteCount() {
        return incomplete.size();
    }

    /** Wakes the sender from {@link #awaitWork}. */
    public synchronized void wakeup() {
        wakeupLocked();
    }

    /** Sender: waits up to {@code timeoutMs} unless woken since the last call. */
    public synchronized void awaitWork(long timeoutMs) throws InterruptedException {
        if (!wakeup && timeoutMs > 0) {
            wait(timeoutMs);
        }
        wakeup = false;
    }

    private boolean hasRoomLocked(QueueKey key) {
        return key.oneway() || inFlight.getOrDefault(key, 0) < inFlightBatchesPerQueueMax;
    }

    private void releaseInFlightLocked(QueueKey key) {
        inFlight.computeIfPresent(key, (k, count) -> count > 1 ? count - 1 : null);
    }

    private void wakeupLocked() {
        wakeup = true;
        notifyAll();
    }

    private void closeLocked(ProducerBatch batch) {
        if (!batch.isClosed()) {
            batch.close();
            if (closedListener != null) {
                closedListener.onBatchClosed(batch.topic(), batch.queue());
            }
        }
    }
}
