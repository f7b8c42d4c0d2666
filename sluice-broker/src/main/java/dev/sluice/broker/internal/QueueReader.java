package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.FetchEntry;
import dev.sluice.broker.FetchResult;
import dev.sluice.broker.QueueOffsets;
import dev.sluice.storage.CorruptLogException;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.QueueId;
import dev.sluice.storage.ReadResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads topics' queues through the storage engine, applying the broker's view: unknown topics and
 * queues, and logical start offsets (a re-created topic's old offsets, per-topic retention). A
 * queue's start offset is the higher of its logical start and the storage's start. Stateless
 * apart from its collaborators; thread-safe, lock-free.
 */
public final class QueueReader {
    private final LogStore store;
    private final TopicRegistry topics;

    public QueueReader(LogStore store, TopicRegistry topics) {
        this.store = store;
        this.topics = topics;
    }

    /** The topic, checked to have {@code queue}; UNKNOWN_TOPIC or UNKNOWN_QUEUE otherwise. */
    public Topic requireQueue(String topicName, int queue) {
        Topic topic = topics.require(topicName);
        if (queue < 0 || queue >= topic.queueCount()) {
            throw new BrokerException(BrokerError.UNKNOWN_QUEUE, String.format(
                    "queue %,d is not below queueCount %,d (topic %s)", queue, topic.queueCount(), topicName));
        }
        return topic;
    }

    public QueueOffsets offsets(Topic topic, int queue) {
        QueueId id = topic.queueId(queue);
        long end = store.endOffset(id);
        long start = Math.min(end, Math.max(topic.logicalStartOffset(queue), store.startOffset(id)));
        return new QueueOffsets(queue, start, end);
    }

    /**
     * Whole batches from the one holding {@code offset}, up to {@code maxBytes} but at least one;
     * {@code maxBytes} of 0 or less checks and returns offsets only. Errors are in the result.
     */
    public FetchResult read(String topicName, int queue, long offset, int maxBytes) {
        Topic topic;
        try {
            topic = requireQueue(topicName, queue);
        } catch (BrokerException e) {
            return FetchResult.failed(topicName, queue, e.error(), e.getMessage(), -1, -1);
        }
        QueueOffsets offsets = offsets(topic, queue);
        if (offset < offsets.startOffset() || offset > offsets.endOffset()) {
            return outOfRange(topicName, queue, offset, offsets.startOffset(), offsets.endOffset());
        }
        if (maxBytes <= 0 || offset == offsets.endOffset()) {
            return new FetchResult(topicName, queue, null, null, offsets.startOffset(), offsets.endOffset(), List.of(), 0);
        }
        ReadResult read;
        try {
            read = store.read(topic.queueId(queue), offset, maxBytes);
        } catch (CorruptLogException e) {
            return FetchResult.failed(topicName, queue, BrokerError.STORAGE_FAILED, e.getMessage(),
                    offsets.startOffset(), offsets.endOffset());
        }
        long start = Math.max(offsets.startOffset(), read.startOffset());
        if (read.status() == ReadResult.Status.OFFSET_OUT_OF_RANGE) {
            // Retention deleted the segment between the offset check and the read.
            return outOfRange(topicName, queue, offset, start, read.endOffset());
        }
        return new FetchResult(topicName, queue, null, null, start, read.endOffset(), read.batches(), read.bytes());
    }

    /**
     * Reads every entry, {@code maxBytes} across them: once a batch has been returned, an entry
     * whose first batch would pass the limit returns none (the first batch is returned even if larger).
     */
    public List<FetchResult> readAll(List<FetchEntry> entries, int maxBytes) {
        List<FetchResult> results = new ArrayList<>(entries.size());
        long remaining = Math.max(0, maxBytes);
        boolean anyBatch = false;
        for (FetchEntry entry : entries) {
            long limit = Math.min(Math.max(0, entry.maxBytes()), remaining);
            int readBytes = anyBatch ? (int) limit : (int) Math.max(1, limit);
            FetchResult result = read(entry.topic(), entry.queue(), entry.offset(), readBytes);
            if (anyBatch && result.bytes() > limit) {
                result = new FetchResult(result.topic(), result.queue(), null, null, result.startOffset(),
                        result.endOffset(), List.of(), 0);
            }
            remaining = Math.max(0, remaining - result.bytes());
            anyBatch |= result.bytes() > 0;
            results.add(result);
        }
        return results;
    }

    /** Whether any entry has a record at or past its offset, or an error: cheap, reads no batch. */
    public boolean anyReadable(List<FetchEntry> entries) {
        for (FetchEntry entry : entries) {
            Topic topic = topics.get(entry.topic());
            if (topic == null || entry.queue() < 0 || entry.queue() >= topic.queueCount()) {
                return true;
            }
            QueueOffsets offsets = offsets(topic, entry.queue());
            if (entry.offset() < offsets.startOffset() || entry.offset() != offsets.endOffset()) {
                return true;
            }
        }
        return false;
    }

    /**
     * -1: the end offset; -2: the start offset; else the first offset whose record has a timestamp
     * at or after {@code timestampMs} (the end offset when none has).
     */
    public long listOffset(String topicName, int queue, long timestampMs) {
        Topic topic = requireQueue(topicName, queue);
        QueueOffsets offsets = offsets(topic, queue);
        if (timestampMs == -1) {
            return offsets.endOffset();
        }
        if (timestampMs == -2) {
            return offsets.startOffset();
        }
        if (timestampMs < 0) {
            throw new BrokerException(BrokerError.INVALID_REQUEST,
                    "timestampMs is " + timestampMs + "; it must be -1 (end), -2 (start) or 0 or more");
        }
        long found = store.offsetForTimestamp(topic.queueId(queue), timestampMs);
        return found < 0 ? offsets.endOffset() : Math.min(offsets.endOffset(), Math.max(found, offsets.startOffset()));
    }

    private static FetchResult outOfRange(String topic, int queue, long offset, long start, long end) {
        return FetchResult.failed(topic, queue, BrokerError.OFFSET_OUT_OF_RANGE,
                String.format("offset %,d is outside the queue's range %,d..%,d (topic %s, queue %d)", offset, start,
                        end, topic, queue),
                start, end);
    }
}
