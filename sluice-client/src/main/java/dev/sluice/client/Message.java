package dev.sluice.client;

import dev.sluice.record.ReservedHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A message to send: the topic, an optional key, an optional value, headers, an optional
 * timestamp and an optional explicit queue.
 *
 * <p>Without an explicit queue the producer chooses one: messages with a key go to the queue
 * {@code hash(key) mod queueCount} (a stable hash: the same key always lands in the same queue
 * while the queue count stays), messages without a key are spread over the queues.
 *
 * <p>A message may carry a message id ({@link Builder#messageId}): on a topic with a message-id
 * window, the broker stores the first message with an id and acknowledges later ones with the same
 * id within the window without storing them ({@link SendResult#duplicate()}), whichever producer
 * sends them. The id travels as the header {@value ReservedHeaders#MESSAGE_ID}.
 *
 * <p>Immutable by contract: byte arrays are not copied (the producer encodes them later, on
 * another thread), so do not change an array after passing it in. Thread-safe.
 *
 * @param topic the topic, never {@code null}
 * @param key the key bytes, or {@code null} for no key
 * @param value the value bytes, or {@code null}
 * @param headers the headers in order, never {@code null}
 * @param timestampMs the record's timestamp in epoch milliseconds, or {@link #NO_TIMESTAMP} for
 *     the time of {@code send}
 * @param queue the queue to send to, or {@link #ANY_QUEUE} to let the producer choose
 */
public record Message(String topic, byte[] key, byte[] value, List<Header> headers, long timestampMs, int queue) {
    /** {@link #timestampMs()} when the producer should stamp the message with the send time. */
    public static final long NO_TIMESTAMP = -1L;
    /** {@link #queue()} when the producer should choose the queue. */
    public static final int ANY_QUEUE = -1;

    /** Checks the fields and freezes the header list. */
    public Message {
        Objects.requireNonNull(topic, "topic");
        headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
        if (timestampMs < NO_TIMESTAMP) {
            throw new IllegalArgumentException("timestampMs " + timestampMs + " is negative");
        }
        if (queue < ANY_QUEUE) {
            throw new IllegalArgumentException("queue " + queue + " is negative");
        }
    }

    /** The longest message id: 255 bytes of UTF-8. */
    public static final int MESSAGE_ID_BYTES_MAX = 255;

    /** The message id (the first {@value ReservedHeaders#MESSAGE_ID} header, as UTF-8), or {@code null}. */
    public String messageId() {
        for (Header header : headers) {
            if (header.key().equals(ReservedHeaders.MESSAGE_ID)) {
                return header.valueAsString();
            }
        }
        return null;
    }

    /** A message with a UTF-8 value and no key. */
    public static Message of(String topic, String value) {
        return builder(topic).value(value).build();
    }

    /** A message with a UTF-8 key and value. */
    public static Message of(String topic, String key, String value) {
        return builder(topic).key(key).value(value).build();
    }

    /** A message with the given value bytes and no key. */
    public static Message of(String topic, byte[] value) {
        return builder(topic).value(value).build();
    }

    /** Starts a message for {@code topic}. */
    public static Builder builder(String topic) {
        return new Builder(topic);
    }

    /** The key decoded as UTF-8, or {@code null}. */
    public String keyAsString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The value decoded as UTF-8, or {@code null}. */
    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Message m && topic.equals(m.topic) && Arrays.equals(key, m.key)
                && Arrays.equals(value, m.value) && headers.equals(m.headers) && timestampMs == m.timestampMs
                && queue == m.queue;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(key), Arrays.hashCode(value), headers, timestampMs, queue);
    }

    @Override
    public String toString() {
        return "Message[topic=" + topic + ", key=" + (key == null ? "null" : key.length + " bytes") + ", value="
                + (value == null ? "null" : value.length + " bytes") + ", headers=" + headers + ", timestampMs="
                + timestampMs + ", queue=" + queue + "]";
    }

    /** Builds a {@link Message}. Not thread-safe. */
    public static final class Builder {
        private final String topic;
        private byte[] key;
        private byte[] value;
        private final List<Header> headers = new ArrayList<>();
        private long timestampMs = NO_TIMESTAMP;
        private int queue = ANY_QUEUE;

        private Builder(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
        }

        /** Sets the key bytes ({@code null}: no key). */
        public Builder key(byte[] key) {
            this.key = key;
            return this;
        }

        /** Sets the key to the UTF-8 bytes of {@code key} ({@code null}: no key). */
        public Builder key(String key) {
            this.key = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** Sets the value bytes. */
        public Builder value(byte[] value) {
            this.value = value;
            return this;
        }

        /** Sets the value to the UTF-8 bytes of {@code value}. */
        public Builder value(String value) {
            this.value = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** Adds a header. */
        public Builder header(String key, byte[] value) {
            headers.add(new Header(key, value));
            return this;
        }

        /** Adds a header with a UTF-8 value. */
        public Builder header(String key, String value) {
            headers.add(Header.of(key, value));
            return this;
        }

        /**
         * Sets the message id the broker's message-id window de-duplicates on: 1 to 255 bytes of
         * UTF-8, unique per topic among the messages that must be stored once. Replaces an id set before.
         *
         * @throws IllegalArgumentException for an empty id or one longer than 255 bytes
         */
        public Builder messageId(String messageId) {
            java.util.Objects.requireNonNull(messageId, "messageId");
            byte[] bytes = messageId.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < 1 || bytes.length > MESSAGE_ID_BYTES_MAX) {
                throw new IllegalArgumentException(String.format(
                        "message id of %,d UTF-8 bytes; an id is 1 to %d bytes", bytes.length, MESSAGE_ID_BYTES_MAX));
            }
            headers.removeIf(header -> header.key().equals(ReservedHeaders.MESSAGE_ID));
            headers.add(new Header(ReservedHeaders.MESSAGE_ID, bytes));
            return this;
        }

        /** Sets the timestamp in epoch milliseconds (default: the time of send). */
        public Builder timestampMs(long timestampMs) {
            this.timestampMs = timestampMs;
            return this;
        }

        /** Sends to this queue instead of letting the producer choose. */
        public Builder queue(int queue) {
            this.queue = queue;
            return this;
        }

        /** The message. */
        public Message build() {
            return new Message(topic, key, value, headers, timestampMs, queue);
        }
    }
}
