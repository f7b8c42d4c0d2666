package dev.sluice.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Finds one header's value in each record of a batch, for the broker's message-id window. An
 * uncompressed batch is walked in place: per record a few varints are read and only headers whose
 * key has the sought length are compared, so a batch without the header costs a walk of its record
 * framing and allocates nothing. A gzip batch is decompressed with {@link RecordBatchReader};
 * snappy, lz4 and zstd batches, which Sluice cannot decode, are not looked into ({@link #UNDECODABLE}).
 *
 * <p>Stateless and thread-safe. The batch must have passed {@link RecordBatchDescriptor#check};
 * malformed records inside it still end in {@link InvalidBatchException} (BAD_RECORDS), never in
 * an out-of-bounds read.
 */
public final class RecordHeaderScan {
    /** Returned for a batch whose codec Sluice cannot decode: its headers are unknown. */
    public static final byte[][] UNDECODABLE = new byte[0][];

    private RecordHeaderScan() {}

    /**
     * The value of the first header named {@code key} in each record of the batch at {@code start}.
     *
     * @return {@code null} when no record has the header; {@link #UNDECODABLE} for snappy, lz4 and
     *     zstd batches; else an array with one element per record (in order): the header's value, or
     *     {@code null} for a record without it (or with a null value)
     * @throws InvalidBatchException if a record is malformed
     */
    public static byte[][] valuesOf(ByteBuffer batch, int start, String key) {
        int compression = RecordBatchDescriptor.compression(batch, start);
        if (compression == RecordBatchDescriptor.COMPRESSION_NONE) {
            return uncompressed(batch, start, key.getBytes(StandardCharsets.UTF_8));
        }
        if (!Compression.forId(compression).isSupported()) {
            return UNDECODABLE;
        }
        RecordCursor cursor = RecordBatchReader.cursor(batch, start);
        byte[][] values = null;
        int count = RecordBatchDescriptor.recordCount(batch, start);
        int index = 0;
        byte[][] found = new byte[1][];
        while (cursor.next()) {
            found[0] = null;
            cursor.forEachHeader((name, value) -> {
                if (found[0] == null && name.equals(key)) {
                    found[0] = value;
                }
            });
            if (found[0] != null) {
                if (values == null) {
                    values = new byte[count][];
                }
                values[index] = found[0];
            }
            index++;
        }
        return values;
    }

    private static byte[][] uncompressed(ByteBuffer batch, int start, byte[] key) {
        int count = RecordBatchDescriptor.recordCount(batch, start);
        int end = start + RecordBatchDescriptor.sizeInBytes(batch, start);
        int position = start + RecordBatchDescriptor.RECORDS_OFFSET;
        byte[][] values = null;
        for (int i = 0; i < count; i++) {
            long length = read(batch, position, end, i);
            int recordEnd = position + (int) length + Varint.zigZagDecode((int) (length >>> 32));
            if (recordEnd > end || recordEnd <= position) {
                throw bad(i, "overruns the batch");
            }
            int at = position + (int) length + 1; // past the length and the attributes byte
            at = skipVarlong(batch, at, recordEnd, i);
            at += (int) read(batch, at, recordEnd, i); // offsetDelta
            at = skipField(batch, at, recordEnd, i); // key
            at = skipField(batch, at, recordEnd, i); // value
            long headerCount = read(batch, at, recordEnd, i);
            at += (int) headerCount;
            int headers = Varint.zigZagDecode((int) (headerCount >>> 32));
            for (int h = 0; h < headers; h++) {
                long keyLength = read(batch, at, recordEnd, i);
                at += (int) keyLength;
                int keyBytes = Varint.zigZagDecode((int) (keyLength >>> 32));
                if (keyBytes < 0 || keyBytes > recordEnd - at) {
                    throw bad(i, "has a header key of " + keyBytes + " bytes");
                }
                boolean match = keyBytes == key.length && matches(batch, at, key);
                at += keyBytes;
                long valueLength = read(batch, at, recordEnd, i);
                at += (int) valueLength;
                int valueBytes = Varint.zigZagDecode((int) (valueLength >>> 32));
                if (valueBytes < -1 || valueBytes > recordEnd - at) {
                    throw bad(i, "has a header value of " + valueBytes + " bytes");
                }
                if (match && valueBytes >= 0 && (values == null || values[i] == null)) {
                    if (values == null) {
                        values = new byte[count][];
                    }
                    values[i] = new byte[valueBytes];
                    batch.get(at, values[i]);
                }
                at += Math.max(0, valueBytes);
            }
            position = recordEnd;
        }
        return values;
    }

    private static boolean matches(ByteBuffer batch, int at, byte[] key) {
        for (int i = 0; i < key.length; i++) {
            if (batch.get(at + i) != key[i]) {
                return false;
            }
        }
        return true;
    }

    private static long read(ByteBuffer batch, int at, int end, int record) {
        long varint = Varint.readUnsignedVarint(batch, at, end);
        if (varint == -1) {
            throw bad(record, "has a malformed varint");
        }
        return varint;
    }

    private static int skipField(ByteBuffer batch, int at, int end, int record) {
        long length = read(batch, at, end, record);
        at += (int) length;
        int bytes = Varint.zigZagDecode((int) (length >>> 32));
        if (bytes < -1 || bytes > end - at) {
            throw bad(record, "declares a field of " + bytes + " bytes");
        }
        return at + Math.max(0, bytes);
    }

    private static int skipVarlong(ByteBuffer batch, int at, int end, int record) {
        for (int i = 0; i < 10 && at + i < end; i++) {
            if ((batch.get(at + i) & 0x80) == 0) {
                return at + i + 1;
            }
        }
        throw bad(record, "has a malformed timestampDelta");
    }

    private static InvalidBatchException bad(int record, String message) {
        return new InvalidBatchException(InvalidBatchException.Reason.BAD_RECORDS, "record " + record + " " + message);
    }

    /** Whether {@code values} is the {@link #UNDECODABLE} marker. */
    public static boolean undecodable(byte[][] values) {
        return values == UNDECODABLE;
    }
}
