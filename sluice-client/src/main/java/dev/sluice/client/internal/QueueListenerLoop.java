package dev.sluice.client.internal;

import dev.sluice.client.DeliveryMode;
import dev.sluice.client.QueueConsumerConfig;
import dev.sluice.client.QueueMessage;
import dev.sluice.client.QueueMessageHandler;
import dev.sluice.protocol.QueueAckType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener thread of a {@link SluiceQueueConsumer}: receives, hands each message to the handler,
 * then acks it (handler returned) or nacks it with the config's growing redelivery delay (handler
 * threw), under AT_LEAST_ONCE; under AT_MOST_ONCE the receive acked already. Acks are sent without
 * waiting (coalesced); the next receive does not wait for them. When half the visibility timeout
 * (counted conservatively from when the receive was sent) is gone and messages of the receive still
 * wait for the handler, their visibility is extended (RENEW) by the timeout from now, so a slow
 * handler does not lose them to redelivery. A message whose deadline has passed anyway (a single
 * handler call longer than the timeout), or whose extension failed, is skipped: it may be someone
 * else's delivery by now. On stop, received messages not yet handled are nacked with no delay so
 * they come back at once (unless it was their last attempt: those wait out their visibility timeout). A receive error that retrying cannot fix stops the loop (logged at ERROR).
 */
final class QueueListenerLoop implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueListenerLoop.class);

    private final SluiceQueueConsumer consumer;
    private final QueueConsumerConfig config;
    private final QueueMessageHandler handler;
    private volatile boolean running = true;

    QueueListenerLoop(SluiceQueueConsumer consumer, QueueConsumerConfig config, QueueMessageHandler handler) {
        this.consumer = consumer;
        this.config = config;
        this.handler = handler;
    }

    /** Asks the loop to end after the message it is handling. Any thread. */
    void stop() {
        running = false;
    }

    @Override
    public void run() {
        try {
            while (running) {
                List<QueueMessage> messages = consumer.receive(
                        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.fetchMaxWaitMs()), () -> !running);
                handleAll(messages,
                        consumer.lastReceiveSentNs() + TimeUnit.MILLISECONDS.toNanos(config.visibilityTimeoutMs()));
            }
        } catch (Throwable t) {
            LOGGER.error("the queue listener stopped topic={} cause={}", consumer.topic(), t.toString(), t);
        }
    }

    private void handleAll(List<QueueMessage> messages, long visibleUntilNs) {
        long visibilityNs = TimeUnit.MILLISECONDS.toNanos(config.visibilityTimeoutMs());
        Set<QueueMessage> lost = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            QueueMessage message = messages.get(i);
            if (!running) {
                releaseUnhandled(messages.subList(i, messages.size()));
                return;
            }
            long nowNs = System.nanoTime();
            if (config.deliveryMode() == DeliveryMode.AT_LEAST_ONCE && visibleUntilNs - nowNs < visibilityNs / 2
                    && visibleUntilNs - nowNs > 0) {
                // Half the visibility timeout is gone and messages of this receive still wait: keep them.
                lost.addAll(renew(messages.subList(i, messages.size())));
                visibleUntilNs = nowNs + visibilityNs;
            }
            if (lost.contains(message) || System.nanoTime() - visibleUntilNs >= 0) {
                LOGGER.debug("visibility timeout passed before the handler's turn; skipped {}", message);
                continue;
            }
            handle(message);
        }
    }

    private void handle(QueueMessage message) {
        boolean handled;
        Exception failure = null;
        try {
            handler.onMessage(message);
            handled = true;
        } catch (Exception e) {
            handled = false;
            failure = e;
        }
        if (config.deliveryMode() == DeliveryMode.AT_MOST_ONCE) {
            if (!handled) {
                LOGGER.warn("handler failed at most once: the message is not delivered again {}", message, failure);
            }
            return;
        }
        if (handled) {
            settle(message, QueueAckType.ACK, 0);
        } else {
            long delayMs = config.redeliveryDelayMs(message.deliveryCount());
            LOGGER.debug("handler failed; nacked with delay {} ms: {} cause={}", delayMs, message, failure.toString());
            settle(message, QueueAckType.NACK, (int) delayMs);
        }
    }

    /**
     * Extends the visibility of messages waiting for the handler by the visibility timeout from now,
     * and waits for the answers (at most {@code requestTimeoutMs}).
     *
     * @return the messages whose extension failed: no longer this consumer's, so not to be handled
     */
    private Set<QueueMessage> renew(List<QueueMessage> waiting) {
        List<CompletableFuture<Void>> renewals = new ArrayList<>(waiting.size());
        for (QueueMessage message : waiting) {
            renewals.add(consumer.settleOne(message, QueueAckType.RENEW, config.visibilityTimeoutMs(), null));
        }
        try {
            CompletableFuture.allOf(renewals.toArray(new CompletableFuture<?>[0]))
                    .get(config.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Looked at one by one below.
        }
        Set<QueueMessage> lost = new HashSet<>();
        for (int i = 0; i < waiting.size(); i++) {
            CompletableFuture<Void> renewal = renewals.get(i);
            if (!renewal.isDone() || renewal.isCompletedExceptionally()) {
                lost.add(waiting.get(i));
            }
        }
        if (!lost.isEmpty()) {
            LOGGER.debug("{} of {} visibility extensions failed; those messages are skipped", lost.size(), waiting.size());
        }
        return lost;
    }

    /** Gives back, at once, messages received but not handed to the handler (AT_LEAST_ONCE). */
    private void releaseUnhandled(List<QueueMessage> unhandled) {
        if (config.deliveryMode() != DeliveryMode.AT_LEAST_ONCE) {
            return;
        }
        for (QueueMessage message : unhandled) {
            // A nack of a last attempt would dead-letter a message never handled: that one waits out
            // its visibility timeout instead.
            if (message.deliveryCount() < config.maxAttempts()) {
                settle(message, QueueAckType.NACK, 0);
            }
        }
    }

    private void settle(QueueMessage message, QueueAckType type, int delayMs) {
        consumer.settleOne(message, type, delayMs, null).whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOGGER.warn("{} failed; the message comes back after its visibility timeout {} cause={}", type,
                        message, Errors.unwrap(failure).toString());
            }
        });
    }
}
