package dev.sluice.record;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Rebuilds a batch without some of its records, for the broker's message-id window (a batch of
 * which some records are duplicates stores the others). The new batch is a valid RecordBatch v2
 * with dense offset deltas: the kept records in their order, with their timestamps, keys, values
 * and headers, the same codec (NONE or GZIP), producer id and epoch. Its base sequence is shifted
 * so that its <em>last</em> sequence equals the original batch's: an idempotent producer's next
 * batch follows it in sequence, and a retry of the original is recognised by its last sequence.
 *
 * <p>Stateless and thread-safe. Decodes and re-encodes the records: meant for the rare partial
 * duplicate, not the hot path.
 */
public final class RecordBatchFilter {
    private RecordBatchFilter() {}

    /**
     * The batch at {@code start} with only the records whose {@code keep} element is true.
     *
     * @param keep one element per record of the batch; at least one true
     * @return a heap buffer positioned at 0 holding exactly the new batch
     * @throws UnsupportedOperationException for snappy, lz4 and zstd batches
     * @throws IllegalArgumentException if {@code keep} does not match the record count or keeps nothing
     */
    public static ByteBuffer retain(ByteBuffer batch, int start, boolean[] keep) {
        Compression compression = Compression.forId(RecordBatchDescriptor.compression(batch, start));
        List<Record> records = RecordBatchReader.records(batch, start);
        if (keep.length != records.size()) {
            throw new IllegalArgumentException("keep has " + keep.length + " elements for " + records.size() + " records");
        }
        int kept = 0;
        for (boolean k : keep) {
            kept += k ? 1 : 0;
        }
        if (kept == 0) {
            throw new IllegalArgumentException("a batch keeps at least one record; keep is all false");
        }
        RecordBatchBuilder builder = RecordBatchBuilder.create(compression, RecordBatchDescriptor.baseTimestamp(batch, start))
                .recordsBytesMax(RecordBatchDescriptor.RECORDS_BYTES_MAX_LIMIT);
        int baseSequence = RecordBatchDescriptor.baseSequence(batch, start);
        if (baseSequence >= 0) {
            int lastSequence = sequenceAfter(baseSequence, records.size() - 1);
            builder.producer(RecordBatchDescriptor.producerId(batch, start), RecordBatchDescriptor.producerEpoch(batch, start),
                    sequenceAfter(lastSequence, -(kept - 1)));
        } else {
            builder.producer(RecordBatchDescriptor.producerId(batch, start), RecordBatchDescriptor.producerEpoch(batch, start),
                    baseSequence);
        }
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                Record record = records.get(i);
                builder.append(record.timestamp(), record.key(), record.value(), record.headers());
            }
        }
        return builder.build();
    }

    /** {@code sequence + delta} in the idempotent producer's sequence space, which wraps from Integer.MAX_VALUE to 0. */
    static int sequenceAfter(int sequence, int delta) {
        long modulus = (long) Integer.MAX_VALUE + 1;
        return (int) Math.floorMod((long) sequence + delta, modulus);
    }
}
