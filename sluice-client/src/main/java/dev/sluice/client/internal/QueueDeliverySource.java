package dev.sluice.client.internal;

import dev.sluice.client.DeliveryExpiredException;
import dev.sluice.client.QueueConsumer;
import dev.sluice.client.QueueMessage;
import dev.sluice.client.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link DeliverySource} over a queue-mode {@link QueueConsumer}: each message is settled on its
 * own. An ack acknowledges every done message; one whose visibility timeout ran out before the ack
 * ({@link DeliveryExpiredException}) is counted and left alone: it is delivered again and then found
 * to be a duplicate. A redelivery nacks without delay, which counts an attempt, so a message that
 * always fails ends in the group's dead-letter topic after its max attempts.
 */
public final class QueueDeliverySource implements DeliverySource {
    private final QueueConsumer consumer;
    private final String group;
    private final Map<Long, QueueMessage> lastPoll = new HashMap<>();
    private final AtomicLong expiredAcks = new AtomicLong();

    /** An adapter over {@code consumer} (delivery mode at-least-once) reading for {@code group}. */
    public QueueDeliverySource(QueueConsumer consumer, String group) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.group = Objects.requireNonNull(group, "group");
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public void subscribe(String topic) {
        consumer.subscribe(topic, group);
    }

    @Override
    public List<ReceivedMessage> poll(Duration timeout) {
        lastPoll.clear();
        List<QueueMessage> delivered = consumer.poll(timeout);
        List<ReceivedMessage> messages = new ArrayList<>(delivered.size());
        for (QueueMessage message : delivered) {
            lastPoll.put(key(message.queue(), message.offset()), message);
            messages.add(new ReceivedMessage(message.topic(), message.queue(), message.offset(), message.timestampMs(),
                    message.key(), message.value(), message.headers()));
        }
        return messages;
    }

    private static long key(int queue, long offset) {
        return ((long) queue << 48) ^ offset;
    }

    private QueueMessage delivery(ReceivedMessage message) {
        QueueMessage delivery = lastPoll.get(key(message.queue(), message.offset()));
        if (delivery == null) {
            throw new IllegalArgumentException(message + " is not a message of the last poll");
        }
        return delivery;
    }

    @Override
    public void ack(List<ReceivedMessage> done) {
        List<CompletableFuture<Void>> acks = new ArrayList<>(done.size());
        for (ReceivedMessage message : done) {
            acks.add(consumer.ackAsync(delivery(message)));
        }
        for (CompletableFuture<Void> ack : acks) {
            try {
                ack.join();
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof DeliveryExpiredException)) {
                    throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
                }
                expiredAcks.incrementAndGet();
            }
        }
    }

    @Override
    public void redeliver(List<ReceivedMessage> notDone) {
        for (ReceivedMessage message : notDone) {
            try {
                consumer.nack(delivery(message), Duration.ZERO);
            } catch (DeliveryExpiredException e) {
                expiredAcks.incrementAndGet();
            }
        }
    }

    @Override
    public boolean settlesEachMessage() {
        return true;
    }

    /** Acks and nacks that found the delivery expired (the message comes back, as a duplicate if committed). */
    public long expiredAcks() {
        return expiredAcks.get();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
