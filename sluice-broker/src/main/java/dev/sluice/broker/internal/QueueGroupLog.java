package dev.sluice.broker.internal;

import dev.sluice.record.Compression;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.storage.AppendResult;
import dev.sluice.storage.Durability;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.QueueId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Queue-mode group state in the commit log: the internal topic {@code __queue_groups}, queue 0
 * (format in {@link QueueGroupRecords}). Appends records in order, packed into as few batches as
 * fit (half the storage's {@code batchBytesMax} each, as {@link OffsetStore}), and reads them all
 * back at open. Callers order their appends (the {@link QueueGroups} lock). Thread-safe.
 */
final class QueueGroupLog {
    /** The internal topic's queue. */
    static final QueueId QUEUE = new QueueId(TopicRegistry.INTERNAL_PREFIX + "queue_groups", 0);
    /** Bytes read per step while loading. */
    /** Room for a batch header, a record's framing and its key. */
    private static final int RECORD_OVERHEAD_BYTES = 1_200;

    private final LogStore store;
    private final LongSupplier clockMs;
    private final int batchBytesMax;
    private final int entriesPerRecordMax;

    /** One record to append. */
    record Pending(byte[] key, byte[] value) {}

    QueueGroupLog(LogStore store, LongSupplier clockMs) {
        this.store = store;
        this.clockMs = clockMs;
        this.batchBytesMax = Math.max(4 * RECORD_OVERHEAD_BYTES, store.config().batchBytesMax() / 2);
        this.entriesPerRecordMax = (batchBytesMax - RECORD_OVERHEAD_BYTES - QueueGroupRecords.TRACKER_HEADER_BYTES)
                / QueueGroupRecords.ENTRY_BYTES;
    }

    /** Adds a group's metadata record (a tombstone when {@code value} is null). */
    static void group(List<Pending> out, String group, QueueGroupRecords.GroupValue value) {
        byte[] key = QueueGroupRecords.key(new QueueGroupRecords.Key(QueueGroupRecords.TYPE_GROUP, group, -1));
        out.add(new Pending(key, value == null ? null : QueueGroupRecords.groupValue(value)));
    }

    /**
     * Adds a tracker's records: the entries split over as many records as needed, the first of the
     * given {@code kind}, the rest deltas (so a snapshot's later chunks add to its first).
     */
    void tracker(List<Pending> out, String group, int queue, byte kind, AckTracker tracker,
            List<QueueGroupRecords.EntryValue> entries) {
        byte[] key = QueueGroupRecords.key(new QueueGroupRecords.Key(QueueGroupRecords.TYPE_TRACKER, group, queue));
        int from = 0;
        byte chunkKind = kind;
        do {
            int to = Math.min(entries.size(), from + entriesPerRecordMax);
            out.add(new Pending(key, QueueGroupRecords.trackerValue(chunkKind, tracker.startOffset(),
                    tracker.deadLetteredCount(), entries.subList(from, to))));
            chunkKind = QueueGroupRecords.KIND_DELTA;
            from = to;
        } while (from < entries.size());
    }

    /** Appends the records in order; completes (on a storage thread) when every batch is stored. */
    CompletableFuture<Void> append(List<Pending> records, Durability durability) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        long nowMs = clockMs.getAsLong();
        List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
        RecordBatchBuilder builder = null;
        int bytes = 0;
        try {
            for (Pending record : records) {
                int recordBytes = record.key().length + (record.value() == null ? 0 : record.value().length) + 32;
                if (builder != null && bytes + recordBytes > batchBytesMax) {
                    appends.add(store.append(QUEUE, builder.build(), durability));
                    builder = null;
                }
                if (builder == null) {
                    builder = RecordBatchBuilder.create(Compression.NONE, nowMs);
                    bytes = 0;
                }
                builder.append(nowMs, record.key(), record.value(), List.of());
                bytes += recordBytes;
            }
            appends.add(store.append(QUEUE, builder.build(), durability));
        } catch (RuntimeException e) {
            appends.add(CompletableFuture.failedFuture(e));
        }
        return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new));
    }

    /** Hands every record of the queue groups topic, in log order, to {@code sink}; returns how many. */
    static long load(LogStore store, Consumer<Record> sink) {
        return LogScan.records(store, QUEUE, sink);
    }
}
