package dev.sluice.broker;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The deliveries of one queue in a {@link QueueReceiveResult}. Immutable (the buffers are read-only
 * views of the commit log, as {@link FetchResult}'s: send them, do not keep them for long).
 *
 * @param queue the queue number
 * @param batches whole RecordBatch v2 batches read from the log that contain every delivered offset;
 *     they may contain other records too: keep only the delivered offsets
 * @param deliveries the deliveries, in offset order
 */
public record QueueDeliveries(int queue, List<ByteBuffer> batches, List<QueueDelivery> deliveries) {
    public QueueDeliveries {
        batches = List.copyOf(batches);
        deliveries = List.copyOf(deliveries);
    }
}
