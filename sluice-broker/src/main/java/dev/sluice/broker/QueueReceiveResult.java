package dev.sluice.broker;

import java.util.List;

/**
 * What a receive acquired: one entry per queue with deliveries, in queue order; empty when the wait
 * ended with nothing available. Immutable.
 *
 * @param queues the queues with deliveries
 */
public record QueueReceiveResult(List<QueueDeliveries> queues) {
    public QueueReceiveResult {
        queues = List.copyOf(queues);
    }

    /** The number of deliveries across the queues. */
    public int deliveryCount() {
        int count = 0;
        for (QueueDeliveries queue : queues) {
            count += queue.deliveries().size();
        }
        return count;
    }
}
