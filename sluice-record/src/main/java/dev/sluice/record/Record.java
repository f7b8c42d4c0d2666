package dev.sluice.record;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One decoded record of a RecordBatch v2: its absolute offset, its timestamp in epoch
 * milliseconds, an optional key, an optional value and its headers, in order.
 *
 * <p>Immutable and thread-safe: the constructor copies the bytes of {@code key} and {@code value}
 * (from their position to their limit, leaving the caller's buffers untouched), and the
 * accessors return a fresh read-only view positioned at 0 on each call. Two records are equal
 * when all components are equal, bytes compared by content.
 *
 * @param offset the record's offset in its queue: the batch's baseOffset plus its offsetDelta
 * @param timestamp epoch milliseconds: baseTimestamp plus timestampDelta for CreateTime batches,
 *     the batch's maxTimestamp for LogAppendTime batches
 * @param key the key bytes, or {@code null} for a record without key (distinct from empty)
 * @param value the value bytes, or {@code null} for a tombstone (distinct from empty)
 * @param headers the record's headers in order; never {@code null}, possibly empty
 */
public record Record(long offset, long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {

    /** Copies the bytes and freezes the header list; see the type's doc. */
    public Record {
        key = Bytes.frozenCopy(key);
        value = Bytes.frozenCopy(value);
        headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
    }

    /** A read-only view of the key positioned at 0, or {@code null}. */
    @Override
    public ByteBuffer key() {
        return key == null ? null : key.duplicate();
    }

    /** A read-only view of the value positioned at 0, or {@code null}. */
    @Override
    public ByteBuffer value() {
        return value == null ? null : value.duplicate();
    }

    @Override
    public String toString() {
        return "Record[offset=" + offset + ", timestamp=" + timestamp + ", key=" + Bytes.describe(key) + ", value="
                + Bytes.describe(value) + ", headers=" + headers + "]";
    }

    /**
     * A record header: a non-null string key (UTF-8 on the wire) and an optional value.
     *
     * <p>Immutable and thread-safe; the constructor copies the value's bytes as {@link Record}
     * does.
     *
     * @param key the header's key, never {@code null} (Kafka rejects null header keys)
     * @param value the header's value, or {@code null}
     */
    public record Header(String key, ByteBuffer value) {

        /** Checks the key and copies the value's bytes. */
        public Header {
            Objects.requireNonNull(key, "a header key must not be null");
            value = Bytes.frozenCopy(value);
        }

        /** Convenience for a header whose value is given as an array ({@code null} allowed). */
        public static Header of(String key, byte[] value) {
            return new Header(key, value == null ? null : ByteBuffer.wrap(value));
        }

        /** A read-only view of the value positioned at 0, or {@code null}. */
        @Override
        public ByteBuffer value() {
            return value == null ? null : value.duplicate();
        }

        @Override
        public String toString() {
            return "Header[key=" + key + ", value=" + Bytes.describe(value) + "]";
        }
    }
}
