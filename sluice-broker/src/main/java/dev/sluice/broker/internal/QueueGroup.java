package dev.sluice.broker.internal;

import dev.sluice.broker.QueueGroupSettings;

/**
 * A queue-mode group: its topic, settings (the dead-letter topic resolved: "" for none) and one
 * {@link AckTracker} per queue of the topic. Mutable; guarded by the {@link QueueGroups} lock.
 */
final class QueueGroup {
    final String name;
    final String topic;
    final QueueGroupSettings settings;
    final long createTimeMs;
    final AckTracker[] trackers;
    /** The queue a receive looks at first, rotated so that a small maxMessages starves no queue. */
    int nextQueue;
    /** Whether the metadata record still has to be appended. */
    boolean metadataDirty;
    /** Records skipped because retention deleted them before they were done. */
    long retentionSkippedCount;

    QueueGroup(String name, String topic, QueueGroupSettings settings, long createTimeMs, AckTracker[] trackers) {
        this.name = name;
        this.topic = topic;
        this.settings = settings;
        this.createTimeMs = createTimeMs;
        this.trackers = trackers;
    }

    QueueGroupRecords.GroupValue value() {
        return new QueueGroupRecords.GroupValue(topic, settings, createTimeMs);
    }
}
