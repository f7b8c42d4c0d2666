package dev.sluice.broker.internal;

import dev.sluice.broker.ProduceResult;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The idempotent producers of one queue: for each producer id its epoch, last sequence and its last
 * {@link #BATCHES_KEPT} batches with their answers, so a duplicate is answered with the first
 * append's offsets and not stored again.
 *
 * <p>A batch is recognised by its last sequence: when the message-id window drops some records of a
 * batch, the stored batch keeps the original's last sequence (its base sequence moves up), so a
 * retry of the original, with more records but the same last sequence, is a duplicate of it — in
 * memory and after a rebuild from the log alike.
 *
 * <p><b>Threads.</b> Every method is {@code synchronized}: a producer's sequence check and the
 * hand-off of its append to the storage writer happen under the lock, so appends of one queue's
 * idempotent batches reach the log in the order they were checked. Non-idempotent appends never
 * take it.
 *
 * <p><b>Crash.</b> Not persisted: {@link #onRecoveredBatch} rebuilds it from the batch headers of
 * the retained log when the broker opens.
 */
public final class ProducerStateTable {
    /** Batches remembered per producer for duplicate answers (as Kafka: the client's in-flight limit). */
    public static final int BATCHES_KEPT = 5;

    /** The outcome of {@link #check}. */
    public enum Outcome {
        APPEND,
        DUPLICATE,
        OUT_OF_ORDER_SEQUENCE,
        INVALID_PRODUCER_EPOCH
    }

    /**
     * A check's outcome; for a duplicate, {@code duplicateOf} is the first answer and
     * {@code duplicateRecordCount} the record count of the batch it answered (fewer than the
     * retry's when the window dropped some of them and the table was rebuilt from the log).
     */
    public record Check(Outcome outcome, String message, CompletableFuture<ProduceResult> duplicateOf,
            int duplicateRecordCount) {
        Check(Outcome outcome, String message) {
            this(outcome, message, null, 0);
        }
    }

    private record Batch(int baseSequence, int lastSequence, int recordCount, CompletableFuture<ProduceResult> append) {}

    private static final class Entry {
        short epoch;
        int lastSequence;
        long lastUpdateMs;
        final ArrayDeque<Batch> batches = new ArrayDeque<>();
    }

    private final Map<Long, Entry> producers = new HashMap<>();

    /** The sequence after {@code sequence}; sequences wrap from Integer.MAX_VALUE to 0. */
    public static int nextSequence(int sequence) {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }

    /** The last sequence of a batch starting at {@code baseSequence} with {@code lastOffsetDelta}. */
    public static int lastSequence(int baseSequence, int lastOffsetDelta) {
        long last = (long) baseSequence + lastOffsetDelta;
        return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
    }

    /**
     * Checks a batch and, when it is in sequence, starts its append with {@code append} (under the
     * lock, so the writer sees this producer's batches in sequence order) and remembers it.
     */
    public synchronized Check checkAndAppend(long producerId, short epoch, int baseSequence, int lastOffsetDelta,
            long nowMs, Supplier<CompletableFuture<ProduceResult>> append) {
        Check check = check(producerId, epoch, baseSequence, lastOffsetDelta);
        if (check.outcome() != Outcome.APPEND) {
            return check;
        }
        CompletableFuture<ProduceResult> future = append.get();
        remember(producerId, epoch, baseSequence, lastSequence(baseSequence, lastOffsetDelta), lastOffsetDelta + 1, nowMs,
                future);
        return new Check(Outcome.APPEND, null, future, 0);
    }

    private Check check(long producerId, short epoch, int baseSequence, int lastOffsetDelta) {
        Entry entry = producers.get(producerId);
        if (entry == null) {
            // No state: a new producer, or one whose batches retention removed or whose entry expired.
            return new Check(Outcome.APPEND, null);
        }
        if (epoch < entry.epoch) {
            return new Check(Outcome.INVALID_PRODUCER_EPOCH, "producer " + producerId + " epoch " + epoch
                    + " is older than epoch " + entry.epoch + " seen on the queue");
        }
        if (epoch > entry.epoch) {
            return baseSequence == 0 ? new Check(Outcome.APPEND, null)
                    : new Check(Outcome.OUT_OF_ORDER_SEQUENCE, "producer " + producerId + " new epoch " + epoch
                            + " must start at sequence 0, not " + baseSequence);
        }
        int last = lastSequence(baseSequence, lastOffsetDelta);
        for (Batch batch : entry.batches) {
            // The stored batch may be shorter than the one sent (duplicates dropped), never longer.
            if (batch.lastSequence() == last && lastOffsetDelta + 1 >= batch.recordCount()) {
                return new Check(Outcome.DUPLICATE, null, batch.append(), batch.recordCount());
            }
        }
        if (baseSequence == nextSequence(entry.lastSequence)) {
            return new Check(Outcome.APPEND, null);
        }
        return new Check(Outcome.OUT_OF_ORDER_SEQUENCE, "producer " + producerId + " sent sequence " + baseSequence
                + ", expected " + nextSequence(entry.lastSequence));
    }

    private void remember(long producerId, short epoch, int baseSequence, int lastSequence, int recordCount, long nowMs,
            CompletableFuture<ProduceResult> append) {
        Entry entry = producers.computeIfAbsent(producerId, id -> new Entry());
        if (epoch != entry.epoch) {
            entry.batches.clear();
        }
        entry.epoch = epoch;
        entry.lastSequence = lastSequence;
        entry.lastUpdateMs = nowMs;
        entry.batches.addLast(new Batch(baseSequence, lastSequence, recordCount, append));
        while (entry.batches.size() > BATCHES_KEPT) {
            entry.batches.removeFirst();
        }
    }

    /**
     * An append started by {@link #checkAndAppend} failed: the producer's state goes back to before
     * the batch (the batch and any later one are forgotten), so the client's retry is in sequence.
     */
    public synchronized void onAppendFailed(long producerId, int baseSequence, CompletableFuture<ProduceResult> append) {
        Entry entry = producers.get(producerId);
        if (entry == null) {
            return;
        }
        boolean found = false;
        Iterator<Batch> batches = entry.batches.iterator();
        while (batches.hasNext()) {
            Batch batch = batches.next();
            if (batch.append() == append) {
                found = true;
            }
            if (found) {
                batches.remove();
            }
        }
        if (found) {
            entry.lastSequence = baseSequence == 0 ? Integer.MAX_VALUE : baseSequence - 1;
            if (entry.batches.isEmpty() && baseSequence == 0) {
                producers.remove(producerId);
            }
        }
    }

    /** Replays one batch header read from the log when the broker opens. */
    public synchronized void onRecoveredBatch(long producerId, short epoch, int baseSequence, int lastOffsetDelta,
            ProduceResult appended) {
        remember(producerId, epoch, baseSequence, lastSequence(baseSequence, lastOffsetDelta), lastOffsetDelta + 1,
                appended.appendTimeMs(), CompletableFuture.completedFuture(appended));
    }

    /** Drops producers not heard from since {@code oldestMs}; returns how many. */
    public synchronized int expire(long oldestMs) {
        int before = producers.size();
        producers.values().removeIf(entry -> entry.lastUpdateMs < oldestMs
                && entry.batches.stream().allMatch(batch -> batch.append().isDone()));
        return before - producers.size();
    }

    /** How many producers have state here. */
    public synchronized int producerCount() {
        return producers.size();
    }
}
