package dev.sluice.client.internal;

import dev.sluice.client.DeliveryMode;
import dev.sluice.client.QueueConsumerConfig;
import dev.sluice.client.QueueMessage;
import dev.sluice.client.QueueMessageHandler;
import dev.sluice.protocol.QueueAckType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener thread of a {@link SluiceQueueConsumer}: receives, hands each message to the handler,
 * then acks it (handler returned) or nacks it with the config's growing redelivery delay (handler
 * threw), under AT_LEAST_ONCE; under AT_MOST_ONCE the receive acked already. Acks are sent without
 * waiting (pipelined); the next receive does not wait for them. A message whose visibility deadline
 * (counted conservatively from when its receive was sent) has passed is skipped: it may be someone
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
        for (int i = 0; i < messages.size(); i++) {
            QueueMessage message = messages.get(i);
            if (!running) {
                releaseUnhandled(messages.subList(i, messages.size()));
                return;
            }
            if (System.nanoTime() - visibleUntilNs >= 0) {
                LOGGER.debug("visibility timeout passed before the handler's turn; skipped {}", message);
                continue;
            }
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
                continue;
            }
            if (handled) {
                settle(message, QueueAckType.ACK, 0);
            } else {
                long delayMs = config.redeliveryDelayMs(message.deliveryCount());
                LOGGER.debug("handler failed; nacked with delay {} ms: {} cause={}", delayMs, message, failure.toString());
                settle(message, QueueAckType.NACK, (int) delayMs);
            }
        }
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
