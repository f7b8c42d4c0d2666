package dev.sluice.record;

import static dev.sluice.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.BASE_OFFSET_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.BASE_SEQUENCE_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.BASE_TIMESTAMP_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.HEADER_BYTES;
import static dev.sluice.record.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static dev.sluice.record.RecordBatchDescriptor.MAGIC;
import static dev.sluice.record.RecordBatchDescriptor.MAGIC_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.PRODUCER_ID_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.RECORDS_BYTES_MAX_DEFAULT;
import static dev.sluice.record.RecordBatchDescriptor.RECORDS_BYTES_MAX_LIMIT;
import static dev.sluice.record.RecordBatchDescriptor.RECORD_COUNT_OFFSET;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * Builds one RecordBatch v2 (layout in {@link RecordBatchDescriptor}) from appended records, the
 * way Kafka's producer does: baseOffset 0 (the log assigns offsets), partitionLeaderEpoch -1,
 * CreateTime timestamps, baseTimestamp the first record's timestamp, maxTimestamp the largest,
 * lastOffsetDelta {@code recordCount - 1}, and the CRC32C filled in. With {@link
 * Compression#GZIP} the whole records section is gzip-compressed when {@link #build()} runs.
 *
 * <p>Each record is encoded as Kafka's DefaultRecord:
 *
 * <pre>
 *   length          varint   bytes of the fields below
 *   attributes      int8     0 (unused)
 *   timestampDelta  varlong  timestamp - baseTimestamp
 *   offsetDelta     varint   index of the record in the batch
 *   keyLength       varint   -1 for a null key
 *   key             bytes
 *   valueLength     varint   -1 for a null value
 *   value           bytes
 *   headerCount     varint
 *   headers         per header: keyLength varint, key UTF-8 bytes, valueLength varint (-1 null), value bytes
 * </pre>
 *
 * <p>Limit: the uncompressed records section may hold at most {@code recordsBytesMax} bytes
 * ({@link RecordBatchDescriptor#RECORDS_BYTES_MAX_DEFAULT} unless changed), so that Sluice's own
 * reader accepts every batch this builder makes; an append past it is refused and leaves the
 * builder unchanged, so the caller can build what it has and start a new batch.
 *
 * <p>Not thread-safe: one thread owns a builder. Single use: after {@link #build()} it accepts
 * nothing more. It holds the records in memory only; nothing survives a crash.
 */
public final class RecordBatchBuilder {
    /** Kafka's NO_PRODUCER_ID: the batch is not from an idempotent producer. */
    public static final long NO_PRODUCER_ID = -1L;
    /** Kafka's NO_PRODUCER_EPOCH. */
    public static final short NO_PRODUCER_EPOCH = -1;
    /** Kafka's NO_SEQUENCE. */
    public static final int NO_SEQUENCE = -1;
    /** Kafka's NO_PARTITION_LEADER_EPOCH; the broker sets the epoch when it appends. */
    public static final int NO_PARTITION_LEADER_EPOCH = -1;

    private static final int INITIAL_CAPACITY_BYTES = 512;
    private static final int GZIP_BUFFER_BYTES = 8 * 1024;

    private final Compression compression;
    private final long timestampMs;
    private long producerId = NO_PRODUCER_ID;
    private short producerEpoch = NO_PRODUCER_EPOCH;
    private int baseSequence = NO_SEQUENCE;
    private int recordsBytesMax = RECORDS_BYTES_MAX_DEFAULT;

    private ByteBuffer records = ByteBuffer.allocate(INITIAL_CAPACITY_BYTES);
    private int recordCount;
    private long baseTimestamp;
    private long maxTimestamp;
    private boolean built;

    private RecordBatchBuilder(Compression compression, long timestampMs) {
        this.compression = compression;
        this.timestampMs = timestampMs;
    }

    /**
     * Starts a batch.
     *
     * @param compression NONE or GZIP
     * @param timestampMs the timestamp of records appended with {@link #append(byte[], byte[])};
     *     the batch's baseTimestamp field is always its first record's timestamp, as in Kafka
     * @throws UnsupportedOperationException for snappy, lz4 and zstd
     */
    public static RecordBatchBuilder create(Compression compression, long timestampMs) {
        Objects.requireNonNull(compression, "compression").requireSupported();
        return new RecordBatchBuilder(compression, timestampMs);
    }

    /** Sets the idempotent producer's id, epoch and first sequence; the defaults are all -1. */
    public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
        requireOpen();
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    /**
     * Sets the limit on the uncompressed records section, at least what is already appended and at
     * most {@link RecordBatchDescriptor#RECORDS_BYTES_MAX_LIMIT}.
     */
    public RecordBatchBuilder recordsBytesMax(int recordsBytesMax) {
        requireOpen();
        if (recordsBytesMax < records.position() || recordsBytesMax > RECORDS_BYTES_MAX_LIMIT) {
            throw new IllegalArgumentException(String.format(
                    "recordsBytesMax %,d must be between the %,d bytes already appended and %,d",
                    recordsBytesMax, records.position(), RECORDS_BYTES_MAX_LIMIT));
        }
        this.recordsBytesMax = recordsBytesMax;
        return this;
    }

    /** Appends a record with the builder's timestamp, no headers, and the given key and value. */
    public RecordBatchBuilder append(byte[] key, byte[] value) {
        return append(timestampMs, key, value, List.of());
    }

    /** Appends a record; {@code null} key or value are written as absent (length -1). */
    public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value, List<Record.Header> headers) {
        return append(timestamp, wrap(key), wrap(value), headers);
    }

    /**
     * Appends a record. The remaining bytes of {@code key} and {@code value} are copied; their
     * positions do not change. {@code null} key or value are written as absent (length -1).
     *
     * @throws IllegalArgumentException if the record would take the records section past
     *     {@code recordsBytesMax}; the builder is unchanged
     * @throws IllegalStateException after {@link #build()}
     */
    public RecordBatchBuilder append(long timestamp, ByteBuffer key, ByteBuffer value, List<Record.Header> headers) {
        requireOpen();
        Objects.requireNonNull(headers, "headers");
        byte[][] headerKeys = headers.isEmpty() ? NO_HEADER_KEYS : new byte[headers.size()][];
        long timestampDelta = recordCount == 0 ? 0L : timestamp - baseTimestamp;
        long bodyBytes = 1L + Varint.sizeOfVarlong(timestampDelta) + Varint.sizeOfVarint(recordCount)
                + fieldBytes(key) + fieldBytes(value) + Varint.sizeOfVarint(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            Record.Header header = Objects.requireNonNull(headers.get(i), "header");
            headerKeys[i] = header.key().getBytes(StandardCharsets.UTF_8);
            bodyBytes += Varint.sizeOfVarint(headerKeys[i].length) + headerKeys[i].length + fieldBytes(header.value());
        }
        long recordBytes = bodyBytes > recordsBytesMax ? bodyBytes : Varint.sizeOfVarint((int) bodyBytes) + bodyBytes;
        if (records.position() + recordBytes > recordsBytesMax) {
            throw new IllegalArgumentException(String.format(
                    "a record of %,d bytes after the %,d bytes appended exceeds recordsBytesMax %,d",
                    recordBytes, records.position(), recordsBytesMax));
        }
        ensureCapacity((int) (records.position() + recordBytes));
        Varint.writeVarint(records, (int) bodyBytes);
        records.put((byte) 0);
        Varint.writeVarlong(records, timestampDelta);
        Varint.writeVarint(records, recordCount);
        writeField(key);
        writeField(value);
        Varint.writeVarint(records, headers.size());
        for (int i = 0; i < headerKeys.length; i++) {
            Varint.writeVarint(records, headerKeys[i].length);
            records.put(headerKeys[i]);
            writeField(headers.get(i).value());
        }
        if (recordCount == 0) {
            baseTimestamp = timestamp;
            maxTimestamp = timestamp;
        } else {
            maxTimestamp = Math.max(maxTimestamp, timestamp);
        }
        recordCount++;
        return this;
    }

    /** Records appended so far. */
    public int recordCount() {
        return recordCount;
    }

    /**
     * The batch's size if built now: exact for NONE; for GZIP the uncompressed size, which gzip
     * usually shrinks (on incompressible bytes it adds 18 bytes plus about 5 per 64 KiB).
     */
    public int estimatedSizeInBytes() {
        return HEADER_BYTES + records.position();
    }

    /**
     * Encodes the batch.
     *
     * @return a heap buffer positioned at 0 whose limit is the batch's size, holding exactly the
     *     batch; it passes {@link RecordBatchDescriptor#check}
     * @throws IllegalStateException if no record was appended (a batch holds at least one) or the
     *     batch was already built
     */
    public ByteBuffer build() {
        requireOpen();
        if (recordCount == 0) {
            throw new IllegalStateException("a batch needs at least one record; none was appended");
        }
        built = true;
        byte[] payload = records.array();
        int payloadBytes = records.position();
        if (compression == Compression.GZIP) {
            payload = gzip(payload, payloadBytes);
            payloadBytes = payload.length;
        }
        ByteBuffer batch = ByteBuffer.allocate(HEADER_BYTES + payloadBytes);
        batch.putLong(BASE_OFFSET_OFFSET, 0L)
                .putInt(BATCH_LENGTH_OFFSET, batch.capacity() - LOG_OVERHEAD)
                .putInt(PARTITION_LEADER_EPOCH_OFFSET, NO_PARTITION_LEADER_EPOCH)
                .put(MAGIC_OFFSET, MAGIC)
                // CreateTime (bit 3 clear), not transactional, not control: only the codec bits.
                .putShort(ATTRIBUTES_OFFSET, (short) compression.id())
                .putInt(LAST_OFFSET_DELTA_OFFSET, recordCount - 1)
                .putLong(BASE_TIMESTAMP_OFFSET, baseTimestamp)
                .putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp)
                .putLong(PRODUCER_ID_OFFSET, producerId)
                .putShort(PRODUCER_EPOCH_OFFSET, producerEpoch)
                .putInt(BASE_SEQUENCE_OFFSET, baseSequence)
                .putInt(RECORD_COUNT_OFFSET, recordCount);
        batch.put(HEADER_BYTES, payload, 0, payloadBytes);
        RecordBatchDescriptor.updateCrc(batch, 0);
        assert checks(batch);
        records = null;
        return batch;
    }

    private static boolean checks(ByteBuffer batch) {
        RecordBatchDescriptor.check(batch, 0, batch.limit(), batch.limit());
        return true;
    }

    private static byte[] gzip(byte[] bytes, int length) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(Math.max(64, length / 2));
        try (GZIPOutputStream out = new GZIPOutputStream(compressed, GZIP_BUFFER_BYTES)) {
            out.write(bytes, 0, length);
        } catch (IOException e) {
            // A ByteArrayOutputStream does not throw; reaching this is a JDK bug, not an IO error.
            throw new IllegalStateException("gzip into memory failed", e);
        }
        return compressed.toByteArray();
    }

    /** Shared by every record without headers: the hot path allocates no array for them. */
    private static final byte[][] NO_HEADER_KEYS = new byte[0][];

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    /** Bytes a nullable key, value or header value takes: its length varint and its bytes. */
    private static long fieldBytes(ByteBuffer field) {
        if (field == null) {
            return Varint.sizeOfVarint(-1);
        }
        return Varint.sizeOfVarint(field.remaining()) + (long) field.remaining();
    }

    private void writeField(ByteBuffer field) {
        if (field == null) {
            Varint.writeVarint(records, -1);
        } else {
            Varint.writeVarint(records, field.remaining());
            if (field.hasArray()) {
                // Copy from the array: no duplicate buffer per field on the producer's hot path.
                records.put(field.array(), field.arrayOffset() + field.position(), field.remaining());
            } else {
                records.put(field.duplicate());
            }
        }
    }

    private void ensureCapacity(int bytes) {
        if (bytes > records.capacity()) {
            int capacity = (int) Math.min(recordsBytesMax, Math.max(bytes, 2L * records.capacity()));
            ByteBuffer grown = ByteBuffer.allocate(capacity);
            grown.put(records.flip());
            records = grown;
        }
    }

    private void requireOpen() {
        if (built) {
            throw new IllegalStateException("the batch was already built; start a new builder");
        }
    }
}
