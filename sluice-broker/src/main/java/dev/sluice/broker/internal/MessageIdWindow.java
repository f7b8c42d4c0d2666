package dev.sluice.broker.internal;

import dev.sluice.broker.MessageIdStats;
import dev.sluice.storage.AppendResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The broker's message-id window: per topic, message id → where the first message with that id was
 * stored (queue, and the append that stores it with the record's position among the kept records),
 * until the topic's window has passed. A later message with an id still in the window is a
 * duplicate: acknowledged with the first one's offset and not stored again. Ids are per topic and
 * not per queue, so a duplicate is caught whichever queue it is sent to, from whichever producer.
 *
 * <p><b>Memory.</b> One map for every topic, in insertion order, so that {@link #expire} and the
 * {@code messageIdsMax} bound drop the oldest ids first; past the bound the oldest id leaves before
 * its window ends ({@link MessageIdStats#idsEvicted()}). An id costs about 200 bytes of heap plus
 * its length. With topics of different windows, an expired id may stay in memory behind older ids
 * of longer windows until they go; a lookup never matches it, since each entry carries its own
 * deadline.
 *
 * <p><b>Threads.</b> Every method is {@code synchronized}. A check holds the lock for one map lookup
 * per record; nothing blocks under it (the append is started by the caller afterwards: entries of a
 * pending append point to its future).
 *
 * <p><b>Crash.</b> Not persisted: the broker rebuilds it at open from the records of the retained
 * log that fall within each topic's window ({@link #onRecovered}), dating each id by its batch's
 * record timestamp, since the log does not keep append times.
 */
public final class MessageIdWindow {
    /** The key: a topic and an id (its UTF-8 bytes as ISO-8859-1 characters: byte for byte, compact). */
    private record Key(String topic, String id) {}

    /** Where an id's first message is stored: the {@code keptIndex}-th record of {@code append}'s batch. */
    public static final class Entry {
        private final int queue;
        private final CompletableFuture<AppendResult> append;
        private final int keptIndex;
        private final long deadlineMs;

        Entry(int queue, CompletableFuture<AppendResult> append, int keptIndex, long deadlineMs) {
            this.queue = queue;
            this.append = append;
            this.keptIndex = keptIndex;
            this.deadlineMs = deadlineMs;
        }

        public int queue() {
            return queue;
        }

        /** The append that stores (or stored) the first message; completes when it is written. */
        public CompletableFuture<AppendResult> append() {
            return append;
        }

        /** The first message's offset, once {@link #append()} completed successfully. */
        public long offset(AppendResult appended) {
            return appended.baseOffset() + keptIndex;
        }
    }

    /** A record of the checked batch found in the window. */
    public record Duplicate(int index, Entry original) {}

    /**
     * What {@link #check} decided.
     *
     * @param keep per record whether to store it; null when every record is kept
     * @param keptCount how many records are kept
     * @param duplicates the records dropped, ascending by index
     */
    public record Check(boolean[] keep, int keptCount, List<Duplicate> duplicates) {}

    private final int idsMax;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();
    private long duplicatesDropped;
    private long idsEvicted;
    private long batchesUndecodable;

    public MessageIdWindow(int idsMax) {
        this.idsMax = idsMax;
    }

    /**
     * Checks a batch's ids against the window and enters the new ones, pointing to {@code append}
     * (completed by the caller when the kept records are stored, or failed). An id repeated within
     * the batch is a duplicate of its first occurrence.
     *
     * @param ids per record its id, or null for a record without one
     */
    public synchronized Check check(String topic, int queue, String[] ids, long nowMs, long windowMs,
            CompletableFuture<AppendResult> append) {
        boolean[] keep = null;
        List<Duplicate> duplicates = List.of();
        int kept = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == null) {
                kept++;
                continue;
            }
            Key key = new Key(topic, ids[i]);
            Entry found = entries.get(key);
            if (found != null && found.deadlineMs > nowMs) {
                if (keep == null) {
                    keep = new boolean[ids.length];
                    java.util.Arrays.fill(keep, 0, i, true);
                    duplicates = new ArrayList<>();
                }
                duplicates.add(new Duplicate(i, found));
                continue;
            }
            if (found != null) {
                entries.remove(key);
            }
            entries.put(key, new Entry(queue, append, kept, nowMs + windowMs));
            kept++;
            if (keep != null) {
                keep[i] = true;
            }
        }
        if (keep != null) {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == null) {
                    keep[i] = true;
                }
            }
        }
        duplicatesDropped += duplicates.size();
        evictOverBound(nowMs);
        return new Check(keep, kept, duplicates);
    }

    /** The append of a checked batch failed: its ids leave the window, so a retry stores them. */
    public synchronized void onAppendFailed(String topic, String[] ids, CompletableFuture<AppendResult> append) {
        for (String id : ids) {
            if (id != null) {
                Key key = new Key(topic, id);
                Entry entry = entries.get(key);
                if (entry != null && entry.append == append) {
                    entries.remove(key);
                }
            }
        }
    }

    /** The id's entry while within its window, or null. */
    public synchronized Entry lookup(String topic, String id, long nowMs) {
        Entry entry = entries.get(new Key(topic, id));
        return entry != null && entry.deadlineMs > nowMs ? entry : null;
    }

    /**
     * Enters an id found in the log at open, stored at {@code timeMs}; call in time order. An id
     * already present and still in its window at {@code timeMs} is kept (the later copy was stored
     * past the window's reach: a bound eviction or an undecodable batch).
     */
    public synchronized void onRecovered(String topic, int queue, String id, AppendResult stored, long timeMs,
            long windowMs, long nowMs) {
        Key key = new Key(topic, id);
        Entry found = entries.get(key);
        if (found != null && found.deadlineMs > timeMs) {
            return;
        }
        entries.remove(key);
        entries.put(key, new Entry(queue, CompletableFuture.completedFuture(stored), 0, timeMs + windowMs));
        evictOverBound(nowMs);
    }

    /** Counts a batch stored without a look for ids (a codec Sluice cannot decode). */
    public synchronized void onUndecodable() {
        batchesUndecodable++;
    }

    /** Drops the oldest ids whose window has passed; returns how many. */
    public synchronized int expire(long nowMs) {
        int expired = 0;
        Iterator<Entry> oldest = entries.values().iterator();
        while (oldest.hasNext()) {
            Entry entry = oldest.next();
            if (entry.deadlineMs > nowMs) {
                break;
            }
            oldest.remove();
            expired++;
        }
        return expired;
    }

    /** Forgets a deleted topic's ids, so a topic created again with its name starts empty. */
    public synchronized void onTopicDeleted(String topic) {
        entries.keySet().removeIf(key -> key.topic().equals(topic));
    }

    public synchronized MessageIdStats stats() {
        return new MessageIdStats(entries.size(), duplicatesDropped, idsEvicted, batchesUndecodable);
    }

    private void evictOverBound(long nowMs) {
        Iterator<Map.Entry<Key, Entry>> oldest = entries.entrySet().iterator();
        while (entries.size() > idsMax && oldest.hasNext()) {
            Entry entry = oldest.next().getValue();
            oldest.remove();
            if (entry.deadlineMs > nowMs) {
                idsEvicted++;
            }
        }
    }
}
