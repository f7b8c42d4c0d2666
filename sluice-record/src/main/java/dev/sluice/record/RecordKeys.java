package dev.sluice.record;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The record keys of a batch, as 32-bit hashes for the storage engine's key index. Walks an
 * uncompressed batch's records without copying or allocating per record; decodes a gzip batch with
 * {@link RecordBatchReader}; returns nothing for codecs Sluice cannot decode yet (snappy, lz4,
 * zstd), whose records are then not found by key. Stateless and thread-safe.
 */
public final class RecordKeys {
    private static final long[] NONE = new long[0];

    private RecordKeys() {}

    /**
     * The keys of the batch at {@code start}, which must have passed {@link RecordBatchDescriptor#check}.
     *
     * @return one long a record with a non-null key: the key's {@link #hash} in the high 32 bits and
     *     the record's offset delta in the low 32 bits
     */
    public static long[] keyHashes(ByteBuffer batch, int start) {
        int compression = RecordBatchDescriptor.compression(batch, start);
        if (compression == RecordBatchDescriptor.COMPRESSION_NONE) {
            return uncompressed(batch, start);
        }
        if (!Compression.forId(compression).isSupported()) {
            return NONE;
        }
        long baseOffset = RecordBatchDescriptor.baseOffset(batch, start);
        List<Record> records = RecordBatchReader.records(batch, start);
        long[] hashes = new long[records.size()];
        int found = 0;
        for (Record record : records) {
            if (record.key() != null) {
                hashes[found++] = pack(hash(record.key()), (int) (record.offset() - baseOffset));
            }
        }
        return found == hashes.length ? hashes : java.util.Arrays.copyOf(hashes, found);
    }

    private static long[] uncompressed(ByteBuffer batch, int start) {
        int count = RecordBatchDescriptor.recordCount(batch, start);
        int end = start + RecordBatchDescriptor.sizeInBytes(batch, start);
        long[] hashes = new long[count];
        int found = 0;
        int position = start + RecordBatchDescriptor.RECORDS_OFFSET;
        for (int i = 0; i < count && position < end; i++) {
            long length = Varint.readUnsignedVarint(batch, position, end);
            if (length == -1) {
                break;
            }
            int recordEnd = position + (int) length + Varint.zigZagDecode((int) (length >>> 32));
            int at = position + (int) length + 1; // past the length and the attributes byte
            at = skipVarlong(batch, at, end);
            long offsetDelta = Varint.readUnsignedVarint(batch, at, end);
            if (offsetDelta == -1) {
                break;
            }
            at += (int) offsetDelta;
            long keyLength = Varint.readUnsignedVarint(batch, at, end);
            if (keyLength == -1) {
                break;
            }
            at += (int) keyLength;
            int keyBytes = Varint.zigZagDecode((int) (keyLength >>> 32));
            if (keyBytes >= 0 && at + keyBytes <= end) {
                hashes[found++] = pack(hash(batch.slice(at, keyBytes)),
                        Varint.zigZagDecode((int) (offsetDelta >>> 32)));
            }
            position = recordEnd;
        }
        return found == hashes.length ? hashes : java.util.Arrays.copyOf(hashes, found);
    }

    private static int skipVarlong(ByteBuffer buffer, int at, int end) {
        while (at < end && (buffer.get(at) & 0x80) != 0) {
            at++;
        }
        return at + 1;
    }

    /** The key hash of one value {@link #keyHashes} returns. */
    public static int hashOf(long packed) {
        return (int) (packed >>> 32);
    }

    /** The record's offset delta of one value {@link #keyHashes} returns. */
    public static int offsetDeltaOf(long packed) {
        return (int) packed;
    }

    private static long pack(int hash, int offsetDelta) {
        return ((long) hash << 32) | (offsetDelta & 0xffffffffL);
    }

    /** A key's hash: FNV-1a over its bytes, then MurmurHash3's finaliser to spread the bits. */
    public static int hash(ByteBuffer key) {
        int h = 0x811c9dc5;
        for (int i = key.position(); i < key.limit(); i++) {
            h ^= key.get(i) & 0xff;
            h *= 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
