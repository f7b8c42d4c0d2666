package dev.sluice.broker.internal;

import dev.sluice.record.InvalidBatchException;
import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.record.RecordHeaderScan;
import dev.sluice.record.ReservedHeaders;
import dev.sluice.storage.AppendResult;
import dev.sluice.storage.QueueId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the {@link MessageIdWindow} at open, as a visitor of the producer-state rebuild's one
 * pass over the retained log: a batch of a topic with a window, not older than the window by its
 * newest record timestamp, has its records' message ids collected; {@link #finish} enters them in
 * time order. Single use, on the opening thread.
 */
public final class MessageIdRebuild implements ProducerStates.BatchVisitor {
    private static final Logger LOGGER = LoggerFactory.getLogger(MessageIdRebuild.class);

    private record Found(long timeMs, long windowMs, QueueId queue, String id, long offset) {}

    private final TopicRegistry topics;
    private final long nowMs;
    private final int idsMax;
    private List<Found> found = new ArrayList<>();
    private long batchesScanned;
    private long idsFound;

    /** @param idsMax the window's bound: at most this many (the newest) ids are collected */
    public MessageIdRebuild(TopicRegistry topics, long nowMs, int idsMax) {
        this.topics = topics;
        this.nowMs = nowMs;
        this.idsMax = idsMax;
    }

    @Override
    public void onBatch(QueueId queue, ByteBuffer batch) {
        Topic topic = topics.get(queue.topic());
        if (topic == null || queue.queue() >= topic.queueCount()) {
            return;
        }
        long windowMs = topics.messageIdWindowMs(topic.info());
        int start = batch.position();
        long timeMs = Math.min(nowMs, RecordBatchDescriptor.maxTimestamp(batch, start));
        long baseOffset = RecordBatchDescriptor.baseOffset(batch, start);
        if (windowMs <= 0 || timeMs + windowMs <= nowMs
                || baseOffset + RecordBatchDescriptor.lastOffsetDelta(batch, start) < topic.logicalStartOffset(queue.queue())
                || (RecordBatchDescriptor.attributes(batch, start) & RecordBatchDescriptor.CONTROL_MASK) != 0) {
            return;
        }
        byte[][] ids;
        try {
            ids = RecordHeaderScan.valuesOf(batch, start, ReservedHeaders.MESSAGE_ID);
        } catch (InvalidBatchException e) {
            LOGGER.warn("message ids of a stored batch not read: queue={} baseOffset={} problem={}", queue, baseOffset,
                    e.getMessage());
            return;
        }
        batchesScanned++;
        if (ids == null || RecordHeaderScan.undecodable(ids)) {
            return;
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != null && MessageIds.valid(ids[i])) {
                found.add(new Found(timeMs, windowMs, queue, MessageIds.key(ids[i]), baseOffset + i));
                idsFound++;
            }
        }
        if (found.size() >= 2L * idsMax) {
            keepNewest();
        }
    }

    /** Bounds the memory the rebuild takes: the window would evict the oldest past idsMax anyway. */
    private void keepNewest() {
        found.sort(Comparator.comparingLong(Found::timeMs));
        if (found.size() > idsMax) {
            found = new ArrayList<>(found.subList(found.size() - idsMax, found.size()));
        }
    }

    /** Enters what was found into {@code window}, oldest first. */
    public void finish(MessageIdWindow window) {
        keepNewest();
        for (Found id : found) {
            window.onRecovered(id.queue().topic(), id.queue().queue(), id.id(),
                    new AppendResult(id.queue(), id.offset(), id.offset(), -1, id.timeMs()), id.timeMs(), id.windowMs(),
                    nowMs);
        }
        LOGGER.info("message-id window rebuilt: batchesScanned={} idCount={} kept={}", batchesScanned, idsFound,
                window.stats().idsKept());
        found = List.of();
    }

    /** The message ids of a batch, as {@link MessageIdWindow} keys them. */
    public static final class MessageIds {
        /** The longest message id, in UTF-8 bytes. */
        public static final int ID_BYTES_MAX = 255;

        private MessageIds() {}

        /** Whether a header value is a well-formed message id: 1 to 255 bytes. */
        public static boolean valid(byte[] id) {
            return id.length >= 1 && id.length <= ID_BYTES_MAX;
        }

        /** The window's key for an id: its bytes as ISO-8859-1 characters (byte for byte, compact). */
        public static String key(byte[] id) {
            return new String(id, StandardCharsets.ISO_8859_1);
        }
    }
}
