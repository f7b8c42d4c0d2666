package dev.sluice.broker;

import java.util.List;

/**
 * A queue-mode group's state. Immutable.
 *
 * @param group the group name
 * @param topic the topic it is bound to
 * @param settings its settings, with the dead-letter topic resolved (never null: "" means none)
 * @param queues every queue of the topic, in queue order (empty when the topic was deleted)
 */
public record QueueGroupDescription(String group, String topic, QueueGroupSettings settings,
        List<QueueGroupQueue> queues) {
    public QueueGroupDescription {
        queues = List.copyOf(queues);
    }
}
