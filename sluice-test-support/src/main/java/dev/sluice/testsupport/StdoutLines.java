package dev.sluice.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The stdout lines a child JVM has printed so far, in order. One writer (the stdout reader
 * thread) appends; any thread reads or waits. One lock guards all state, and waiters are woken on
 * every line, at end of stream and on failure.
 *
 * <p>At most {@code lineCountMax} lines are kept. The line past the limit is not stored and
 * records a failure instead (so a test never sees a silently shortened list); reading goes on so
 * the child never blocks on a full pipe.
 */
final class StdoutLines {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<String> lines = new ArrayList<>();
    private final int lineCountMax;
    private boolean ended;
    private Throwable failure;

    StdoutLines(int lineCountMax) {
        this.lineCountMax = lineCountMax;
    }

    /** Appends a line; the line past {@code lineCountMax} records a failure instead. */
    void add(String line) {
        lock.lock();
        try {
            if (lines.size() < lineCountMax) {
                lines.add(line);
            } else {
                failLocked(new IllegalStateException(String.format(
                        "child printed more than lineCountMax %,d stdout lines; raise"
                                + " ChildJvm.Builder.lineCountMax or print less",
                        lineCountMax)));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Marks the end of the stream: no line will follow. */
    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Records {@code cause} unless an earlier failure was recorded; the first one wins. */
    void fail(Throwable cause) {
        lock.lock();
        try {
            failLocked(cause);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void failLocked(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    /** The first failure of the reader or the line callback, or null. */
    Throwable failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** A copy of the lines stored so far. */
    List<String> snapshot() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    /** A copy of the last {@code count} lines stored so far (fewer if fewer were printed). */
    List<String> last(int count) {
        lock.lock();
        try {
            return List.copyOf(lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The first stored line matching {@code predicate}, waiting up to {@code timeoutNs} for it.
     * Empty on timeout, at end of stream or on failure, whichever comes first.
     */
    Optional<String> awaitMatch(Predicate<String> predicate, long timeoutNs)
            throws InterruptedException {
        long deadlineNs = System.nanoTime() + timeoutNs;
        int scannedCount = 0;
        lock.lock();
        try {
            while (true) {
                for (; scannedCount < lines.size(); scannedCount++) {
                    if (predicate.test(lines.get(scannedCount))) {
                        return Optional.of(lines.get(scannedCount));
                    }
                }
                long remainingNs = deadlineNs - System.nanoTime();
                if (ended || failure != null || remainingNs <= 0) {
                    return Optional.empty();
                }
                changed.awaitNanos(remainingNs);
            }
        } finally {
            lock.unlock();
        }
    }
}
