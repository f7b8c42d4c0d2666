package dev.sluice.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The layout of a Kafka RecordBatch v2 (magic 2), Sluice's one batch format on the wire and on
 * disk. All accessors take a buffer whose batch starts at {@code start} (absolute indexes; the
 * buffer's position and limit are not changed). Big-endian, as Kafka writes it.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     baseOffset (int64)                        |  0
 *  +---------------------------------------------------------------+
 *  |                batchLength (int32, bytes after it)            |  8
 *  +---------------------------------------------------------------+
 *  |                 partitionLeaderEpoch (int32)                  | 12
 *  +---------------+-----------------------------------------------+
 *  | magic (=2)    |             crc (uint32, CRC32C of [21, end)) | 16, 17
 *  +---------------+---------------+-------------------------------+
 *  |   attributes (int16)          |  lastOffsetDelta (int32) ...  | 21, 23
 *  +-------------------------------+-------------------------------+
 *  |  baseTimestamp (int64) 27  |  maxTimestamp (int64) 35         |
 *  |  producerId (int64) 43  |  producerEpoch (int16) 51            |
 *  |  baseSequence (int32) 53  |  recordCount (int32) 57            |
 *  +---------------------------------------------------------------+
 *  |  records (varint-framed, possibly compressed as a whole)      | 61
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The CRC does not cover the first 21 bytes, so a broker may patch {@code baseOffset} (and
 * the leader epoch) without recomputing it. Attributes: bits 0-2 compression (0 none, 1 gzip,
 * 2 snappy, 3 lz4, 4 zstd), bit 3 timestamp type (1 = log-append time), bit 4 transactional,
 * bit 5 control.
 *
 * <p>Stateless and thread-safe.
 */
public final class RecordBatchDescriptor {
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int BATCH_LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORD_COUNT_OFFSET = 57;
    public static final int RECORDS_OFFSET = 61;

    /** Bytes of the batch header; also the smallest batch. */
    public static final int HEADER_BYTES = RECORDS_OFFSET;
    /** Bytes before the batch-length field's end, not counted by {@code batchLength}. */
    public static final int LOG_OVERHEAD = 12;
    public static final byte MAGIC = 2;

    public static final int COMPRESSION_MASK = 0x07;
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    public static final int TRANSACTIONAL_MASK = 0x10;
    public static final int CONTROL_MASK = 0x20;
    public static final int COMPRESSION_NONE = 0;
    public static final int COMPRESSION_ZSTD = 4;

    /**
     * Default limit on the bytes of a batch's records section before compression (when built)
     * and after decompression (when read): 64 MiB. Gzip can shrink repetitive data about
     * 1,000-fold, so a limit in multiples of the compressed size would either reject valid
     * batches or not bound anything; this absolute limit bounds the memory one corrupt or
     * hostile batch can make the reader allocate. {@link RecordBatchBuilder} and
     * {@link RecordBatchReader} take a lower or higher limit where a caller needs one.
     */
    public static final int RECORDS_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

    /** Upper bound for any configured records limit: 1 GiB, so a built batch's size fits an int. */
    public static final int RECORDS_BYTES_MAX_LIMIT = 1024 * 1024 * 1024;

    private RecordBatchDescriptor() {}

    public static long baseOffset(ByteBuffer buffer, int start) {
        return buffer.getLong(start + BASE_OFFSET_OFFSET);
    }

    public static void baseOffset(ByteBuffer buffer, int start, long baseOffset) {
        buffer.putLong(start + BASE_OFFSET_OFFSET, baseOffset);
    }

    public static int batchLength(ByteBuffer buffer, int start) {
        return buffer.getInt(start + BATCH_LENGTH_OFFSET);
    }

    /** Total bytes of the batch, header included. */
    public static int sizeInBytes(ByteBuffer buffer, int start) {
        return batchLength(buffer, start) + LOG_OVERHEAD;
    }

    public static byte magic(ByteBuffer buffer, int start) {
        return buffer.get(start + MAGIC_OFFSET);
    }

    public static long crc(ByteBuffer buffer, int start) {
        return Integer.toUnsignedLong(buffer.getInt(start + CRC_OFFSET));
    }

    public static short attributes(ByteBuffer buffer, int start) {
        return buffer.getShort(start + ATTRIBUTES_OFFSET);
    }

    public static int compression(ByteBuffer buffer, int start) {
        return attributes(buffer, start) & COMPRESSION_MASK;
    }

    public static int lastOffsetDelta(ByteBuffer buffer, int start) {
        return buffer.getInt(start + LAST_OFFSET_DELTA_OFFSET);
    }

    public static long baseTimestamp(ByteBuffer buffer, int start) {
        return buffer.getLong(start + BASE_TIMESTAMP_OFFSET);
    }

    public static long maxTimestamp(ByteBuffer buffer, int start) {
        return buffer.getLong(start + MAX_TIMESTAMP_OFFSET);
    }

    public static long producerId(ByteBuffer buffer, int start) {
        return buffer.getLong(start + PRODUCER_ID_OFFSET);
    }

    public static short producerEpoch(ByteBuffer buffer, int start) {
        return buffer.getShort(start + PRODUCER_EPOCH_OFFSET);
    }

    public static int baseSequence(ByteBuffer buffer, int start) {
        return buffer.getInt(start + BASE_SEQUENCE_OFFSET);
    }

    public static int recordCount(ByteBuffer buffer, int start) {
        return buffer.getInt(start + RECORD_COUNT_OFFSET);
    }

    /** CRC32C of bytes {@code [start + 21, start + size)}, the range the batch's crc covers. */
    public static long computeCrc(ByteBuffer buffer, int start, int size) {
        CRC32C crc = new CRC32C();
        ByteBuffer covered = buffer.duplicate();
        covered.limit(start + size).position(start + ATTRIBUTES_OFFSET);
        crc.update(covered);
        return crc.getValue();
    }

    /** Recomputes and stores the batch's crc, after a change to a covered field. */
    public static void updateCrc(ByteBuffer buffer, int start) {
        int size = sizeInBytes(buffer, start);
        buffer.putInt(start + CRC_OFFSET, (int) computeCrc(buffer, start, size));
    }

    /**
     * Checks that the bytes in {@code [start, start + size)} are exactly one well-formed batch of
     * at most {@code batchBytesMax} bytes: length, magic, CRC32C, record count against the last
     * offset delta, compression codec, and, for an uncompressed batch, that the records' framing
     * adds up to the record count and the batch length.
     *
     * @throws InvalidBatchException naming the broken rule and the actual value
     */
    public static void check(ByteBuffer buffer, int start, int size, int batchBytesMax) {
        if (size < HEADER_BYTES) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.TOO_SHORT,
                    "batch of " + size + " bytes is shorter than the " + HEADER_BYTES + "-byte header");
        }
        if (size > batchBytesMax) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.TOO_LARGE,
                    String.format("batch of %,d bytes exceeds batchBytesMax %,d", size, batchBytesMax));
        }
        int declared = sizeInBytes(buffer, start);
        if (declared != size) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.LENGTH_MISMATCH,
                    "batchLength says " + declared + " bytes but the batch has " + size);
        }
        byte magic = magic(buffer, start);
        if (magic != MAGIC) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.BAD_MAGIC, "magic is " + magic + ", only magic 2 is supported");
        }
        long stored = crc(buffer, start);
        long computed = computeCrc(buffer, start, size);
        if (stored != computed) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.CRC_MISMATCH,
                    String.format("crc is 0x%08x but the batch's bytes give 0x%08x", stored, computed));
        }
        int recordCount = recordCount(buffer, start);
        int lastOffsetDelta = lastOffsetDelta(buffer, start);
        if (recordCount <= 0 || lastOffsetDelta != recordCount - 1) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.BAD_RECORD_COUNT,
                    "recordCount " + recordCount + " with lastOffsetDelta " + lastOffsetDelta
                            + "; a batch needs recordCount >= 1 and lastOffsetDelta = recordCount - 1");
        }
        int compression = compression(buffer, start);
        if (compression > COMPRESSION_ZSTD) {
            throw new InvalidBatchException(
                    InvalidBatchException.Reason.BAD_COMPRESSION, "compression codec " + compression + " is unknown");
        }
        if (compression == COMPRESSION_NONE) {
            checkRecordFraming(buffer, start, size, recordCount);
        }
    }

    /** Walks the varint framing of an uncompressed batch's records without decoding them. */
    private static void checkRecordFraming(ByteBuffer buffer, int start, int size, int recordCount) {
        int end = start + size;
        int position = start + RECORDS_OFFSET;
        for (int i = 0; i < recordCount; i++) {
            if (position >= end) {
                throw badRecords("recordCount is " + recordCount + " but the records end after " + i);
            }
            long encoded = Varint.readUnsignedVarint(buffer, position, end);
            // Compare with -1, not < 0: a valid result is negative when the raw value uses bit 31.
            if (encoded == -1) {
                throw badRecords("record " + i + " has a malformed length varint");
            }
            int length = Varint.zigZagDecode((int) (encoded >>> 32));
            position += (int) encoded;
            if (length <= 0 || length > end - position) {
                throw badRecords("record " + i + " declares " + length + " bytes but " + (end - position) + " remain");
            }
            position += length;
        }
        if (position != end) {
            throw badRecords((end - position) + " bytes follow the last of " + recordCount + " records");
        }
    }

    private static InvalidBatchException badRecords(String message) {
        return new InvalidBatchException(InvalidBatchException.Reason.BAD_RECORDS, message);
    }
}
