package dev.sluice.broker.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ack tracker of one (queue-mode group, queue): which offsets are done, acquired (with their
 * visibility deadline), available (possibly after a nack delay) or being dead-lettered, and how many
 * times each was delivered. Every offset below {@link #startOffset()} is done; an offset at or past
 * it without an entry is available and was never delivered. Entries exist only between the start
 * offset and the window's end, so memory is bounded by the broker's {@code queueGroupWindowMax}.
 *
 * <p>State machine of one offset (KIP-932's share-partition records are the model):
 * <pre>
 *   AVAILABLE --acquire--> ACQUIRED --ACK--> DONE
 *   ACQUIRED --NACK, or deadline passes--> AVAILABLE (deliveryCount kept; a NACK may set a delay)
 *   ACQUIRED --REJECT, or NACK at maxAttempts--> DEAD_LETTERING --appended--> DONE
 *   AVAILABLE with deliveryCount >= maxAttempts (deadline passed) --> DEAD_LETTERING
 *   DEAD_LETTERING --append failed--> ACQUIRED (a REJECT) or AVAILABLE (retried later)
 * </pre>
 * DEAD_LETTERING is kept in memory only: it is stored as the ACQUIRED state it left, so a crash
 * during a dead-letter append dead-letters the record again (at least once).
 *
 * <p>Changes mark entries dirty; the owner appends their values ({@link #drainDirty()}) to the queue
 * groups topic after each operation. Expiry of a deadline is not stored: it follows from the stored
 * absolute deadline, so replay reaches the same state. Not thread-safe: guarded by the
 * {@link QueueGroups} lock.
 */
final class AckTracker {
    enum State {
        AVAILABLE,
        ACQUIRED,
        DONE,
        DEAD_LETTERING
    }

    /** One tracked offset. Mutable. */
    static final class Entry {
        State state = State.AVAILABLE;
        int deliveryCount;
        /** AVAILABLE: not before this time (0: now); ACQUIRED and DEAD_LETTERING: the visibility deadline. */
        long timeMs;
    }

    /** Loads record keys for message groups: hands (offset, key or null) to the sink from {@code fromOffset}. */
    interface KeyLoader {
        void load(long fromOffset, long toOffset, KeySink sink);
    }

    /** Receives loaded keys. */
    interface KeySink {
        void accept(long offset, ByteBuffer key);
    }

    private static final Object NO_KEY = new Object();

    private long startOffset;
    private long deadLetteredCount;
    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    private final Set<Long> dirty = new TreeSet<>();
    private boolean headerDirty;
    /** The earliest deadline or delay end of a timed entry; may be earlier than the truth, never later. */
    private long nextTimeMs = Long.MAX_VALUE;
    /** Set when a deadline ran out or a retry time passed: {@link #dueDeadLetters} may find something. */
    private boolean deadLetterCheckPending;
    /** Record keys by offset (message groups only), NO_KEY for a null key. */
    private final Map<Long, Object> keys = new HashMap<>();

    AckTracker(long startOffset) {
        this.startOffset = startOffset;
    }

    long startOffset() {
        return startOffset;
    }

    long deadLetteredCount() {
        return deadLetteredCount;
    }

    /** The entry of {@code offset}, or null (done below the start offset, else never delivered). */
    Entry entry(long offset) {
        return entries.get(offset);
    }

    /**
     * Moves the start offset up to {@code logStartOffset} when retention passed it.
     *
     * @return how many offsets that were not done were skipped
     */
    long moveStartTo(long logStartOffset) {
        if (logStartOffset <= startOffset) {
            return 0;
        }
        long skipped = logStartOffset - startOffset;
        for (Entry entry : entries.headMap(logStartOffset).values()) {
            if (entry.state == State.DONE) {
                skipped--;
            }
        }
        entries.headMap(logStartOffset).clear();
        startOffset = logStartOffset;
        keys.keySet().removeIf(offset -> offset < logStartOffset);
        headerDirty = true;
        advanceStart();
        return skipped;
    }

    /**
     * Makes acquired entries whose deadline passed available again, count kept (nothing to store:
     * replay derives it from the deadline).
     *
     * @return whether any entry became ready (expired, or a nack delay ended)
     */
    boolean expire(long nowMs) {
        if (nowMs < nextTimeMs) {
            return false;
        }
        boolean ready = false;
        long next = Long.MAX_VALUE;
        for (Entry entry : entries.values()) {
            if (entry.state == State.ACQUIRED && entry.timeMs <= nowMs) {
                entry.state = State.AVAILABLE;
                entry.timeMs = 0;
                ready = true;
            } else if (entry.state == State.AVAILABLE && entry.timeMs > 0 && entry.timeMs <= nowMs) {
                ready = true;
            }
            if ((entry.state == State.ACQUIRED || entry.state == State.AVAILABLE) && entry.timeMs > nowMs) {
                next = Math.min(next, entry.timeMs);
            }
        }
        nextTimeMs = next;
        deadLetterCheckPending |= ready;
        return ready;
    }

    /** Whether a deadline or delay may have passed, or dead letters may be due: the sweep's cheap test. */
    boolean timerDue(long nowMs) {
        return nowMs >= nextTimeMs || deadLetterCheckPending;
    }

    boolean deadLetterCheckPending() {
        return deadLetterCheckPending;
    }

    /** Available entries that reached {@code maxAttempts} and are due (their retry time passed). */
    List<Long> dueDeadLetters(long nowMs, int maxAttempts) {
        deadLetterCheckPending = false;
        List<Long> due = new ArrayList<>();
        for (Map.Entry<Long, Entry> tracked : entries.entrySet()) {
            Entry entry = tracked.getValue();
            if (entry.state == State.AVAILABLE && entry.deliveryCount >= maxAttempts && entry.timeMs <= nowMs) {
                due.add(tracked.getKey());
            }
        }
        return due;
    }

    private static boolean ready(Entry entry, long nowMs, int maxAttempts) {
        return entry == null || (entry.state == State.AVAILABLE && entry.deliveryCount < maxAttempts
                && entry.timeMs <= nowMs);
    }

    /**
     * The offsets to deliver, in order: ready offsets from the start offset up to the window's end
     * (the lower of {@code endOffset} and start + {@code windowMax}), at most {@code maxMessages}.
     * With a {@code keyLoader} (message groups) an offset is ready only if no earlier offset that is
     * not done has the same non-null key. Changes nothing but the key cache.
     */
    List<Long> select(long nowMs, long endOffset, int windowMax, int maxMessages, int maxAttempts,
            KeyLoader keyLoader) {
        long limit = Math.min(endOffset, startOffset + windowMax);
        List<Long> chosen = new ArrayList<>();
        if (keyLoader == null) {
            long offset = startOffset;
            Iterator<Map.Entry<Long, Entry>> tracked = entries.tailMap(startOffset).entrySet().iterator();
            Map.Entry<Long, Entry> next = tracked.hasNext() ? tracked.next() : null;
            while (offset < limit && chosen.size() < maxMessages) {
                if (next != null && next.getKey() == offset) {
                    if (ready(next.getValue(), nowMs, maxAttempts)) {
                        chosen.add(offset);
                    }
                    next = tracked.hasNext() ? tracked.next() : null;
                    offset++;
                } else {
                    long untrackedEnd = next == null ? limit : Math.min(limit, next.getKey());
                    while (offset < untrackedEnd && chosen.size() < maxMessages) {
                        chosen.add(offset++);
                    }
                    offset = Math.max(offset, untrackedEnd);
                }
            }
            return chosen;
        }
        Set<Object> blocked = new HashSet<>();
        for (long offset = startOffset; offset < limit && chosen.size() < maxMessages; offset++) {
            Entry entry = entries.get(offset);
            if (entry != null && entry.state == State.DONE) {
                continue;
            }
            Object key = keyOf(offset, limit, keyLoader);
            if (key != NO_KEY && !blocked.add(key)) {
                continue;
            }
            if (ready(entry, nowMs, maxAttempts)) {
                chosen.add(offset);
            }
        }
        return chosen;
    }

    private Object keyOf(long offset, long limit, KeyLoader keyLoader) {
        Object key = keys.get(offset);
        if (key == null) {
            keyLoader.load(offset, limit, (loaded, bytes) -> {
                if (loaded >= startOffset && loaded < limit) {
                    keys.put(loaded, bytes == null ? NO_KEY : bytes);
                }
            });
            // An unreadable record (gone by retention) blocks nothing.
            key = keys.computeIfAbsent(offset, ignored -> NO_KEY);
        }
        return key;
    }

    /** Acquires an offset {@link #select} chose: deliveryCount + 1, deadline set; returns the new count. */
    int acquire(long offset, long deadlineMs) {
        Entry entry = entries.computeIfAbsent(offset, ignored -> new Entry());
        entry.state = State.ACQUIRED;
        entry.deliveryCount++;
        entry.timeMs = deadlineMs;
        nextTimeMs = Math.min(nextTimeMs, deadlineMs);
        dirty.add(offset);
        return entry.deliveryCount;
    }

    /** The entry if {@code offset} is acquired now under {@code deliveryCount}, else null. */
    Entry acquired(long offset, int deliveryCount, long nowMs) {
        Entry entry = offset < startOffset ? null : entries.get(offset);
        if (entry == null || entry.state != State.ACQUIRED || entry.deliveryCount != deliveryCount
                || entry.timeMs <= nowMs) {
            return null;
        }
        return entry;
    }

    /** Describes why {@code offset} is not acquired under {@code deliveryCount}. */
    String whyNotAcquired(long offset, int deliveryCount, long nowMs) {
        Entry entry = offset < startOffset ? null : entries.get(offset);
        if (offset < startOffset || (entry != null && entry.state == State.DONE)) {
            return "it is done already";
        }
        if (entry == null) {
            return "it was never delivered";
        }
        if (entry.state == State.DEAD_LETTERING) {
            return "it is being dead-lettered";
        }
        if (entry.deliveryCount != deliveryCount) {
            return "its current delivery count is " + entry.deliveryCount;
        }
        return "its visibility timeout ran out";
    }

    void markDone(long offset) {
        Entry entry = entries.get(offset);
        entry.state = State.DONE;
        entry.timeMs = 0;
        dirty.add(offset);
        advanceStart();
    }

    /** An acquired entry becomes available again at {@code availableAtMs} (0: now), count kept. */
    void release(long offset, long availableAtMs) {
        Entry entry = entries.get(offset);
        entry.state = State.AVAILABLE;
        entry.timeMs = availableAtMs;
        if (availableAtMs > 0) {
            nextTimeMs = Math.min(nextTimeMs, availableAtMs);
        }
        dirty.add(offset);
    }

    void renew(long offset, long deadlineMs) {
        Entry entry = entries.get(offset);
        entry.timeMs = deadlineMs;
        nextTimeMs = Math.min(nextTimeMs, deadlineMs);
        dirty.add(offset);
    }

    /** Starts dead-lettering an acquired or due available entry (kept in memory only). */
    void beginDeadLetter(long offset) {
        entries.get(offset).state = State.DEAD_LETTERING;
    }

    /** The dead-letter append succeeded: done, counted. */
    void deadLettered(long offset) {
        deadLetteredCount++;
        headerDirty = true;
        markDone(offset);
    }

    /**
     * The dead-letter append failed: a REJECT's delivery goes back to acquired (the client may send
     * it again; when its deadline passes it is available again, or dead-lettered at maxAttempts);
     * any other goes back to available at {@code retryAtMs}, when it is dead-lettered again.
     */
    void deadLetterFailed(long offset, boolean rejected, long retryAtMs) {
        Entry entry = entries.get(offset);
        if (rejected) {
            entry.state = State.ACQUIRED;
        } else {
            entry.state = State.AVAILABLE;
            entry.timeMs = retryAtMs;
            dirty.add(offset);
        }
        nextTimeMs = Math.min(nextTimeMs, entry.timeMs);
    }

    private void advanceStart() {
        long before = startOffset;
        while (true) {
            Entry entry = entries.get(startOffset);
            if (entry == null || entry.state != State.DONE) {
                break;
            }
            entries.remove(startOffset);
            keys.remove(startOffset);
            startOffset++;
        }
        if (startOffset != before) {
            headerDirty = true;
        }
    }

    /** Counts for describe: inFlight, delayed (including dead-lettering and due dead letters), done. */
    long[] counts(long nowMs, int maxAttempts) {
        long inFlight = 0;
        long delayed = 0;
        long done = 0;
        for (Entry entry : entries.values()) {
            switch (entry.state) {
                case ACQUIRED -> inFlight++;
                case DONE -> done++;
                case DEAD_LETTERING -> delayed++;
                case AVAILABLE -> {
                    if (entry.timeMs > nowMs || entry.deliveryCount >= maxAttempts) {
                        delayed++;
                    }
                }
            }
        }
        return new long[] {inFlight, delayed, done};
    }

    /** Whether there is something to store since the last drain. */
    boolean changed() {
        return headerDirty || !dirty.isEmpty();
    }

    /** The stored values of the entries changed since the last drain; clears the marks. */
    List<QueueGroupRecords.EntryValue> drainDirty() {
        List<QueueGroupRecords.EntryValue> values = new ArrayList<>(dirty.size());
        for (long offset : dirty) {
            if (offset >= startOffset) {
                values.add(stored(offset, entries.get(offset)));
            }
        }
        dirty.clear();
        headerDirty = false;
        return values;
    }

    /** The stored values of every entry. */
    List<QueueGroupRecords.EntryValue> snapshotEntries() {
        List<QueueGroupRecords.EntryValue> values = new ArrayList<>(entries.size());
        for (Map.Entry<Long, Entry> entry : entries.entrySet()) {
            values.add(stored(entry.getKey(), entry.getValue()));
        }
        return values;
    }

    private static QueueGroupRecords.EntryValue stored(long offset, Entry entry) {
        if (entry == null) {
            return new QueueGroupRecords.EntryValue(offset, QueueGroupRecords.AVAILABLE, 0, 0);
        }
        byte state = switch (entry.state) {
            case AVAILABLE -> QueueGroupRecords.AVAILABLE;
            case ACQUIRED, DEAD_LETTERING -> QueueGroupRecords.ACQUIRED;
            case DONE -> QueueGroupRecords.DONE;
        };
        return new QueueGroupRecords.EntryValue(offset, state, entry.deliveryCount, entry.timeMs);
    }

    /** Applies a stored record (replay at open). */
    void apply(QueueGroupRecords.TrackerValue value) {
        if (value.kind() == QueueGroupRecords.KIND_SNAPSHOT) {
            entries.clear();
        }
        startOffset = value.startOffset();
        deadLetteredCount = value.deadLetteredCount();
        entries.headMap(startOffset).clear();
        for (QueueGroupRecords.EntryValue stored : value.entries()) {
            if (stored.offset() < startOffset) {
                continue;
            }
            Entry entry = new Entry();
            entry.state = switch (stored.state()) {
                case QueueGroupRecords.ACQUIRED -> State.ACQUIRED;
                case QueueGroupRecords.DONE -> State.DONE;
                default -> State.AVAILABLE;
            };
            entry.deliveryCount = stored.deliveryCount();
            entry.timeMs = stored.timeMs();
            if (entry.state == State.AVAILABLE && entry.deliveryCount == 0 && entry.timeMs == 0) {
                entries.remove(stored.offset());
            } else {
                entries.put(stored.offset(), entry);
            }
        }
        nextTimeMs = Long.MIN_VALUE;
    }

    /** After replay: done entries at the start are folded into the start offset. */
    void afterLoad() {
        advanceStart();
        dirty.clear();
        headerDirty = false;
    }
}
