package dev.sluice.client.internal;

import dev.sluice.client.ProducerConfig;
import dev.sluice.client.SluiceException;
import dev.sluice.client.SluiceTimeoutException;
import dev.sluice.protocol.Acks;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.InitProducerIdRequest;
import dev.sluice.protocol.InitProducerIdResponse;
import dev.sluice.protocol.ProduceRequest;
import dev.sluice.protocol.ProduceResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's sender thread, {@code sluice-producer-sender}: takes ready batches from the
 * {@link RecordAccumulator}, groups them per topic into PRODUCE requests, sends them, and
 * completes, retries or fails each batch by its answer.
 *
 * <p>It alone owns batches from drain to completion; answers arrive on the event loop and are
 * queued to it, so that application callbacks never run on the network thread. At most
 * {@code inFlightRequestsMax} requests are in flight. A batch whose attempt failed with a
 * retriable error (or a lost connection, or a timeout) goes back to the head of its queue after
 * an exponential back-off with jitter, until {@code deliveryTimeoutMs} after its creation, in
 * creation order before the queue's younger batches (see {@link RecordAccumulator} on order with
 * several batches of a queue in flight). A retried batch may have been stored by the earlier
 * attempt: delivery is at-least-once without idempotence.
 *
 * <p><b>Recovery of a queue's sequence.</b> When a batch fails for good (delivery timeout, a
 * non-retriable error), its sequences were never stored and the broker expects them: the queue's
 * next batch meets OUT_OF_ORDER_SEQUENCE. That answer means "not stored", so the oldest
 * unacknowledged batch of the queue that gets it bumps the queue's epoch (as Kafka's idempotent
 * producer bumps its epoch, here per queue and on the client alone: the broker's table is per
 * queue and accepts a newer epoch starting at sequence 0), restarts the queue's sequences at 0,
 * and is sent again; the queue's later batches are stamped again as they go out. A batch still in
 * flight with the old epoch is answered INVALID_PRODUCER_EPOCH or OUT_OF_ORDER_SEQUENCE (not
 * stored) and is stamped again too.
 */
