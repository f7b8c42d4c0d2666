package dev.sluice.broker;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * What one queue of a fetch returned. Immutable (the buffers are read-only views of the commit
 * log: send them, do not keep them for long, as they pin the log's mapping).
 *
 * @param topic the topic
 * @param queue the queue number
 * @param error null when the read succeeded
 * @param errorMessage null when the read succeeded, else names the rule and the value
 * @param startOffset the queue's first readable offset, -1 when the topic or queue is unknown
 * @param endOffset the queue's end offset, -1 when the topic or queue is unknown
 * @param batches whole RecordBatch v2 batches; the first may start before the requested offset
 * @param bytes the sum of the batches' sizes
 */
public record FetchResult(String topic, int queue, BrokerError error, String errorMessage, long startOffset,
        long endOffset, List<ByteBuffer> batches, int bytes) {
    public FetchResult {
        batches = List.copyOf(batches);
    }

    /** A failed read of one queue. */
    public static FetchResult failed(String topic, int queue, BrokerError error, String message, long startOffset,
            long endOffset) {
        return new FetchResult(topic, queue, error, message, startOffset, endOffset, List.of(), 0);
    }
}
