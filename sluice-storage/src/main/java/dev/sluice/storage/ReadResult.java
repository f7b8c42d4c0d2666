package dev.sluice.storage;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The answer to a read by offset.
 *
 * @param status OK, or OFFSET_OUT_OF_RANGE when the offset is below the queue's start or above its end
 * @param batches whole RecordBatch v2 batches in offset order, read-only views of the log (valid
 *     after the segment is deleted; do not keep them for long: they pin the mapping)
 * @param nextOffset the offset to read next: the offset after the last batch returned, or the
 *     requested offset when nothing was returned
 * @param startOffset the queue's first readable offset
 * @param endOffset the offset the queue's next record will get, among visible records
 * @param bytes the sum of the batches' sizes
 */
public record ReadResult(
        Status status, List<ByteBuffer> batches, long nextOffset, long startOffset, long endOffset, int bytes) {
    public enum Status {
        OK,
        OFFSET_OUT_OF_RANGE
    }

    static ReadResult outOfRange(long offset, long startOffset, long endOffset) {
        return new ReadResult(Status.OFFSET_OUT_OF_RANGE, List.of(), offset, startOffset, endOffset, 0);
    }
}
