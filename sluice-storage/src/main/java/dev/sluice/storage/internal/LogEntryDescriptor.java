package dev.sluice.storage.internal;

import dev.sluice.record.RecordBatchDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The layout of one commit-log entry: a small header naming the queue, then one RecordBatch v2,
 * stored byte for byte as the producer sent it except for the base offset the writer patches in.
 * The header makes the log self-describing: every index can be rebuilt from the log alone.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |        entryBytes (int32: header + batch; 0 = no entry)       |  0
 *  +---------------------------------------------------------------+
 *  |        headerCrc (CRC32C of [8, headerEnd) + batch [0, 21))   |  4
 *  +---------------+---------------+-------------------------------+
 *  | entryMagic=1  |   flags = 0   |     topicLength (int16)       |  8
 *  +---------------+---------------+-------------------------------+
 *  |                         queue (int32)                         | 12
 *  +---------------------------------------------------------------+
 *  |                 topic (ASCII, topicLength bytes)              | 16
 *  +---------------------------------------------------------------+
 *  |        RecordBatch v2 (entryBytes - 16 - topicLength bytes)   |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The header CRC also covers the batch's first 21 bytes (base offset, length, leader epoch,
 * magic), which the batch's own CRC leaves out; together the two CRCs cover every byte of the
 * entry. Segments are preallocated with zeros, so a zero {@code entryBytes} marks the end of the
 * written part of a segment. After a crash, recovery truncates at the first entry that fails
 * {@link #check}.
 */
public final class LogEntryDescriptor {
    public static final int ENTRY_BYTES_OFFSET = 0;
    public static final int HEADER_CRC_OFFSET = 4;
    public static final int ENTRY_MAGIC_OFFSET = 8;
    public static final int FLAGS_OFFSET = 9;
    public static final int TOPIC_LENGTH_OFFSET = 10;
    public static final int QUEUE_OFFSET = 12;
    public static final int TOPIC_OFFSET = 16;
    public static final int HEADER_FIXED_BYTES = TOPIC_OFFSET;
    public static final byte ENTRY_MAGIC = 1;
    /** Batch bytes covered by the header CRC: those the batch CRC leaves out. */
    private static final int BATCH_PREFIX_BYTES = RecordBatchDescriptor.ATTRIBUTES_OFFSET;

    private LogEntryDescriptor() {}

    public static int headerBytes(int topicLength) {
        return HEADER_FIXED_BYTES + topicLength;
    }

    public static int entryBytes(ByteBuffer buffer, int start) {
        return buffer.getInt(start + ENTRY_BYTES_OFFSET);
    }

    public static int topicLength(ByteBuffer buffer, int start) {
        return buffer.getShort(start + TOPIC_LENGTH_OFFSET);
    }

    public static int queue(ByteBuffer buffer, int start) {
        return buffer.getInt(start + QUEUE_OFFSET);
    }

    public static String topic(ByteBuffer buffer, int start) {
        byte[] bytes = new byte[topicLength(buffer, start)];
        buffer.get(start + TOPIC_OFFSET, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /**
     * Writes the header at {@code start}, before the batch that must already follow it; computes
     * the header CRC, so the batch's base offset must already be patched in.
     */
    public static void writeHeader(ByteBuffer buffer, int start, int entryBytes, byte[] topic, int queue) {
        buffer.putInt(start + ENTRY_BYTES_OFFSET, entryBytes);
        buffer.put(start + ENTRY_MAGIC_OFFSET, ENTRY_MAGIC);
        buffer.put(start + FLAGS_OFFSET, (byte) 0);
        buffer.putShort(start + TOPIC_LENGTH_OFFSET, (short) topic.length);
        buffer.putInt(start + QUEUE_OFFSET, queue);
        buffer.put(start + TOPIC_OFFSET, topic);
        buffer.putInt(start + HEADER_CRC_OFFSET, headerCrc(buffer, start, topic.length));
    }

    private static int headerCrc(ByteBuffer buffer, int start, int topicLength) {
        CRC32C crc = new CRC32C();
        ByteBuffer covered = buffer.duplicate();
        int headerEnd = start + headerBytes(topicLength);
        covered.limit(headerEnd + BATCH_PREFIX_BYTES).position(start + ENTRY_MAGIC_OFFSET);
        crc.update(covered);
        return (int) crc.getValue();
    }

    /**
     * Checks the entry at {@code start}, which may extend at most to {@code end}: size, magic,
     * header CRC, and the batch inside it ({@link RecordBatchDescriptor#check}).
     *
     * @return null when the entry is whole and sound, else why not (for the recovery report)
     */
    public static String check(ByteBuffer buffer, int start, int end, int entryBytesMax) {
        if (end - start < HEADER_FIXED_BYTES) {
            return "only " + (end - start) + " bytes remain, less than an entry header";
        }
        int entryBytes = entryBytes(buffer, start);
        if (entryBytes < HEADER_FIXED_BYTES + RecordBatchDescriptor.HEADER_BYTES || entryBytes > entryBytesMax) {
            return "entryBytes " + entryBytes + " is outside [" + (HEADER_FIXED_BYTES + RecordBatchDescriptor.HEADER_BYTES)
                    + ", " + entryBytesMax + "]";
        }
        if (entryBytes > end - start) {
            return "entryBytes " + entryBytes + " runs past the segment's end (" + (end - start) + " bytes remain)";
        }
        if (buffer.get(start + ENTRY_MAGIC_OFFSET) != ENTRY_MAGIC) {
            return "entry magic is " + buffer.get(start + ENTRY_MAGIC_OFFSET) + ", expected " + ENTRY_MAGIC;
        }
        int topicLength = topicLength(buffer, start);
        int headerBytes = headerBytes(topicLength);
        if (topicLength < 1 || headerBytes + RecordBatchDescriptor.HEADER_BYTES > entryBytes) {
            return "topicLength " + topicLength + " does not fit an entry of " + entryBytes + " bytes";
        }
        int storedCrc = buffer.getInt(start + HEADER_CRC_OFFSET);
        int computedCrc = headerCrc(buffer, start, topicLength);
        if (storedCrc != computedCrc) {
            return String.format("header crc is 0x%08x but the header's bytes give 0x%08x", storedCrc, computedCrc);
        }
        try {
            int batchBytes = entryBytes - headerBytes;
            RecordBatchDescriptor.check(buffer, start + headerBytes, batchBytes, batchBytes);
        } catch (RuntimeException e) {
            return "batch: " + e.getMessage();
        }
        return null;
    }
}
