package dev.sluice.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A Java main class running in a child JVM, for crash tests that kill it with SIGKILL
 * ({@code kill -9}) and then check what survived on disk.
 *
 * <p>The child runs the same {@code java} binary as this JVM. Its stdout is read by a thread
 * named {@code sluice-child-<pid>-stdout}, line by line (UTF-8), into {@link #lines()} and the
 * builder's {@link Builder#onLine line callback}; its stderr by {@code sluice-child-<pid>-stderr}
 * into a bounded {@link #stderrTail() tail}. Both read until end of stream, so the child never
 * blocks on a full pipe. Its stdin stays open until {@link #close()}: a child may treat end of
 * stdin as the death of its parent and exit, so that a killed test run leaves no orphan.
 *
 * <p><b>Kill semantics.</b> {@link #killHard()} sends SIGKILL through {@link
 * ProcessHandle#destroyForcibly()}: in OpenJDK on Linux and macOS, {@code
 * ProcessHandleImpl.destroy0} calls {@code kill(pid, SIGKILL)} when forced. The child gets no
 * chance to run shutdown hooks, finalizers or {@code finally} blocks, as after a power cut of the
 * process (the OS page cache survives; a machine crash is not simulated), and its exit code is
 * {@link #SIGKILL_EXIT_CODE} (128 + 9). {@code ChildJvmTest} checks both: the code, and that a
 * shutdown hook printed nothing. It deliberately avoids {@link Process#destroyForcibly()}, which
 * sends the same signal but then closes this side's stdout and stderr pipes, losing whatever the
 * child wrote that was not read yet.
 *
 * <p><b>Delivery.</b> After {@code killHard()} or {@code awaitExit} returns, every byte the child
 * wrote to stdout before it died has been read and delivered: both wait for the reader threads to
 * reach end of stream. A child killed mid-line leaves its final fragment as the last line. The
 * child must flush what it prints ({@code System.out.println} does; {@code System.out} flushes
 * on every line).
 *
 * <p><b>Failures.</b> A failure of the stdout reader or the line callback (say, an assertion in
 * it) is rethrown, as an {@link IllegalStateException} with that cause, by {@code awaitLine},
 * {@code awaitExit}, {@code killHard}, {@code lines}, and by {@code close} if not thrown before.
 *
 * <p>Thread-safe. Never leaks a process: {@link #close()} kills a live child (and its
 * descendants), and a shutdown hook of this JVM kills any child still alive at exit.
 */
public final class ChildJvm implements AutoCloseable {
    /** The exit code {@link Process#exitValue()} reports for a child killed by SIGKILL (Unix). */
    public static final int SIGKILL_EXIT_CODE = 128 + 9;

    /** How long a child may take to die after SIGKILL; the kernel needs milliseconds. */
    private static final Duration EXIT_AFTER_KILL_TIMEOUT = Duration.ofSeconds(30);
    /** How long the readers may take to drain the pipes after the child died. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** How long to wait for the exit code when stdout ended, to say why a line never came. */
    private static final Duration EXIT_AFTER_EOF_TIMEOUT = Duration.ofSeconds(1);
    /** Stdout lines quoted in a failure message. */
    private static final int QUOTED_LINE_COUNT = 20;

    private static final Set<Process> LIVE_PROCESSES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> LIVE_PROCESSES.forEach(ChildJvm::killTree), "sluice-child-jvm-reaper"));
    }

    private final Process process;
    private final String mainClassName;
    private final StdoutLines stdout;
    private final StderrTail stderr;
    private final Thread stdoutThread;
    private final Thread stderrThread;
    private boolean failureThrown;
    private boolean closed;

    private ChildJvm(Process process, String mainClassName, int lineCountMax,
            Consumer<String> onLine) {
        this.process = process;
        this.mainClassName = mainClassName;
        this.stdout = new StdoutLines(lineCountMax);
        this.stderr = new StderrTail(process.getErrorStream());
        String threadPrefix = "sluice-child-" + process.pid();
        this.stdoutThread = new Thread(
                new StdoutReader(process.getInputStream(), stdout, onLine), threadPrefix + "-stdout");
        this.stderrThread = new Thread(stderr, threadPrefix + "-stderr");
        stdoutThread.setDaemon(true);
        stderrThread.setDaemon(true);
        stdoutThread.start();
        stderrThread.start();
    }

    /** A builder for a child running {@code mainClass}, which must be on the classpath. */
    public static Builder builder(Class<?> mainClass) {
        return new Builder(mainClass.getName());
    }

    /** A builder for a child running the class named {@code mainClassName}. */
    public static Builder builder(String mainClassName) {
        return new Builder(mainClassName);
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the child is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** A copy of the stdout lines read so far, in order. */
    public List<String> lines() {
        maybeThrowFailure();
        return stdout.snapshot();
    }

    /** The last 64 KiB the child wrote to stderr so far, decoded as UTF-8. */
    public String stderrTail() {
        return stderr.tail();
    }

    /**
     * The first stdout line, printed so far or later, that matches {@code predicate}, waiting up
     * to {@code timeout} for it. The predicate runs on the calling thread.
     *
     * @throws AssertionError if no line matches within the timeout, or stdout ends (the child
     *     exited) first; the message names the child and quotes its last lines and stderr tail
     */
    public String awaitLine(Predicate<String> predicate, Duration timeout) {
        Objects.requireNonNull(predicate, "predicate");
        Optional<String> match;
        try {
            match = stdout.awaitMatch(predicate, timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while awaiting a line from " + this, e);
        }
        maybeThrowFailure();
        if (match.isPresent()) {
            return match.get();
        }
        String reason = stdout.ended() ? "stdout ended first (" + exitState() + ")"
                : "timed out, child " + (process.isAlive() ? "alive" : "dead");
        throw new AssertionError("no stdout line of " + this + " matched within " + timeout
                + ": " + reason + diagnostics());
    }

    /**
     * Waits up to {@code timeout} for the child to exit on its own, then for its output to be
     * drained, and returns its exit code.
     *
     * @throws AssertionError if the child is still alive after the timeout (it is left running;
     *     {@link #close()} kills it)
     */
    public int awaitExit(Duration timeout) {
        OptionalInt exitCode = waitForExit(timeout);
        if (exitCode.isEmpty()) {
            throw new AssertionError(this + " did not exit within " + timeout + diagnostics());
        }
        awaitDrained();
        maybeThrowFailure();
        return exitCode.getAsInt();
    }

    /**
     * Kills the child (and its descendants) with SIGKILL, waits for it to die and for every line
     * it printed before death to be delivered, and returns its exit code:
     * {@link #SIGKILL_EXIT_CODE} unless it had already exited on its own.
     */
    public int killHard() {
        killTree(process);
        OptionalInt exitCode = waitForExit(EXIT_AFTER_KILL_TIMEOUT);
        if (exitCode.isEmpty()) {
            throw new IllegalStateException(
                    this + " still alive " + EXIT_AFTER_KILL_TIMEOUT + " after SIGKILL");
        }
        awaitDrained();
        maybeThrowFailure();
        return exitCode.getAsInt();
    }

    /**
     * Kills the child if it is alive ({@link #killHard()}), closes its stdin and releases it.
     * Idempotent. Rethrows a reader or callback failure not thrown before.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        killTree(process);
        if (waitForExit(EXIT_AFTER_KILL_TIMEOUT).isEmpty()) {
            throw new IllegalStateException(
                    this + " still alive " + EXIT_AFTER_KILL_TIMEOUT + " after SIGKILL");
        }
        awaitDrained();
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // The write end of a dead child's stdin pipe: nothing is lost if closing it fails.
        }
        synchronized (this) {
            if (failureThrown) {
                return;
            }
        }
        maybeThrowFailure();
    }

    @Override
    public String toString() {
        return "child JVM pid " + process.pid() + " (" + mainClassName + ")";
    }

    private static void killTree(Process process) {
        // Descendants first, so none is re-parented to init and survives. ProcessHandle, not
        // Process.destroyForcibly: that one also closes our ends of the pipes (see class doc).
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.toHandle().destroyForcibly();
    }

    private OptionalInt waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return OptionalInt.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while awaiting exit of " + this, e);
        }
        LIVE_PROCESSES.remove(process);
        return OptionalInt.of(process.exitValue());
    }

    /** Waits for both readers to reach end of stream, so every byte written has been read. */
    private void awaitDrained() {
        long deadlineNs = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        try {
            for (Thread reader : List.of(stdoutThread, stderrThread)) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                reader.join(Math.max(1, remainingMs));
                if (reader.isAlive()) {
                    throw new IllegalStateException(reader.getName() + " did not reach end of stream"
                            + " within " + DRAIN_TIMEOUT + " after " + this
                            + " exited; does another process hold the pipe open?");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while draining output of " + this, e);
        }
    }

    private void maybeThrowFailure() {
        Throwable failure = stdout.failure();
        if (failure != null) {
            synchronized (this) {
                failureThrown = true;
            }
            throw new IllegalStateException(
                    "stdout reader or line callback of " + this + " failed", failure);
        }
    }

    private String exitState() {
        OptionalInt exitCode = waitForExit(EXIT_AFTER_EOF_TIMEOUT);
        return exitCode.isPresent() ? "exited with code " + exitCode.getAsInt()
                : "still alive; it closed its stdout";
    }

    private String diagnostics() {
        return String.format("%n--- last %d stdout lines ---%n%s%n--- stderr tail ---%n%s",
                QUOTED_LINE_COUNT, String.join(System.lineSeparator(),
                        stdout.last(QUOTED_LINE_COUNT)), stderr.tail());
    }

    /**
     * How to start a {@link ChildJvm}. Not thread-safe; use from one thread, then discard.
     * Defaults: no arguments, this JVM's classpath, heap {@value #DEFAULT_HEAP},
     * {@value #DEFAULT_LINE_COUNT_MAX} stdout lines kept, no line callback.
     */
    public static final class Builder {
        /** Default maximum heap ({@code -Xmx}): small, since the machine is shared. */
        public static final String DEFAULT_HEAP = "256m";
        /** Default limit on stdout lines kept by {@link ChildJvm#lines()}. */
        public static final int DEFAULT_LINE_COUNT_MAX = 100_000;

        private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

        private final String mainClassName;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private String classpath = System.getProperty("java.class.path");
        private String heap = DEFAULT_HEAP;
        private int lineCountMax = DEFAULT_LINE_COUNT_MAX;
        private Consumer<String> onLine = line -> { };

        private Builder(String mainClassName) {
            if (mainClassName == null || mainClassName.isBlank()) {
                throw new IllegalArgumentException("main class name is blank: " + mainClassName);
            }
            this.mainClassName = mainClassName;
        }

        /** Appends arguments passed to the child's {@code main}. */
        public Builder args(String... args) {
            this.args.addAll(List.of(args));
            return this;
        }

        /** Appends JVM options, placed after the builder's own, so they can override them. */
        public Builder jvmArgs(String... jvmArgs) {
            this.jvmArgs.addAll(List.of(jvmArgs));
            return this;
        }

        /** The child's classpath; default {@code System.getProperty("java.class.path")}. */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath");
            return this;
        }

        /** The child's maximum heap, as for {@code -Xmx}: {@code "256m"}, {@code "1g"}. */
        public Builder heap(String heap) {
            if (heap == null || !HEAP_SIZE.matcher(heap).matches()) {
                throw new IllegalArgumentException(
                        "heap must look like 256m or 1g (digits, then k, m or g): " + heap);
            }
            this.heap = heap;
            return this;
        }

        /** The most stdout lines kept; one more is a failure, rethrown by the child's methods. */
        public Builder lineCountMax(int lineCountMax) {
            if (lineCountMax < 1) {
                throw new IllegalArgumentException("lineCountMax must be positive: " + lineCountMax);
            }
            this.lineCountMax = lineCountMax;
            return this;
        }

        /**
         * A callback for each stdout line, called in order on the stdout reader thread after the
         * line is visible in {@link ChildJvm#lines()}. It should be quick: while it runs, stdout
         * is not read. If it throws, it is not called again and the failure is rethrown.
         */
        public Builder onLine(Consumer<String> onLine) {
            this.onLine = Objects.requireNonNull(onLine, "onLine");
            return this;
        }

        /** Starts the child JVM; its output is read from the moment it starts. */
        public ChildJvm start() throws IOException {
            List<String> command = new ArrayList<>();
            command.add(javaBinary());
            command.add("-Xmx" + heap);
            // The readers decode UTF-8; make the child encode it whatever the locale
            // (sun.*.encoding on JDK 17 and 18, *.encoding from JDK 19).
            command.add("-Dsun.stdout.encoding=UTF-8");
            command.add("-Dsun.stderr.encoding=UTF-8");
            command.add("-Dstdout.encoding=UTF-8");
            command.add("-Dstderr.encoding=UTF-8");
            command.addAll(jvmArgs);
            command.add("-cp");
            command.add(classpath);
            command.add(mainClassName);
            command.addAll(args);
            Process process = new ProcessBuilder(command).start();
            LIVE_PROCESSES.add(process);
            try {
                return new ChildJvm(process, mainClassName, lineCountMax, onLine);
            } catch (RuntimeException | Error e) {
                killTree(process);
                LIVE_PROCESSES.remove(process);
                throw e;
            }
        }

        private static String javaBinary() {
            return ProcessHandle.current().info().command().orElseGet(
                    () -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
    }
}
