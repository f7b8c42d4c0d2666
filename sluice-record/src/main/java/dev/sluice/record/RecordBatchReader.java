package dev.sluice.record;

import static dev.sluice.record.RecordBatchDescriptor.HEADER_BYTES;
import static dev.sluice.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static dev.sluice.record.RecordBatchDescriptor.MAGIC;
import static dev.sluice.record.RecordBatchDescriptor.RECORDS_BYTES_MAX_DEFAULT;
import static dev.sluice.record.RecordBatchDescriptor.RECORDS_BYTES_MAX_LIMIT;
import static dev.sluice.record.RecordBatchDescriptor.RECORDS_OFFSET;
import static dev.sluice.record.RecordBatchDescriptor.TIMESTAMP_TYPE_MASK;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Decodes the records of one RecordBatch v2 (layout in {@link RecordBatchDescriptor}, record
 * format in {@link RecordBatchBuilder}) compressed with NONE or GZIP. Offsets are absolute
 * ({@code baseOffset + offsetDelta}); timestamps are {@code baseTimestamp + timestampDelta}, or
 * the batch's maxTimestamp for a LogAppendTime batch, as Kafka reads them.
 *
 * <p>The batch starts at {@code start} and its size is taken from its batchLength field, which
 * must fit within the buffer's limit. The reader does not verify the CRC: bytes that come from
 * a client or a disk go through {@link RecordBatchDescriptor#check} first. It does not trust the
 * bytes either: whatever they hold, it returns records or throws {@link InvalidBatchException}
 * (BAD_RECORDS for the records section), never an out-of-bounds error, and it allocates at most
 * the batch's size for an uncompressed batch, and at most {@code recordsBytesMax} plus one byte
 * ({@link RecordBatchDescriptor#RECORDS_BYTES_MAX_DEFAULT} by default) to decompress a gzip one.
 *
 * <p>Stateless and thread-safe, provided nobody writes the batch's bytes while it is read; the
 * buffer's position and limit are not changed.
 */
public final class RecordBatchReader {
    private static final int INFLATE_INITIAL_BYTES = 1024;
    private static final int GZIP_BUFFER_BYTES = 8 * 1024;

    private RecordBatchReader() {}

    /**
     * The batch's records, in order, with copies of their bytes.
     *
     * @return an unmodifiable list
     * @throws InvalidBatchException if the batch is malformed
     * @throws UnsupportedOperationException if it is compressed with snappy, lz4 or zstd
     */
    public static List<Record> records(ByteBuffer buffer, int start) {
        return records(buffer, start, RECORDS_BYTES_MAX_DEFAULT);
    }

    /**
     * As {@link #records(ByteBuffer, int)}, with a limit on the decompressed records section.
     *
     * @param recordsBytesMax the most bytes a gzip records section may decompress to, at most
     *     {@link RecordBatchDescriptor#RECORDS_BYTES_MAX_LIMIT}; past it, BAD_RECORDS
     */
    public static List<Record> records(ByteBuffer buffer, int start, int recordsBytesMax) {
        RecordDecoder decoder = open(buffer, start, recordsBytesMax);
        if (decoder == null) {
            return List.of();
        }
        List<Record> records = new ArrayList<>(initialCapacity(buffer, start));
        while (decoder.hasNext()) {
            decoder.advance();
            records.add(decoder.toRecord());
        }
        decoder.finish();
        return Collections.unmodifiableList(records);
    }

    /**
     * The offset of the batch's first record whose timestamp is at or after {@code timestampMs},
     * or -1 if there is none. Reads no further than that record, and copies no key or value.
     *
     * @throws InvalidBatchException if the batch is malformed up to the record found
     * @throws UnsupportedOperationException if it is compressed with snappy, lz4 or zstd
     */
    public static long firstOffsetAtOrAfter(ByteBuffer buffer, int start, long timestampMs) {
        return firstOffsetAtOrAfter(buffer, start, timestampMs, RECORDS_BYTES_MAX_DEFAULT);
    }

    /**
     * As {@link #firstOffsetAtOrAfter(ByteBuffer, int, long)}, with a limit on the decompressed
     * records section as in {@link #records(ByteBuffer, int, int)}.
     */
    public static long firstOffsetAtOrAfter(ByteBuffer buffer, int start, long timestampMs, int recordsBytesMax) {
        RecordDecoder decoder = open(buffer, start, recordsBytesMax);
        if (decoder == null) {
            return -1L;
        }
        while (decoder.hasNext()) {
            decoder.advance();
            if (decoder.timestamp() >= timestampMs) {
                return decoder.offset();
            }
        }
        decoder.finish();
        return -1L;
    }

    /**
     * A cursor over the batch's records that copies nothing until asked: the caller reads each
     * record's offset and timestamp and copies only the keys and values it keeps, once, into
     * arrays of its own. Same checks as {@link #records(ByteBuffer, int)}.
     *
     * @throws InvalidBatchException if the batch header is malformed (records: on {@link RecordCursor#next()})
     * @throws UnsupportedOperationException if it is compressed with snappy, lz4 or zstd
     */
    public static RecordCursor cursor(ByteBuffer buffer, int start) {
        return new RecordCursor(open(buffer, start, RECORDS_BYTES_MAX_DEFAULT));
    }

    /**
     * Checks the batch header's frame, magic and codec and sets up a decoder over the
     * (decompressed) records section; {@code null} for a batch of no records and no bytes.
     */
    private static RecordDecoder open(ByteBuffer buffer, int start, int recordsBytesMax) {
        if (start < 0) {
            throw new IllegalArgumentException("start " + start + " is negative");
        }
        if (recordsBytesMax < 0 || recordsBytesMax > RECORDS_BYTES_MAX_LIMIT) {
            throw new IllegalArgumentException(String.format(
                    "recordsBytesMax %,d must be between 0 and %,d", recordsBytesMax, RECORDS_BYTES_MAX_LIMIT));
        }
        int size = frameSize(buffer, start);
        byte magic = RecordBatchDescriptor.magic(buffer, start);
        if (magic != MAGIC) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.BAD_MAGIC, "magic is " + magic + ", only magic 2 is supported");
        }
        int codec = RecordBatchDescriptor.compression(buffer, start);
        if (codec > RecordBatchDescriptor.COMPRESSION_ZSTD) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.BAD_COMPRESSION, "compression codec " + codec + " is unknown");
        }
        Compression compression = Compression.forId(codec);
        compression.requireSupported();
        int recordCount = RecordBatchDescriptor.recordCount(buffer, start);
        if (recordCount < 0) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.BAD_RECORD_COUNT, "recordCount " + recordCount + " is negative");
        }
        int from = start + RECORDS_OFFSET;
        int end = start + size;
        if (recordCount == 0 && from == end) {
            // Kafka keeps empty batches (their records compacted away) for their producer state.
            return null;
        }
        RecordDecoder.BatchFields fields = new RecordDecoder.BatchFields(
                RecordBatchDescriptor.baseOffset(buffer, start),
                RecordBatchDescriptor.baseTimestamp(buffer, start),
                RecordBatchDescriptor.maxTimestamp(buffer, start),
                (RecordBatchDescriptor.attributes(buffer, start) & TIMESTAMP_TYPE_MASK) != 0,
                RecordBatchDescriptor.lastOffsetDelta(buffer, start),
                recordCount);
        if (compression == Compression.NONE) {
            return new RecordDecoder(buffer, from, end, fields);
        }
        ByteBuffer inflated = gunzip(buffer, from, end, recordsBytesMax);
        return new RecordDecoder(inflated, 0, inflated.limit(), fields);
    }

    /** The batch's size from its batchLength, checked against the header size and the buffer. */
    private static int frameSize(ByteBuffer buffer, int start) {
        int available = buffer.limit() - start;
        if (available < HEADER_BYTES) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.TOO_SHORT,
                    "buffer holds " + Math.max(0, available) + " bytes from " + start + ", less than the "
                            + HEADER_BYTES + "-byte header");
        }
        long size = (long) RecordBatchDescriptor.batchLength(buffer, start) + LOG_OVERHEAD;
        if (size < HEADER_BYTES || size > available) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.LENGTH_MISMATCH,
                    "batchLength says " + size + " bytes but the batch needs at least " + HEADER_BYTES
                            + " and the buffer holds " + available + " from " + start);
        }
        return (int) size;
    }

    /** Preallocate for the declared count, but never more than the bytes could hold. */
    private static int initialCapacity(ByteBuffer buffer, int start) {
        int recordCount = RecordBatchDescriptor.recordCount(buffer, start);
        int recordsBytes = RecordBatchDescriptor.sizeInBytes(buffer, start) - HEADER_BYTES;
        return Math.min(recordCount, recordsBytes / RecordDecoder.RECORD_BYTES_MIN + 1);
    }

    /**
     * Decompresses bytes {@code [from, end)} of {@code buffer}, growing the output by doubling so
     * that the memory taken follows the bytes actually produced, up to {@code recordsBytesMax}.
     */
    private static ByteBuffer gunzip(ByteBuffer buffer, int from, int end, int recordsBytesMax) {
        int compressedBytes = end - from;
        byte[] out = new byte[(int) Math.min(
                recordsBytesMax + 1L, Math.max(INFLATE_INITIAL_BYTES, 2L * compressedBytes))];
        int length = 0;
        try (InputStream in = new GZIPInputStream(new RegionInputStream(buffer, from, end), GZIP_BUFFER_BYTES)) {
            while (true) {
                if (length == out.length) {
                    if (length > recordsBytesMax) {
                        throw new InvalidBatchException(
                                InvalidBatchException.Reason.BAD_RECORDS,
                                String.format("gzip records of %,d bytes decompress to more than recordsBytesMax %,d",
                                        compressedBytes, recordsBytesMax));
                    }
                    out = Arrays.copyOf(out, (int) Math.min(recordsBytesMax + 1L, 2L * out.length));
                }
                int read = in.read(out, length, out.length - length);
                if (read < 0) {
                    return ByteBuffer.wrap(out, 0, length).slice();
                }
                length += read;
            }
        } catch (IOException e) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.BAD_RECORDS,
                    "gzip records of " + compressedBytes + " bytes are corrupt after " + length
                            + " decompressed bytes: " + e.getMessage());
        }
    }

    /** An input stream over bytes {@code [from, end)} of a buffer, read by absolute index. */
    private static final class RegionInputStream extends InputStream {
        private final ByteBuffer buffer;
        private final int end;
        private int position;

        RegionInputStream(ByteBuffer buffer, int from, int end) {
            this.buffer = buffer;
            this.position = from;
            this.end = end;
        }

        @Override
        public int read() {
            return position < end ? buffer.get(position++) & 0xff : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position >= end) {
                return -1;
            }
            int count = Math.min(length, end - position);
            buffer.get(position, target, offset, count);
            position += count;
            return count;
        }

        @Override
        public int available() {
            return end - position;
        }
    }
}
