package dev.sluice.guarantees;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks what a stream-mode consumer group processed against the ordering rule, with every
 * delivery and every commit of every member ordered by the time it was printed ({@code
 * System.nanoTime()}, one clock for all processes of a Linux machine).
 *
 * <p><b>The rule</b>, per queue (and so per key, each key living on one queue in offset order):
 * <ol>
 *   <li>A <em>run</em> is a maximal stretch of a queue's deliveries by one member. Within a run the
 *       offsets go up by exactly 1.
 *   <li>A run starts at the queue's committed offset at that moment: at least the highest commit
 *       acknowledged before it ({@code CD}; 0 if none), at most the highest commit sent before it
 *       ({@code CS}: a member killed between sending a commit and reading its answer leaves it
 *       unknown whether the commit landed).
 *   <li>So a run never skips (it cannot start after the highest offset delivered so far + 1 unless
 *       a commit said so, and commits only follow deliveries), and a run that starts below that
 *       point — a <em>redelivery</em> — repeats exactly the suffix from the last committed offset.
 * </ol>
 * Per key, in the same time order: the first deliveries of its sequence numbers are 0, 1, 2, ...
 * with no gap and nothing out of order; within a run its sequence numbers go up by exactly 1, and a
 * run starts at the key's first message at or after the run's start offset; every sequence
 * number up to the key's count arrives.
 *
 * <p>Not thread-safe: fill it, then check.
 */
final class StreamOrderCheck {
    /** Violations quoted at most, so a broken run does not drown the report. */
    private static final int QUOTED_VIOLATION_COUNT = 20;

    /** One processed message. */
    record Delivery(String member, long nanoTime, int queue, long offset, String key, int sequence) {}

    /** One commit: sent ({@code acknowledged} false) or acknowledged. */
    record Commit(String member, long nanoTime, boolean acknowledged, Map<Integer, Long> offsets) {}

    /** A stretch of one queue's deliveries by one member, from {@code startOffset}. */
    private record Run(int index, long startOffset) {}

    /** Where the producer stored a key's message: queue and offset, indexed by sequence number. */
    record Stored(int queue, long offset) {}

    private final Map<String, List<Stored>> storedByKey;
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<Commit> commits = new ArrayList<>();
    private final List<String> failedCommits = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    /** The run each delivery belongs to, by identity; filled by the queue checks. */
    private final Map<Delivery, Run> runs = new IdentityHashMap<>();
    private int violationCount;
    private int runCount;
    private int redeliveringRunCount;
    private long redeliveryCount;

    /** @param storedByKey for each key, where each of its sequence numbers was stored (index = sequence) */
    StreamOrderCheck(Map<String, List<Stored>> storedByKey) {
        this.storedByKey = storedByKey;
    }

    /** Parses a {@link ChildConsumer} line of {@code member}; {@code D}, {@code CS}, {@code CD}, {@code CF} count. */
    void onLine(String member, String line) {
        String[] fields = line.split(" ");
        switch (fields[0]) {
            case "D" -> deliveries.add(new Delivery(member, Long.parseLong(fields[1]), Integer.parseInt(fields[2]),
                    Long.parseLong(fields[3]), fields[4], Integer.parseInt(fields[5])));
            case "CS", "CD" -> {
                Map<Integer, Long> offsets = new TreeMap<>();
                for (String entry : fields[2].split(",")) {
                    int colon = entry.indexOf(':');
                    offsets.put(Integer.parseInt(entry.substring(0, colon)),
                            Long.parseLong(entry.substring(colon + 1)));
                }
                commits.add(new Commit(member, Long.parseLong(fields[1]), fields[0].equals("CD"), offsets));
            }
            case "CF" -> failedCommits.add(member + ": " + line.substring(line.indexOf(' ', 3) + 1));
            default -> { }
        }
    }

    /** Runs every check; the violations found, the first {@value #QUOTED_VIOLATION_COUNT} quoted. */
    List<String> violations() {
        violations.clear();
        runs.clear();
        violationCount = 0;
        runCount = 0;
        redeliveringRunCount = 0;
        redeliveryCount = 0;
        checkProducedOrder();
        Map<Integer, List<Delivery>> byQueue = new TreeMap<>();
        Map<String, List<Delivery>> byKey = new HashMap<>();
        deliveries.stream().sorted(Comparator.comparingLong(Delivery::nanoTime)).forEach(delivery -> {
            byQueue.computeIfAbsent(delivery.queue(), q -> new ArrayList<>()).add(delivery);
            byKey.computeIfAbsent(delivery.key(), k -> new ArrayList<>()).add(delivery);
        });
        byQueue.forEach(this::checkQueue);
        storedByKey.forEach((key, stored) -> checkKey(key, stored, byKey.getOrDefault(key, List.of())));
        if (violationCount > QUOTED_VIOLATION_COUNT) {
            violations.add("... " + (violationCount - QUOTED_VIOLATION_COUNT) + " more");
        }
        return List.copyOf(violations);
    }

    /** Runs seen by the last {@link #violations()}: stretches of one queue's deliveries by one member. */
    int runCount() {
        return runCount;
    }

