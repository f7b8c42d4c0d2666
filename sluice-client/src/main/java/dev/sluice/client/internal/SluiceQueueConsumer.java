package dev.sluice.client.internal;

import dev.sluice.client.DeliveryMode;
import dev.sluice.client.QueueConsumer;
import dev.sluice.client.QueueConsumerConfig;
import dev.sluice.client.QueueMessage;
import dev.sluice.client.QueueMessageHandler;
import dev.sluice.client.SluiceException;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.QueueAckRequest;
import dev.sluice.protocol.QueueAckResponse;
import dev.sluice.protocol.QueueAckType;
import dev.sluice.protocol.QueueReceiveRequest;
import dev.sluice.protocol.QueueReceiveResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link QueueConsumer}: QUEUE_RECEIVE long polls and QUEUE_ACK requests over one connection.
 * See the interface for the threading rules. Settling requests (any thread) are coalesced: one
 * QUEUE_ACK in flight, the entries arriving meanwhile in the next ({@link SettleBatcher}); each is
 * retried across lost connections until {@code requestTimeoutMs}.
 */
public final class SluiceQueueConsumer implements QueueConsumer {
    private static final Logger LOGGER = LoggerFactory.getLogger(SluiceQueueConsumer.class);
    /** The longest reason the broker keeps with a rejected message. */
    static final int REASON_LENGTH_MAX = 1_000;

    private final QueueConsumerConfig config;
    private final ClientIo io;
    private final BrokerConnection connection;
    private final RetryBackoff backoff;
    private final SingleThreadAccess access = new SingleThreadAccess("the queue consumer");
    /** Settling requests not answered yet: close waits for them. */
    private final Set<CompletableFuture<?>> settling = ConcurrentHashMap.newKeySet();
    /** Back-off waits sleep on this; close wakes them. */
    private final Object wakeup = new Object();
    private final SettleBatcher batcher = new SettleBatcher(this::settle);
    private volatile String topic;
    private volatile String group;
    private volatile QueueListenerLoop listener;
    private Thread listenerThread;
    /** When the last receive request was sent (System.nanoTime): its deliveries were acquired after. Receiving thread only. */
    private long lastReceiveSentNs;
    /** The application may no longer use the consumer. */
    private volatile boolean closed;
    /** The connection is closed: nothing more is sent. */
    private volatile boolean stopped;

    /** A queue consumer; it connects on its first receive. */
    public SluiceQueueConsumer(QueueConsumerConfig config) {
        this.config = config;
        this.io = new ClientIo();
        this.backoff = RetryBackoff.of(config.retryBackoffMs(), config.retryBackoffMaxMs());
        this.connection = new BrokerConnection(io, BrokerAddress.parse(config.bootstrap()), backoff, null);
    }

    @Override
    public void subscribe(String topic) {
        if (config.group() == null) {
            throw new IllegalStateException("the config names no group: use subscribe(topic, group)");
        }
        subscribe(topic, config.group());
    }

    @Override
    public synchronized void subscribe(String topic, String group) {
        ensureOpen();
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(group, "group");
        if (group.isEmpty()) {
            throw new IllegalArgumentException("group must not be empty");
        }
        if (this.topic != null) {
            throw new IllegalStateException("already subscribed to " + this.topic + " in group " + this.group);
        }
        this.group = group;
        this.topic = topic;
    }

    @Override
    public List<QueueMessage> poll(Duration timeout) {
        acquire();
        try {
            ensureSubscribed();
            if (listener != null) {
                throw new IllegalStateException("the consumer is listening: no poll");
            }
            return receive(System.nanoTime() + timeout.toNanos(), () -> closed);
        } finally {
            release();
        }
    }

    /**
     * Receives until messages come or {@code deadlineNs} passes, retrying retriable failures with
     * back-off; under AT_MOST_ONCE acks them first. Poll or listener thread.
     *
     * @param stop whether to give up early (the consumer is closing)
     */
    List<QueueMessage> receive(long deadlineNs, BooleanSupplier stop) {
        int failures = 0;
        while (!stop.getAsBoolean()) {
            long remainingMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
            try {
                lastReceiveSentNs = System.nanoTime();
                DeliveredRecords received = join(sendReceive((int) Math.min(config.fetchMaxWaitMs(), remainingMs)));
                if (received.missingCount() > 0) {
                    LOGGER.warn("a receive answer lacked the records of {} deliveries; they come back after the "
                            + "visibility timeout topic={} group={}", received.missingCount(), topic, group);
                }
                if (!received.messages().isEmpty()) {
                    received.errors().forEach((queue, error) -> LOGGER.debug("receive error topic={} queue={} error={}",
                            topic, queue, error));
                    return config.deliveryMode() == DeliveryMode.AT_MOST_ONCE
                            ? ackBeforeReturning(received.messages()) : received.messages();
                }
                if (!received.errors().isEmpty()) {
                    DeliveredRecords.QueueError error = received.errors().values().iterator().next();
                    throw Errors.toException(error.errorCode(), error.errorMessage());
                }
                failures = 0;
            } catch (RuntimeException e) {
                if (!Errors.retriable(e)) {
                    throw Errors.asRuntime(e);
                }
                failures++;
                LOGGER.debug("receive failed topic={} group={} failures={} cause={}", topic, group, failures,
                        Errors.unwrap(e).toString());
                long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
                pause(Math.min(backoff.backoffMs(failures), left));
            }
            if (System.nanoTime() - deadlineNs >= 0) {
                break;
            }
        }
        return List.of();
    }

