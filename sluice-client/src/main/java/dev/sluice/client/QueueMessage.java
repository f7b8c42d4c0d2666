package dev.sluice.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A message delivered to a {@link QueueConsumer}: the fields of a {@link ReceivedMessage} plus the
 * delivery count. The delivery is named by (topic, queue, offset, deliveryCount): acknowledge it
 * with {@link QueueConsumer#ack}, {@link QueueConsumer#nack} or {@link QueueConsumer#reject} of any
 * consumer of the same group before its visibility timeout runs out.
 *
 * <p>Immutable by contract (arrays are not copied on access; do not change them). Thread-safe.
 *
 * @param topic the topic
 * @param queue the queue
 * @param offset the message's offset in the queue
 * @param timestampMs the record's timestamp in epoch milliseconds
 * @param key the key, or {@code null}
 * @param value the value, or {@code null}
 * @param headers the headers in order
 * @param deliveryCount how many times the message has been delivered, this delivery included (1 the
 *     first time)
 */
public record QueueMessage(String topic, int queue, long offset, long timestampMs, byte[] key, byte[] value,
        List<Header> headers, int deliveryCount) {

    /** Freezes the header list. */
    public QueueMessage {
        Objects.requireNonNull(topic, "topic");
        headers = List.copyOf(headers);
    }

    /** The key decoded as UTF-8, or {@code null}. */
    public String keyAsString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The value decoded as UTF-8, or {@code null}. */
    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The value of the last header named {@code key} as UTF-8, or {@code null} if there is none. */
    public String header(String key) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.get(i).key().equals(key)) {
                return headers.get(i).valueAsString();
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof QueueMessage m && topic.equals(m.topic) && queue == m.queue && offset == m.offset
                && deliveryCount == m.deliveryCount && timestampMs == m.timestampMs && Arrays.equals(key, m.key)
                && Arrays.equals(value, m.value) && headers.equals(m.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, queue, offset, deliveryCount);
    }

    @Override
    public String toString() {
        return "QueueMessage[topic=" + topic + ", queue=" + queue + ", offset=" + offset + ", deliveryCount="
                + deliveryCount + ", timestampMs=" + timestampMs + "]";
    }
}
