package dev.sluice.broker.internal;

import dev.sluice.record.Compression;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.storage.AppendResult;
import dev.sluice.storage.Durability;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.QueueId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets, stored in the commit log itself: the internal topic {@code __offsets}, queue
 * 0, appended with {@code FLUSHED} durability so commits share the group-commit fsyncs (format in
 * {@link OffsetRecords}). {@link #load} rebuilds the table by reading that queue from its start.
 *
 * <p><b>Snapshots.</b> Retention deletes whole old segments, and with them old commits. So every
 * {@code offsetsSnapshotIntervalMs} (and at close) {@link #snapshot()} appends the whole live table
 * again: the latest value of every key is then always in a segment younger than the interval.
 * Constraint: storage {@code retentionMs} must exceed the interval ({@code BrokerConfig} checks);
 * under size retention ({@code retentionBytes}) the log must take longer than the interval to fill.
 *
 * <p><b>Order.</b> One lock orders table updates with their appends, so the log holds every key's
 * values in the order the table took them, and a snapshot never writes a value older than one
 * appended before it. {@link #committed} shows only values whose append completed (fsynced).
 * Thread-safe; completions run on the {@link CompletionExecutor}, never the storage's threads.
 */
public final class OffsetStore {
    /** The internal topic's queue. */
    public static final QueueId QUEUE = new QueueId(TopicRegistry.INTERNAL_PREFIX + "offsets", 0);
    private static final Logger LOGGER = LoggerFactory.getLogger(OffsetStore.class);
    /** Bytes read per step while rebuilding. */

    private final LogStore store;
    private final LongSupplier clockMs;
    private final CompletionExecutor executor;
    private final int batchBytesMax;
    private final Object lock = new Object();
    /** Every key's latest value, as appended (guarded by {@link #lock}). */
    private final Map<OffsetRecords.Key, Entry> latest = new HashMap<>();
    /** Every key's latest value whose append completed; read without the lock. */
    private final Map<OffsetRecords.Key, Entry> durable = new ConcurrentHashMap<>();
    private long sequence;

    private record Entry(long offset, long sequence) {}

    /** Why records are appended: a failed commit is rolled back; a failed snapshot changes nothing. */
    private enum Kind {
        COMMIT,
        SNAPSHOT,
        TOMBSTONE
    }

    private OffsetStore(LogStore store, LongSupplier clockMs, CompletionExecutor executor) {
        this.store = store;
        this.clockMs = clockMs;
        this.executor = executor;
        // Half the storage limit: room for the batch header and records' framing.
        this.batchBytesMax = Math.max(256, store.config().batchBytesMax() / 2);
    }

    /** Rebuilds the table from the offsets topic, keeping keys whose topic {@code topicExists}. */
    public static OffsetStore load(LogStore store, LongSupplier clockMs, CompletionExecutor executor,
            Predicate<String> topicExists) {
        OffsetStore offsets = new OffsetStore(store, clockMs, executor);
        long recordCount = LogScan.records(store, QUEUE, offsets::applyLoaded);
        offsets.latest.keySet().removeIf(key -> !topicExists.test(key.topic()));
        offsets.durable.putAll(offsets.latest);
        LOGGER.info("committed offsets loaded: keyCount={} recordCount={} offsetsEndOffset={}",
                offsets.latest.size(), recordCount, store.endOffset(QUEUE));
        return offsets;
    }

    private void applyLoaded(Record record) {
        OffsetRecords.Key key = OffsetRecords.parseKey(record.key());
        if (record.value() == null) {
            latest.remove(key);
        } else {
            latest.put(key, new Entry(OffsetRecords.parseOffset(record.value()), 0));
        }
    }

    /** Commits offsets; completes (on the completion thread) once an fsync covers them. */
    public CompletableFuture<Void> commit(Map<OffsetRecords.Key, Long> offsets) {
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (lock) {
            Map<OffsetRecords.Key, Entry> entries = new TreeMap<>(OffsetStore::compareKeys);
            for (Map.Entry<OffsetRecords.Key, Long> offset : offsets.entrySet()) {
                Entry entry = new Entry(offset.getValue(), ++sequence);
                latest.put(offset.getKey(), entry);
                entries.put(offset.getKey(), entry);
            }
            return appendLocked(entries, Kind.COMMIT);
        }
    }

    /** Appends every live offset again (see the class comment). */
    public CompletableFuture<Void> snapshot() {
        synchronized (lock) {
            Map<OffsetRecords.Key, Entry> entries = new TreeMap<>(OffsetStore::compareKeys);
            entries.putAll(latest);
            LOGGER.debug("committed offsets snapshot: keyCount={}", entries.size());
            return appendLocked(entries, Kind.SNAPSHOT);
        }
    }

    /** Drops the topic's offsets at once and appends tombstones for them. */
    public CompletableFuture<Void> deleteTopic(String topic) {
        synchronized (lock) {
            Map<OffsetRecords.Key, Entry> entries = new TreeMap<>(OffsetStore::compareKeys);
            for (OffsetRecords.Key key : latest.keySet()) {
                if (key.topic().equals(topic)) {
                    entries.put(key, new Entry(-1, ++sequence));
                }
            }
            latest.keySet().removeAll(entries.keySet());
            durable.keySet().removeIf(key -> key.topic().equals(topic));
            return appendLocked(entries, Kind.TOMBSTONE);
        }
    }

    /** The group's durable committed offsets for {@code topic}, by queue. */
    public Map<Integer, Long> committed(String group, String topic) {
        Map<Integer, Long> offsets = new TreeMap<>();
        for (Map.Entry<OffsetRecords.Key, Entry> entry : durable.entrySet()) {
            if (entry.getKey().group().equals(group) && entry.getKey().topic().equals(topic)) {
                offsets.put(entry.getKey().queue(), entry.getValue().offset());
            }
        }
        return offsets;
    }

    /** Group to topic, for every group with a committed offset (one topic per group). */
    public Map<String, String> groupTopics() {
        Map<String, String> groups = new TreeMap<>();
        for (OffsetRecords.Key key : durable.keySet()) {
            groups.putIfAbsent(key.group(), key.topic());
        }
        return groups;
    }

    /** The topic a group has offsets of (including ones not fsynced yet), or null. */
    public String topicOf(String group) {
        synchronized (lock) {
            for (OffsetRecords.Key key : latest.keySet()) {
                if (key.group().equals(group)) {
                    return key.topic();
                }
            }
            return null;
        }
    }

    private CompletableFuture<Void> appendLocked(Map<OffsetRecords.Key, Entry> entries, Kind kind) {
        if (entries.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        long nowMs = clockMs.getAsLong();
        List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
        RecordBatchBuilder builder = null;
        int bytes = 0;
        for (Map.Entry<OffsetRecords.Key, Entry> entry : entries.entrySet()) {
            int recordBytes = OffsetRecords.keyBytes(entry.getKey()) + OffsetRecords.VALUE_BYTES + 16;
            if (builder != null && bytes + recordBytes > batchBytesMax) {
                appends.add(store.append(QUEUE, builder.build(), Durability.FLUSHED));
                builder = null;
            }
            if (builder == null) {
                builder = RecordBatchBuilder.create(Compression.NONE, nowMs);
                bytes = 0;
            }
            byte[] value = kind == Kind.TOMBSTONE ? null : OffsetRecords.value(entry.getValue().offset(), nowMs);
            builder.append(nowMs, OffsetRecords.key(entry.getKey()), value, List.of());
            bytes += recordBytes;
        }
        appends.add(store.append(QUEUE, builder.build(), Durability.FLUSHED));
        return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new))
                .whenCompleteAsync((ignored, failure) -> onAppended(entries, kind, failure), executor);
    }

    private void onAppended(Map<OffsetRecords.Key, Entry> entries, Kind kind, Throwable failure) {
        if (kind == Kind.TOMBSTONE || (kind == Kind.SNAPSHOT && failure != null)) {
            return;
        }
        synchronized (lock) {
            for (Map.Entry<OffsetRecords.Key, Entry> appended : entries.entrySet()) {
                OffsetRecords.Key key = appended.getKey();
                Entry entry = appended.getValue();
                Entry current = latest.get(key);
                if (failure == null) {
                    if (current != null) {
                        durable.merge(key, entry, (old, next) -> next.sequence() >= old.sequence() ? next : old);
                    }
                } else if (current != null && current.sequence() == entry.sequence()) {
                    // Not stored: the table goes back to what is durable.
                    Entry stored = durable.get(key);
                    if (stored == null) {
                        latest.remove(key);
                    } else {
                        latest.put(key, stored);
                    }
                }
            }
        }
    }

    private static int compareKeys(OffsetRecords.Key a, OffsetRecords.Key b) {
        int byGroup = a.group().compareTo(b.group());
        if (byGroup != 0) {
            return byGroup;
        }
        int byTopic = a.topic().compareTo(b.topic());
        return byTopic != 0 ? byTopic : Integer.compare(a.queue(), b.queue());
    }
}
