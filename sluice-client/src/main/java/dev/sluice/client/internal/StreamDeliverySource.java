package dev.sluice.client.internal;

import dev.sluice.client.Consumer;
import dev.sluice.client.ReceivedMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link DeliverySource} over a stream-mode {@link Consumer} whose ack mode is
 * {@link dev.sluice.client.AckMode#MANUAL}: an ack commits, per queue, the offset after the last
 * message acknowledged; a redelivery seeks each queue back to its first unfinished message, so
 * the next poll returns it again (and a consumer that closes or dies first never committed it:
 * the group's next member gets it). Acks follow a poll's order per queue, as stream mode needs.
 */
public final class StreamDeliverySource implements DeliverySource {
    private final Consumer consumer;
    private final String group;

    /** An adapter over {@code consumer} (ack mode {@code MANUAL}) reading for {@code group}. */
    public StreamDeliverySource(Consumer consumer, String group) {
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
        return consumer.poll(timeout);
    }

    @Override
    public void ack(List<ReceivedMessage> done) {
        Map<Integer, Long> next = new HashMap<>();
        for (ReceivedMessage message : done) {
            next.merge(message.queue(), message.offset() + 1, Math::max);
        }
        if (!next.isEmpty()) {
            consumer.commit(next);
        }
    }

    @Override
    public void redeliver(List<ReceivedMessage> notDone) {
        Map<Integer, Long> first = new HashMap<>();
        for (ReceivedMessage message : notDone) {
            first.merge(message.queue(), message.offset(), Math::min);
        }
        first.forEach(consumer::seek);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
