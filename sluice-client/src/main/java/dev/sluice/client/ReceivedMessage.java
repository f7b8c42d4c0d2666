package dev.sluice.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A message read from a queue.
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
 */
public record ReceivedMessage(
        String topic, int queue, long offset, long timestampMs, byte[] key, byte[] value, List<Header> headers) {

    /** Freezes the header list. */
    public ReceivedMessage {
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
        return other instanceof ReceivedMessage m && topic.equals(m.topic) && queue == m.queue && offset == m.offset
                && timestampMs == m.timestampMs && Arrays.equals(key, m.key) && Arrays.equals(value, m.value)
                && headers.equals(m.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, queue, offset);
    }

    @Override
    public String toString() {
        return "ReceivedMessage[topic=" + topic + ", queue=" + queue + ", offset=" + offset + ", timestampMs="
                + timestampMs + "]";
    }
}