    private CompletableFuture<DeliveredRecords> sendReceive(int maxWaitMs) {
        QueueReceiveRequest request = new QueueReceiveRequest(group, topic, config.maxPollMessages(),
                config.fetchMaxBytes(), config.visibilityTimeoutMs(), maxWaitMs, config.maxAttempts(),
                config.deadLetterTopic(), config.messageGroups());
        String receiveTopic = topic;
        return connection.send(request, maxWaitMs + (long) config.requestTimeoutMs(),
                (QueueReceiveResponse response) -> DeliveredRecords.parse(response, receiveTopic));
    }

    /** AT_MOST_ONCE: acks every message in one request; returns those acked (the others come back later). */
    private List<QueueMessage> ackBeforeReturning(List<QueueMessage> messages) {
        List<QueueAckRequest.Entry> entries = new ArrayList<>(messages.size());
        for (QueueMessage message : messages) {
            entries.add(entry(message, QueueAckType.ACK, 0, null));
        }
        QueueAckResponse response = join(settle(entries));
        List<QueueMessage> acked = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            QueueAckResponse.Entry outcome = response.entries().get(i);
            if (outcome.errorCode() == ErrorCode.NONE) {
                acked.add(messages.get(i));
            } else {
                LOGGER.warn("at-most-once ack failed; the message is not returned topic={} queue={} offset={} error={}",
                        topic, outcome.queue(), outcome.offset(), outcome.errorMessage());
            }
        }
        return acked;
    }

    @Override
    public void ack(QueueMessage message) {
        join(ackAsync(message));
    }

    @Override
    public CompletableFuture<Void> ackAsync(QueueMessage message) {
        checkSettle(message);
        return settleOne(message, QueueAckType.ACK, 0, null);
    }

    @Override
    public void nack(QueueMessage message, Duration redeliveryDelay) {
        long delayMs = redeliveryDelay.toMillis();
        ConfigChecks.checkRange("redeliveryDelay ms", delayMs, 0, QueueConsumerConfig.VISIBILITY_TIMEOUT_MS_MAX);
        checkSettle(message);
        join(settleOne(message, QueueAckType.NACK, (int) delayMs, null));
    }

    @Override
    public void reject(QueueMessage message, String reason) {
        if (reason != null && reason.length() > REASON_LENGTH_MAX) {
            throw new IllegalArgumentException(String.format("reason of %,d characters is longer than %,d",
                    reason.length(), REASON_LENGTH_MAX));
        }
        checkSettle(message);
        join(settleOne(message, QueueAckType.REJECT, 0, reason));
    }

    @Override
    public void extendVisibility(QueueMessage message, Duration visibilityTimeout) {
        long timeoutMs = visibilityTimeout.toMillis();
        ConfigChecks.checkRange("visibilityTimeout ms", timeoutMs, QueueConsumerConfig.VISIBILITY_TIMEOUT_MS_MIN,
                QueueConsumerConfig.VISIBILITY_TIMEOUT_MS_MAX);
        checkSettle(message);
        join(settleOne(message, QueueAckType.RENEW, (int) timeoutMs, null));
    }

    private void checkSettle(QueueMessage message) {
        Objects.requireNonNull(message, "message");
        if (closed) {
            throw new IllegalStateException("the queue consumer is closed: deliveries not settled come back after "
                    + "their visibility timeout");
        }
        if (topic == null) {
            throw new IllegalStateException("subscribe first");
        }
        if (!message.topic().equals(topic)) {
            throw new IllegalArgumentException("message of topic " + message.topic() + " cannot be settled by a "
                    + "consumer of topic " + topic);
        }
    }

    /**
     * Settles one delivery (coalesced with others in flight, see {@link SettleBatcher}); fails with
     * the entry's error. Any thread, also while closing.
     */
    CompletableFuture<Void> settleOne(QueueMessage message, QueueAckType type, int delayMs, String reason) {
        CompletableFuture<QueueAckResponse.Entry> settled = batcher.add(entry(message, type, delayMs, reason));
        settling.add(settled);
        settled.whenComplete((ignored, failure) -> settling.remove(settled));
        return settled.thenApply(outcome -> {
            if (outcome.errorCode() != ErrorCode.NONE) {
                throw Errors.toException(outcome.errorCode(), type + " of " + message + ": " + outcome.errorMessage());
            }
            return null;
        });
    }

    private static QueueAckRequest.Entry entry(QueueMessage message, QueueAckType type, int delayMs, String reason) {
        return new QueueAckRequest.Entry(message.queue(), message.offset(), message.deliveryCount(), type, delayMs,
                reason);
    }

    /**
     * Sends a QUEUE_ACK, retrying retriable failures with back-off until {@code requestTimeoutMs} has
     * passed. An entry answered DELIVERY_EXPIRED after a retry may have been applied by the first
     * attempt.
     */
    private CompletableFuture<QueueAckResponse> settle(List<QueueAckRequest.Entry> entries) {
        CompletableFuture<QueueAckResponse> result = new CompletableFuture<>();
        settling.add(result);
        result.whenComplete((ignored, failure) -> settling.remove(result));
        QueueAckRequest request = new QueueAckRequest(group, topic, entries);
        sendSettle(request, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs()), 0, result);
        return result;
    }

    private void sendSettle(QueueAckRequest request, long deadlineNs, int failures,
            CompletableFuture<QueueAckResponse> result) {
        connection.<QueueAckResponse>send(request, config.requestTimeoutMs()).whenComplete((response, failure) -> {
            Throwable cause = failure != null ? Errors.unwrap(failure)
                    : response.isError() ? Errors.toException(response.errorCode(), response.errorMessage()) : null;
            if (cause == null) {
                if (response.entries().size() != request.entries().size()) {
                    result.completeExceptionally(new SluiceException("the broker answered " + response.entries().size()
                            + " entries to a QUEUE_ACK of " + request.entries().size(), false));
                } else {
                    result.complete(response);
                }
                return;
            }
            if (!Errors.retriable(cause) || stopped || System.nanoTime() - deadlineNs >= 0) {
                result.completeExceptionally(cause);
                return;
            }
            LOGGER.debug("QUEUE_ACK failed, retrying topic={} group={} failures={} cause={}", topic, group,
                    failures + 1, cause.toString());
            try {
                io.group().schedule(() -> sendSettle(request, deadlineNs, failures + 1, result),
                        backoff.backoffMs(failures + 1), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(cause);
            }
        });
    }

    @Override
    public void listen(QueueMessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        acquire();
        try {
            ensureSubscribed();
            if (listener != null) {
                throw new IllegalStateException("already listening");
            }
            QueueListenerLoop loop = new QueueListenerLoop(this, config, handler);
            listener = loop;
            listenerThread = new Thread(loop, "sluice-queue-consumer-listener");
            listenerThread.setDaemon(true);
            listenerThread.start();
        } finally {
            release();
        }
    }

    /**
     * When the receive that returned the last messages was sent: their visibility deadlines are at
     * least the visibility timeout after it. Receiving thread only.
     */
    long lastReceiveSentNs() {
        return lastReceiveSentNs;
    }

    /** The consumer's topic, once subscribed. */
    String topic() {
        return topic;
    }

    /** Waits up to {@code ms} or until close. */
    void pause(long ms) {
        if (ms <= 0) {
            return;
        }
        long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        synchronized (wakeup) {
            long leftNs;
            while (!closed && (leftNs = untilNs - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(wakeup, leftNs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SluiceException("interrupted while backing off", false, e);
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.closeTimeoutMs());
        try {
            QueueListenerLoop loop = listener;
            if (loop != null) {
                loop.stop();
                joinQuietly(listenerThread, deadlineNs);
            }
            awaitSettling(deadlineNs);
        } finally {
            stopped = true;
            connection.close();
            io.close();
        }
    }

    private void awaitSettling(long deadlineNs) {
        CompletableFuture<?>[] pending = settling.toArray(new CompletableFuture<?>[0]);
        if (pending.length == 0) {
            return;
        }
        try {
            CompletableFuture.allOf(pending).get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Each failure went to whoever asked for the settling.
        } catch (TimeoutException e) {
            LOGGER.warn("close: {} acknowledgements unanswered within closeTimeoutMs; their messages come back after "
                    + "the visibility timeout topic={} group={}", settling.size(), topic, group);
        }
    }

    private static void joinQuietly(Thread thread, long deadlineNs) {
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (RuntimeException e) {
            throw Errors.asRuntime(e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the queue consumer is closed");
        }
    }

    private void ensureSubscribed() {
        ensureOpen();
        if (topic == null) {
            throw new IllegalStateException("subscribe first");
        }
    }

    private void acquire() {
        access.acquire();
    }

    private void release() {
        access.release();
    }
}
