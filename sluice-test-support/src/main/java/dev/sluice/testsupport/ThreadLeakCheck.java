package dev.sluice.testsupport;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * A JUnit 5 extension that fails a test which leaves a thread running: before each test it
 * records the live threads; after it (after {@code @AfterEach} methods) it waits up to a timeout
 * for every thread started since, whose name starts with a prefix, to end, and fails the test
 * naming those still alive, with their state and top stack frames.
 *
 * <pre>{@code
 * @ExtendWith(ThreadLeakCheck.class)          // prefix "sluice-", 5 s
 * class CommitLogWriterTest { ... }
 *
 * @RegisterExtension                          // another prefix or timeout
 * static final ThreadLeakCheck THREADS = new ThreadLeakCheck("kafka-", Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Only threads with the prefix count, so JDK and JUnit threads started lazily during a test
 * are not leaks; Sluice names all its threads {@code sluice-*}. Threads are compared by identity,
 * not name, so a new thread reusing an old name is still caught. Outside JUnit (jqwik properties
 * do not run Jupiter extensions) call {@link #liveThreads()} and {@link
 * #assertNoLeakedThreads(Set)} directly.
 *
 * <p>Threads of tests running concurrently in the same JVM cannot be told apart: use it where
 * tests run one at a time. Instances are immutable and thread-safe.
 */
public final class ThreadLeakCheck implements BeforeEachCallback, AfterEachCallback {
    /** The prefix of the thread names checked by default: every Sluice thread. */
    public static final String DEFAULT_THREAD_NAME_PREFIX = "sluice-";
    /** How long a thread may take to end after the test by default: a clean shutdown. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final Namespace NAMESPACE = Namespace.create(ThreadLeakCheck.class);
    /** Stack frames quoted per leaked thread: enough to see where it waits. */
    private static final int QUOTED_FRAME_COUNT = 8;

    private final String threadNamePrefix;
    private final Duration timeout;

    /** Checks threads named {@value #DEFAULT_THREAD_NAME_PREFIX}*, waiting up to 5 s. */
    public ThreadLeakCheck() {
        this(DEFAULT_THREAD_NAME_PREFIX, DEFAULT_TIMEOUT);
    }

    /**
     * Checks threads whose name starts with {@code threadNamePrefix} (empty: every thread),
     * waiting up to {@code timeout} for them to end.
     */
    public ThreadLeakCheck(String threadNamePrefix, Duration timeout) {
        this.threadNamePrefix = Objects.requireNonNull(threadNamePrefix, "threadNamePrefix");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
    }

    /** The threads alive now (a snapshot: an immutable set, compared by identity). */
    public static Set<Thread> liveThreads() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /**
     * Waits up to the timeout for every live thread that has the prefix and is not in {@code
     * threadsBefore} to end. The wait is bounded: it joins one such thread at a time with the
     * time left, then looks again (a thread may start another as it stops).
     *
     * @param threadsBefore the {@link #liveThreads()} taken before the code under check ran
     * @throws AssertionError naming each such thread still alive after the timeout
     */
    public void assertNoLeakedThreads(Set<Thread> threadsBefore) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Thread> started = startedSince(threadsBefore);
            if (started.isEmpty()) {
                return;
            }
            long remainingNs = deadlineNs - System.nanoTime();
            if (remainingNs <= 0) {
                throw new AssertionError(leakMessage(started));
            }
            join(started.get(0), remainingNs);
        }
    }

    /** Records the live threads in the test's store. */
    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(ThreadsBefore.class, new ThreadsBefore(liveThreads()));
    }

    /** Fails the test if a thread it started with the prefix is still alive after the timeout. */
    @Override
    public void afterEach(ExtensionContext context) {
        ThreadsBefore before =
                context.getStore(NAMESPACE).remove(ThreadsBefore.class, ThreadsBefore.class);
        if (before == null) {
            throw new IllegalStateException(
                    "no thread snapshot for " + context.getDisplayName() + ": beforeEach did not run");
        }
        assertNoLeakedThreads(before.threads());
    }

    private List<Thread> startedSince(Set<Thread> threadsBefore) {
        return liveThreads().stream()
                .filter(thread -> !threadsBefore.contains(thread))
                .filter(thread -> thread.getName().startsWith(threadNamePrefix))
                .sorted(Comparator.comparing(Thread::getName))
                .collect(Collectors.toList());
    }

    private static void join(Thread thread, long timeoutNs) {
        try {
            TimeUnit.NANOSECONDS.timedJoin(thread, timeoutNs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while awaiting end of " + thread, e);
        }
    }

    private String leakMessage(List<Thread> leaked) {
        StringBuilder message = new StringBuilder(String.format(
                "%d thread(s) named %s* started here still alive %s later:",
                leaked.size(), threadNamePrefix, timeout));
        for (Thread thread : leaked) {
            message.append(String.format("%n  \"%s\" %s%s", thread.getName(), thread.getState(),
                    thread.isDaemon() ? " daemon" : ""));
            StackTraceElement[] frames = thread.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, QUOTED_FRAME_COUNT); i++) {
                message.append(String.format("%n      at %s", frames[i]));
            }
        }
        return message.toString();
    }

    /** The store entry: a record, so reading it back needs no unchecked cast. */
    private record ThreadsBefore(Set<Thread> threads) {}
}