    /** Runs that started below the queue's highest delivered offset + 1 (after a crash). */
    int redeliveringRunCount() {
        return redeliveringRunCount;
    }

    /** Deliveries of a message already delivered before. */
    long redeliveryCount() {
        return redeliveryCount;
    }

    /**
     * The explicit commits that failed ({@code CF} lines: member and error). A member whose
     * session expired while it was alive fails its commits; its late deliveries break the rule.
     */
    List<String> failedCommits() {
        return List.copyOf(failedCommits);
    }

    /** Deliveries in all. */
    int deliveryCount() {
        return deliveries.size();
    }

    private void checkProducedOrder() {
        storedByKey.forEach((key, stored) -> {
            for (int sequence = 1; sequence < stored.size(); sequence++) {
                Stored before = stored.get(sequence - 1);
                Stored after = stored.get(sequence);
                if (after.queue() != before.queue() || after.offset() <= before.offset()) {
                    violation("key %s: sequence %d stored at %s, not after sequence %d at %s",
                            key, sequence, after, sequence - 1, before);
                }
            }
        });
    }

    private void checkQueue(int queue, List<Delivery> queueDeliveries) {
        long nextNew = 0; // one past the highest offset delivered so far
        int start = 0;
        while (start < queueDeliveries.size()) {
            int end = start + 1;
            String member = queueDeliveries.get(start).member();
            while (end < queueDeliveries.size() && queueDeliveries.get(end).member().equals(member)) {
                end++;
            }
            Delivery first = queueDeliveries.get(start);
            Run run = new Run(runCount++, first.offset());
            long committedLow = committed(queue, first.nanoTime(), true);
            long committedHigh = Math.max(committedLow, committed(queue, first.nanoTime(), false));
            if (first.offset() < committedLow || first.offset() > committedHigh) {
                violation("queue %d: run of %s starts at offset %d, outside the committed offset [%d, %d] then",
                        queue, member, first.offset(), committedLow, committedHigh);
            }
            if (first.offset() > nextNew) {
                violation("queue %d: run of %s starts at offset %d, skipping from %d", queue, member,
                        first.offset(), nextNew);
            } else if (first.offset() < nextNew) {
                redeliveringRunCount++;
            }
            for (int i = start; i < end; i++) {
                Delivery delivery = queueDeliveries.get(i);
                runs.put(delivery, run);
                if (i > start && delivery.offset() != queueDeliveries.get(i - 1).offset() + 1) {
                    violation("queue %d: %s delivered offset %d after %d", queue, member, delivery.offset(),
                            queueDeliveries.get(i - 1).offset());
                }
                if (delivery.offset() < nextNew) {
                    redeliveryCount++;
                }
                nextNew = Math.max(nextNew, delivery.offset() + 1);
            }
            start = end;
        }
    }

    /** The highest offset of {@code queue} committed (acknowledged, or else only sent) before {@code nanoTime}. */
    private long committed(int queue, long nanoTime, boolean acknowledged) {
        long highest = 0;
        for (Commit commit : commits) {
            if (commit.nanoTime() < nanoTime && (commit.acknowledged() || !acknowledged)
                    && commit.offsets().containsKey(queue)) {
                highest = Math.max(highest, commit.offsets().get(queue));
            }
        }
        return highest;
    }

    private void checkKey(String key, List<Stored> stored, List<Delivery> keyDeliveries) {
        int nextFirst = 0;
        Delivery previous = null;
        for (Delivery delivery : keyDeliveries) {
            int sequence = delivery.sequence();
            if (sequence > nextFirst) {
                violation("key %s: sequence %d first delivered (by %s) before sequence %d", key, sequence,
                        delivery.member(), nextFirst);
            } else if (sequence == nextFirst) {
                nextFirst++;
            }
            Run run = runs.get(delivery);
            if (previous != null && runs.get(previous) == run) {
                if (sequence != previous.sequence() + 1) {
                    violation("key %s: %s delivered sequence %d after %d", key, delivery.member(), sequence,
                            previous.sequence());
                }
            } else {
                // A run (a redelivering one included) starts at the key's first message at or after its start
                int expected = firstSequenceAtOrAfter(stored, run.startOffset());
                if (sequence != expected) {
                    violation("key %s: a run of %s starts at sequence %d, not at %d (the first at or after offset "
                            + "%d where the run started)", key, delivery.member(), sequence, expected,
                            run.startOffset());
                }
            }
            previous = delivery;
        }
        if (nextFirst != stored.size()) {
            violation("key %s: %d of %d messages delivered", key, nextFirst, stored.size());
        }
    }

    private static int firstSequenceAtOrAfter(List<Stored> stored, long offset) {
        for (int sequence = 0; sequence < stored.size(); sequence++) {
            if (stored.get(sequence).offset() >= offset) {
                return sequence;
            }
        }
        return stored.size();
    }

    private void violation(String format, Object... args) {
        violationCount++;
        if (violationCount <= QUOTED_VIOLATION_COUNT) {
            violations.add(String.format(format, args));
        }
    }
}
