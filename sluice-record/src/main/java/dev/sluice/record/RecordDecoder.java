package dev.sluice.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the uncompressed records section of one batch (format in {@link RecordBatchBuilder}), one
 * record per {@link #advance()}, as a flyweight: the current record's offset and timestamp are
 * fields, and {@link #toRecord()} materializes it only when the caller wants the bytes.
 *
 * <p>Every read is bounded by the current record's declared end, and every declared length is
 * checked against the bytes that remain before it is used, so corrupt input ends in an {@link
 * InvalidBatchException} with reason BAD_RECORDS, never in an out-of-bounds read, a large
 * allocation or a loop that does not end. Offset deltas must rise strictly and stay within
 * {@code [0, lastOffsetDelta]}; gaps are allowed, as compaction leaves them.
 *
 * <p>Not thread-safe: one decoder per walk. Reads {@code data} by absolute index only.
 */
final class RecordDecoder {
    /**
     * Smallest encoded record: length, attributes, timestampDelta, offsetDelta, keyLength,
     * valueLength and headerCount of one byte each. Bounds the list a reader preallocates.
     */
    static final int RECORD_BYTES_MIN = 7;
    /** Smallest encoded header: a key-length and a value-length varint of one byte each. */
    private static final int HEADER_BYTES_MIN = 2;
    private static final int VARLONG_BYTES_MAX = 10;

    private final ByteBuffer data;
    private final int end;
    private final BatchFields batch;
    private int position;
    private int index;
    private int previousOffsetDelta = -1;

    private long offset;
    private long timestamp;
    private int keyPosition;
    private int keyLength;
    private int valuePosition;
    private int valueLength;
    private int headersPosition;
    private int headerCount;

    /** The batch-header fields the records are decoded against. */
    record BatchFields(
            long baseOffset,
            long baseTimestamp,
            long maxTimestamp,
            boolean logAppendTime,
            int lastOffsetDelta,
            int recordCount) {}

    RecordDecoder(ByteBuffer data, int position, int end, BatchFields batch) {
        this.data = data;
        this.position = position;
        this.end = end;
        this.batch = batch;
    }

    boolean hasNext() {
        return index < batch.recordCount();
    }

    /** Decodes and checks the next record's framing and fields. */
    void advance() {
        if (position >= end) {
            throw badRecords("recordCount is " + batch.recordCount() + " but the records end after " + index);
        }
        int length = readVarint(end, "length");
        if (length <= 0 || length > end - position) {
            throw bad("declares " + length + " bytes but " + (end - position) + " remain");
        }
        int recordEnd = position + length;
        position++; // attributes: unused in v2, ignored as Kafka does
        long timestampDelta = readVarlong(recordEnd);
        int offsetDelta = readVarint(recordEnd, "offsetDelta");
        if (offsetDelta <= previousOffsetDelta || offsetDelta > batch.lastOffsetDelta()) {
            throw bad("has offsetDelta " + offsetDelta + " after " + previousOffsetDelta
                    + "; deltas must rise and stay <= lastOffsetDelta " + batch.lastOffsetDelta());
        }
        keyLength = readLength(recordEnd, "key");
        keyPosition = position;
        position += Math.max(0, keyLength);
        valueLength = readLength(recordEnd, "value");
        valuePosition = position;
        position += Math.max(0, valueLength);
        headerCount = readVarint(recordEnd, "headerCount");
        if (headerCount < 0 || headerCount > (recordEnd - position) / HEADER_BYTES_MIN) {
            throw bad("declares " + headerCount + " headers in " + (recordEnd - position) + " bytes");
        }
        headersPosition = position;
        for (int i = 0; i < headerCount; i++) {
            int headerKeyLength = readLength(recordEnd, "header key");
            if (headerKeyLength < 0) {
                throw bad("has a header with a null key");
            }
            position += headerKeyLength;
            int headerValueLength = readLength(recordEnd, "header value");
            position += Math.max(0, headerValueLength);
        }
        if (position != recordEnd) {
            throw bad("declares " + length + " bytes but its fields end " + (position - recordEnd) + " bytes off");
        }
        previousOffsetDelta = offsetDelta;
        offset = batch.baseOffset() + offsetDelta;
        // Kafka: a LogAppendTime batch's records all carry the broker's time, the batch's maxTimestamp.
        timestamp = batch.logAppendTime() ? batch.maxTimestamp() : batch.baseTimestamp() + timestampDelta;
        index++;
    }

    /** The current record's absolute offset. */
    long offset() {
        return offset;
    }

    /** The current record's timestamp in epoch milliseconds. */
    long timestamp() {
        return timestamp;
    }

    /** The current record with copies of its bytes; call after {@link #advance()}. */
    Record toRecord() {
        List<Record.Header> headers = new ArrayList<>(headerCount);
        int at = headersPosition;
        for (int i = 0; i < headerCount; i++) {
            // Already checked by advance(), so these reads stay within the record.
            long encodedKey = Varint.readUnsignedVarint(data, at, end);
            int headerKeyLength = Varint.zigZagDecode((int) (encodedKey >>> 32));
            at += (int) encodedKey;
            byte[] key = new byte[headerKeyLength];
            data.get(at, key);
            at += headerKeyLength;
            long encodedValue = Varint.readUnsignedVarint(data, at, end);
            int headerValueLength = Varint.zigZagDecode((int) (encodedValue >>> 32));
            at += (int) encodedValue;
            headers.add(new Record.Header(new String(key, StandardCharsets.UTF_8), slice(at, headerValueLength)));
            at += Math.max(0, headerValueLength);
        }
        return new Record(offset, timestamp, slice(keyPosition, keyLength), slice(valuePosition, valueLength), headers);
    }

    /** A copy of the current record's key, or {@code null}. */
    byte[] keyBytes() {
        return copy(keyPosition, keyLength);
    }

    /** A copy of the current record's value, or {@code null}. */
    byte[] valueBytes() {
        return copy(valuePosition, valueLength);
    }

    int headerCount() {
        return headerCount;
    }

    /** Hands each header of the current record to {@code sink}, its value copied once (or {@code null}). */
    void forEachHeader(java.util.function.BiConsumer<String, byte[]> sink) {
        int at = headersPosition;
        for (int i = 0; i < headerCount; i++) {
            // Already checked by advance(), so these reads stay within the record.
            long encodedKey = Varint.readUnsignedVarint(data, at, end);
            int headerKeyLength = Varint.zigZagDecode((int) (encodedKey >>> 32));
            at += (int) encodedKey;
            String key = new String(copy(at, headerKeyLength), StandardCharsets.UTF_8);
            at += headerKeyLength;
            long encodedValue = Varint.readUnsignedVarint(data, at, end);
            int headerValueLength = Varint.zigZagDecode((int) (encodedValue >>> 32));
            at += (int) encodedValue;
            sink.accept(key, copy(at, headerValueLength));
            at += Math.max(0, headerValueLength);
        }
    }

    private byte[] copy(int at, int length) {
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        data.get(at, bytes);
        return bytes;
    }

    /** Checks that the records filled the section exactly; call after the last record. */
    void finish() {
        if (position != end) {
            throw badRecords((end - position) + " bytes follow the last of " + batch.recordCount() + " records");
        }
    }

    private ByteBuffer slice(int at, int length) {
        return length < 0 ? null : data.slice(at, length);
    }

    private int readVarint(int limit, String field) {
        long encoded = Varint.readUnsignedVarint(data, position, limit);
        // Compare with -1, not < 0: a valid result is negative when the raw value uses bit 31.
        if (encoded == -1) {
            throw bad("has a malformed or truncated " + field + " varint");
        }
        position += (int) encoded;
        return Varint.zigZagDecode((int) (encoded >>> 32));
    }

    /** A nullable field's length: -1 for null, else the bytes, which must fit before {@code limit}. */
    private int readLength(int limit, String field) {
        int length = readVarint(limit, field + " length");
        if (length < -1 || length > limit - position) {
            throw bad("declares a " + field + " of " + length + " bytes but " + (limit - position) + " remain");
        }
        return length;
    }

    private long readVarlong(int limit) {
        long raw = 0;
        for (int i = 0; i < VARLONG_BYTES_MAX; i++) {
            if (position >= limit) {
                break;
            }
            int b = data.get(position++) & 0xff;
            raw |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw bad("has a malformed or truncated timestampDelta varlong");
    }

    /** A BAD_RECORDS error about the record being decoded, which the message names. */
    private InvalidBatchException bad(String message) {
        return badRecords("record " + index + " " + message);
    }

    private static InvalidBatchException badRecords(String message) {
        return new InvalidBatchException(InvalidBatchException.Reason.BAD_RECORDS, message);
    }
}
