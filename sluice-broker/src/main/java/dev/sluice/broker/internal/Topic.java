package dev.sluice.broker.internal;

import dev.sluice.broker.TopicInfo;
import dev.sluice.storage.QueueId;
import java.util.Arrays;

/**
 * A topic and its queues' logical start offsets: reads below one get OFFSET_OUT_OF_RANGE. A
 * logical start offset is where the topic's queue began (the old end offset, when a deleted topic's
 * name is created again: offsets are never reused) or where per-topic retention moved it. Immutable
 * and thread-safe; a change makes a new instance.
 */
public final class Topic {
    private final TopicInfo info;
    private final long[] logicalStartOffsets;
    private final QueueId[] queueIds;

    Topic(TopicInfo info, long[] logicalStartOffsets) {
        if (logicalStartOffsets.length != info.queueCount()) {
            throw new IllegalArgumentException("topic " + info.name() + " has " + info.queueCount()
                    + " queues but " + logicalStartOffsets.length + " start offsets");
        }
        this.info = info;
        this.logicalStartOffsets = logicalStartOffsets.clone();
        this.queueIds = new QueueId[info.queueCount()];
        for (int queue = 0; queue < queueIds.length; queue++) {
            queueIds[queue] = new QueueId(info.name(), queue);
        }
    }

    public TopicInfo info() {
        return info;
    }

    public String name() {
        return info.name();
    }

    public int queueCount() {
        return info.queueCount();
    }

    /** The storage queue of {@code queue}, which must be below {@link #queueCount()}. */
    public QueueId queueId(int queue) {
        return queueIds[queue];
    }

    public long logicalStartOffset(int queue) {
        return logicalStartOffsets[queue];
    }

    long[] logicalStartOffsets() {
        return logicalStartOffsets.clone();
    }

    Topic withLogicalStartOffsets(long[] offsets) {
        return new Topic(info, offsets);
    }

    @Override
    public String toString() {
        return info + " logicalStartOffsets=" + Arrays.toString(logicalStartOffsets);
    }
}