public final class ProducerSender implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(ProducerSender.class);
    /** The most batch bytes one PRODUCE request carries (one batch alone may exceed it). */
    static final int REQUEST_BYTES_MAX = 8 * 1024 * 1024;
    /** An entry's fields besides its batch: queue (int32) and the batch's length (int32). */
    private static final int ENTRY_OVERHEAD_BYTES = 8;
    /** Room kept below frameBytesMax for the frame header, topic and per-entry fields (as the broker's 1 KiB rule). */
    private static final int REQUEST_OVERHEAD_BYTES = 1_024;
    /** The longest the thread sleeps without looking at expiry and close. */
    private static final long IDLE_WAIT_MS = 100;

    private final ProducerConfig config;
    private final RecordAccumulator accumulator;
    private final BufferMemory memory;
    private final BrokerConnection connection;
    private final TopicMetadata metadata;
    private final RetryBackoff backoff;
    private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
    private int inFlightRequests;
    /** The idempotent producer's id, -1 until INIT_PRODUCER_ID answered (or with idempotence off). */
    private long producerId = -1;
    private short producerEpoch = -1;
    /** Per topic and queue: the next sequence to stamp, and the stamped batches not yet completed, in order. */
    private final Map<String, Integer> nextSequences = new HashMap<>();
    /** Per topic and queue: the epoch its batches are stamped with, when bumped above the producer's. */
    private final Map<String, Short> queueEpochs = new HashMap<>();
    private final Map<String, ArrayDeque<ProducerBatch>> unacknowledged = new HashMap<>();
    private volatile boolean closing;
    private volatile boolean forceClose;
    private volatile boolean stopped;

    /** A sender for one producer. */
    public ProducerSender(ProducerConfig config, RecordAccumulator accumulator, BufferMemory memory,
            BrokerConnection connection, TopicMetadata metadata) {
        this.config = config;
        this.accumulator = accumulator;
        this.memory = memory;
        this.connection = connection;
        this.metadata = metadata;
        this.backoff = RetryBackoff.of(config.retryBackoffMs(), config.retryBackoffMaxMs());
    }

    /** Sends what is buffered, then ends. */
    public void initiateClose() {
        closing = true;
        accumulator.beginClose();
    }

    /** Ends at once; what is left fails. */
    public void forceClose() {
        forceClose = true;
        closing = true;
        accumulator.beginClose();
    }

    @Override
    public void run() {
        try {
            while (true) {
                runCompletions();
                if (forceClose || (closing && accumulator.isEmpty() && inFlightRequests == 0)) {
                    break;
                }
                long nowMs = MonotonicClock.nowMs();
                for (ProducerBatch expired : accumulator.expire(nowMs, config.deliveryTimeoutMs())) {
                    fail(expired, new SluiceTimeoutException(String.format(
                            "%d messages for %s queue %d not sent within deliveryTimeoutMs %,d",
                            expired.messageCount(), expired.topic(), expired.queue(), config.deliveryTimeoutMs())));
                }
                int room = config.inFlightRequestsMax() - inFlightRequests;
                if (room > 0) {
                    sendReady(nowMs, room);
                }
                if (completions.isEmpty()) {
                    accumulator.awaitWork(accumulator.nextReadyDelayMs(MonotonicClock.nowMs(), IDLE_WAIT_MS));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOGGER.error("producer sender failed; buffered messages fail", t);
        } finally {
            stopped = true;
            failRemaining();
        }
    }

    private void failRemaining() {
        runCompletions();
        SluiceException closed = new SluiceException("the producer closed before the message was sent", false);
        for (ProducerBatch batch : accumulator.drainAll()) {
            fail(batch, closed);
        }
    }

    private synchronized void runCompletions() {
        Runnable completion;
        while ((completion = completions.poll()) != null) {
            completion.run();
        }
    }

    private void sendReady(long nowMs, int room) throws InterruptedException {
        if (config.idempotence() && producerId < 0 && !maybeInitProducerId()) {
            return;
        }
        List<ProducerBatch> ready = accumulator.drain(nowMs, Integer.MAX_VALUE);
        if (ready.isEmpty()) {
            return;
        }
        if (producerId >= 0) {
            List<ProducerBatch> stamped = new ArrayList<>(ready.size());
            for (ProducerBatch batch : ready) {
                if (maybeStamp(batch)) {
                    stamped.add(batch);
                } else {
                    // An older batch of its queue is still out with the old epoch: it goes first.
                    accumulator.requeue(batch, nowMs + config.retryBackoffMs());
                }
            }
            ready = stamped;
            if (ready.isEmpty()) {
                return;
            }
        }
        List<List<ProducerBatch>> requests = groupIntoRequests(ready, requestBytesMax());
        for (int i = 0; i < requests.size(); i++) {
            if (i < room) {
                send(requests.get(i));
            } else {
                // Over the in-flight limit: back to the head of their queues, to go next time.
                for (ProducerBatch batch : requests.get(i)) {
                    accumulator.requeue(batch, 0);
                }
            }
        }
    }

    /**
     * Asks the broker for a producer id, blocking this thread for up to {@code requestTimeoutMs};
     * false (after logging) when it could not, to try again on the next round.
     */
    private boolean maybeInitProducerId() throws InterruptedException {
        try {
            InitProducerIdResponse response = connection.<InitProducerIdResponse>send(new InitProducerIdRequest(null),
                    config.requestTimeoutMs()).get();
            if (response.isError()) {
                throw Errors.toException(response.errorCode(), response.errorMessage());
            }
            producerId = response.producerId();
            producerEpoch = response.producerEpoch();
            LOGGER.debug("idempotent producer id={} epoch={}", producerId, producerEpoch);
            return true;
        } catch (ExecutionException | RuntimeException e) {
            LOGGER.warn("INIT_PRODUCER_ID failed, sends wait and retry: {}", Errors.unwrap(e).toString());
            accumulator.awaitWork(config.retryBackoffMs());
            return false;
        }
    }

    private static String queueKey(ProducerBatch batch) {
        return batch.topic() + "\u0000" + batch.queue();
    }

    /** Gives a first-time acknowledged batch the next sequence of its queue (sequences wrap at Integer.MAX_VALUE). */
    private boolean maybeStamp(ProducerBatch batch) {
        if (batch.oneway()) {
            return true;
        }
        String key = queueKey(batch);
        short epoch = queueEpochs.getOrDefault(key, producerEpoch);
        if (batch.stamped() && batch.producerEpoch() == epoch) {
            return true;
        }
        if (olderBatchHasOldEpoch(key, batch, epoch)) {
            return false;
        }
        int sequence = nextSequences.getOrDefault(key, 0);
        if (batch.stamped()) {
            batch.restampProducer(producerId, epoch, sequence);
        } else {
            batch.stampProducer(producerId, epoch, sequence);
            unacknowledged.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(batch);
        }
        long next = (long) sequence + batch.messageCount();
        nextSequences.put(key, (int) (next > Integer.MAX_VALUE ? next - Integer.MAX_VALUE - 1 : next));
        return true;
    }

    /**
     * Whether a batch of the queue older than {@code batch} (stamped before it) still carries an
     * older epoch: it is in flight or waiting, and must be stamped with the new epoch first, or the
     * queue's order would break.
     */
    private boolean olderBatchHasOldEpoch(String key, ProducerBatch batch, short epoch) {
        ArrayDeque<ProducerBatch> pending = unacknowledged.get(key);
        if (pending == null) {
            return false;
        }
        for (ProducerBatch older : pending) {
            if (older == batch) {
                return false;
            }
            if (older.producerEpoch() != epoch) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the broker's answer means this batch was not stored and can go again under a newer
     * epoch of its queue: OUT_OF_ORDER_SEQUENCE for the queue's oldest unacknowledged batch (which
     * bumps the epoch), or an epoch the queue has since left.
     */
    private boolean maybeRecoverSequence(ProducerBatch batch, Throwable cause) {
        if (!batch.stamped() || !(cause instanceof SluiceException sluice)) {
            return false;
        }
        String key = queueKey(batch);
        short epoch = queueEpochs.getOrDefault(key, producerEpoch);
        if (batch.producerEpoch() != epoch) {
            return sluice.errorCode() == ErrorCode.OUT_OF_ORDER_SEQUENCE
                    || sluice.errorCode() == ErrorCode.INVALID_PRODUCER_EPOCH;
        }
        if (sluice.errorCode() != ErrorCode.OUT_OF_ORDER_SEQUENCE || waitsForEarlierBatch(batch)
                || epoch == Short.MAX_VALUE) {
            return false;
        }
        queueEpochs.put(key, (short) (epoch + 1));
        nextSequences.put(key, 0);
        LOGGER.info("sequence of a queue recovered with a new epoch: topic={} queue={} producerId={} epoch={} cause={}",
                batch.topic(), batch.queue(), producerId, epoch + 1, sluice.getMessage());
        return true;
    }

    /**
     * Whether an earlier stamped batch of the same queue is still not acknowledged: then an
     * OUT_OF_ORDER_SEQUENCE answer only means that batch's retry has not landed yet.
     */
    private boolean waitsForEarlierBatch(ProducerBatch batch) {
        ArrayDeque<ProducerBatch> pending = unacknowledged.get(queueKey(batch));
        return pending != null && !pending.isEmpty() && pending.peekFirst() != batch;
    }

    private void forget(ProducerBatch batch) {
        if (!batch.stamped()) {
            return;
        }
        String key = queueKey(batch);
        ArrayDeque<ProducerBatch> pending = unacknowledged.get(key);
        if (pending != null) {
            pending.remove(batch);
            if (pending.isEmpty()) {
                unacknowledged.remove(key);
            }
        }
    }

    /** {@link #REQUEST_BYTES_MAX}, or less to stay within the broker's frameBytesMax with room for the request's fields. */
    private int requestBytesMax() {
        long frameRoom = (long) connection.limits().frameBytesMax() - REQUEST_OVERHEAD_BYTES;
        return (int) Math.max(1, Math.min(REQUEST_BYTES_MAX, frameRoom));
    }

    /** One request per topic and kind (one-way or not), each at most {@code requestBytesMax} bytes of batches. */
    private static List<List<ProducerBatch>> groupIntoRequests(List<ProducerBatch> batches, int requestBytesMax) {
        Map<String, List<ProducerBatch>> open = new LinkedHashMap<>();
        Map<String, Integer> openBytes = new LinkedHashMap<>();
        List<List<ProducerBatch>> requests = new ArrayList<>();
        for (ProducerBatch batch : batches) {
            String key = batch.topic() + (batch.oneway() ? "\u0000oneway" : "");
            int bytes = batch.bytes().remaining() + ENTRY_OVERHEAD_BYTES;
            List<ProducerBatch> request = open.get(key);
            if (request != null && openBytes.get(key) + bytes > requestBytesMax) {
                request = null;
            }
            if (request == null) {
                request = new ArrayList<>();
                open.put(key, request);
                openBytes.put(key, 0);
                requests.add(request);
            }
            request.add(batch);
            openBytes.merge(key, bytes, Integer::sum);
        }
        return requests;
    }

    private void send(List<ProducerBatch> batches) {
        ProducerBatch first = batches.get(0);
        List<ProduceRequest.Entry> entries = new ArrayList<>(batches.size());
        for (ProducerBatch batch : batches) {
            batch.beginAttempt();
            entries.add(ProduceRequest.entry(batch.queue(), batch.bytes()));
        }
        inFlightRequests++;
        if (first.oneway()) {
            ProduceRequest request = new ProduceRequest(first.topic(), Acks.NONE, config.requestTimeoutMs(), entries);
            connection.sendOneway(request).whenComplete((written, failure) ->
                    enqueue(() -> onOnewayWritten(batches, failure)));
            return;
        }
        Acks acks = Acks.forValue((byte) config.acks().wireValue());
        ProduceRequest request = new ProduceRequest(first.topic(), acks, config.requestTimeoutMs(), entries);
        connection.<ProduceResponse>send(request, config.requestTimeoutMs()).whenComplete((response, failure) ->
                enqueue(() -> onResponse(batches, response, failure)));
    }

    private void enqueue(Runnable completion) {
        completions.add(completion);
        accumulator.wakeup();
        if (stopped) {
            // The thread has ended (forced close): answers still due are handled where they land.
            runCompletions();
        }
    }

    private void onOnewayWritten(List<ProducerBatch> batches, Throwable failure) {
        inFlightRequests--;
        for (ProducerBatch batch : batches) {
            if (failure == null) {
                succeed(batch, -1L);
            } else {
                // At-most-once: a one-way batch is never retried.
                fail(batch, Errors.unwrap(failure));
            }
        }
    }

    private void onResponse(List<ProducerBatch> batches, ProduceResponse response, Throwable failure) {
        inFlightRequests--;
        if (failure != null || response.isError()) {
            Throwable cause = failure != null ? Errors.unwrap(failure)
                    : Errors.toException(response.errorCode(), response.errorMessage());
            for (ProducerBatch batch : batches) {
                retryOrFail(batch, cause);
            }
            return;
        }
        List<ProduceResponse.Entry> entries = response.entries();
        for (int i = 0; i < batches.size(); i++) {
            ProducerBatch batch = batches.get(i);
            if (i >= entries.size()) {
                retryOrFail(batch, new SluiceException("PRODUCE answer has fewer entries than the request", true));
                continue;
            }
            ProduceResponse.Entry entry = entries.get(i);
            if (entry.errorCode() == ErrorCode.NONE) {
                succeed(batch, entry.baseOffset(), entry.duplicates());
            } else {
                if (entry.errorCode() == ErrorCode.UNKNOWN_TOPIC || entry.errorCode() == ErrorCode.UNKNOWN_QUEUE) {
                    metadata.invalidate(batch.topic());
                }
                retryOrFail(batch, Errors.toException(entry.errorCode(), entry.errorMessage()));
            }
        }
    }

    private void retryOrFail(ProducerBatch batch, Throwable cause) {
        boolean outOfOrderBehindRetry = cause instanceof SluiceException sluice
                && sluice.errorCode() == ErrorCode.OUT_OF_ORDER_SEQUENCE && waitsForEarlierBatch(batch);
        boolean notStored = !outOfOrderBehindRetry && maybeRecoverSequence(batch, cause);
        if ((!Errors.retriable(cause) && !outOfOrderBehindRetry && !notStored) || forceClose) {
            fail(batch, cause);
            return;
        }
        long nowMs = MonotonicClock.nowMs();
        long backoffMs = backoff.backoffMs(batch.attempts());
        if (nowMs + backoffMs - batch.createdMs() >= config.deliveryTimeoutMs()) {
            fail(batch, new SluiceTimeoutException(String.format(
                    "%d messages for %s queue %d not delivered within deliveryTimeoutMs %,d after %d attempts",
                    batch.messageCount(), batch.topic(), batch.queue(), config.deliveryTimeoutMs(), batch.attempts()),
                    cause));
            return;
        }
        LOGGER.debug("retrying batch topic={} queue={} attempt={} backoffMs={} cause={}", batch.topic(),
                batch.queue(), batch.attempts(), backoffMs, cause.toString());
        accumulator.requeue(batch, nowMs + backoffMs);
    }

    private void succeed(ProducerBatch batch, long baseOffset) {
        succeed(batch, baseOffset, List.of());
    }

    private void succeed(ProducerBatch batch, long baseOffset, List<ProduceResponse.Duplicate> duplicates) {
        forget(batch);
        accumulator.complete(batch);
        memory.release(batch.reservedBytes());
        batch.complete(baseOffset, duplicates);
    }

    private void fail(ProducerBatch batch, Throwable cause) {
        forget(batch);
        accumulator.complete(batch);
        memory.release(batch.reservedBytes());
        batch.fail(cause);
    }
}
