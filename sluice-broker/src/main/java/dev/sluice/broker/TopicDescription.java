package dev.sluice.broker;

import java.util.List;

/**
 * A topic and its queues' offsets, as {@link Broker#describeTopic} saw them. Immutable.
 *
 * @param info the topic
 * @param queues one entry per queue, in queue order
 */
public record TopicDescription(TopicInfo info, List<QueueOffsets> queues) {
    public TopicDescription {
        queues = List.copyOf(queues);
    }
}
