package dev.sluice.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs {@link PrintingChild} in child JVMs. The leak check also proves that every ChildJvm's
 * reader threads have ended once it is closed. Unix only: SIGKILL and its exit code 137.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@ExtendWith(ThreadLeakCheck.class)
class ChildJvmTest {
    /** Generous: the machine is shared, and a JVM start can take seconds under load. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static ChildJvm.Builder child(String... script) {
        return ChildJvm.builder(PrintingChild.class)
                .heap("64m")
                .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .args(script);
    }

    private static List<String> numberedLines(int count) {
        return IntStream.range(0, count).mapToObj(i -> "line-" + i).collect(Collectors.toList());
    }

    @Test
    void killHardSendsSigkillSoShutdownHooksDoNotRun() throws IOException {
        try (ChildJvm jvm = child("hook", "echo", "READY", "wait").start()) {
            jvm.awaitLine("READY"::equals, TIMEOUT);

            int exitCode = jvm.killHard();

            assertThat(exitCode).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE).isEqualTo(137);
            assertThat(jvm.lines()).containsExactly("READY");
            assertThat(jvm.isAlive()).isFalse();
            assertThat(ProcessHandle.of(jvm.pid()).filter(ProcessHandle::isAlive)).isEmpty();
        }
    }

    @Test
    void normalExitRunsShutdownHooksAndReturnsTheExitCode() throws IOException {
        // The control for the test above: the same hook does print when the child exits itself.
        try (ChildJvm jvm = child("hook", "echo", "BYE", "exit", "3").start()) {
            int exitCode = jvm.awaitExit(TIMEOUT);

            assertThat(exitCode).isEqualTo(3);
            assertThat(jvm.lines()).containsExactly("BYE", "HOOK");
        }
    }

    @Test
    void killHardDeliversEveryLineWrittenBeforeDeath() throws IOException {
        // The callback holds the stdout reader until the child is dead, so the 2,000 lines
        // (about 20 KB, less than a pipe holds) are still unread in the pipe when SIGKILL lands.
        CompletableFuture<ChildJvm> started = new CompletableFuture<>();
        try (ChildJvm jvm = child("print", "2000", "err", "DONE", "wait")
                .onLine(line -> ProcessHandle.of(started.join().pid())
                        .ifPresent(process -> process.onExit().join()))
                .start()) {
            started.complete(jvm);
            await().atMost(TIMEOUT).until(() -> jvm.stderrTail().contains("DONE"));
            assertThat(jvm.lines()).hasSizeLessThanOrEqualTo(1);

            int exitCode = jvm.killHard();

            assertThat(exitCode).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
            assertThat(jvm.lines()).isEqualTo(numberedLines(2000));
        }
    }

    @Test
    void awaitLineTimesOutWithTheChildsOutputInTheMessage() throws IOException {
        try (ChildJvm jvm = child("echo", "hello", "err", "diagnostic on stderr", "wait")
                .start()) {
            jvm.awaitLine("hello"::equals, TIMEOUT);
            await().atMost(TIMEOUT).until(() -> jvm.stderrTail().contains("diagnostic"));

            assertThatThrownBy(() -> jvm.awaitLine("never"::equals, Duration.ofMillis(300)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("pid " + jvm.pid())
                    .hasMessageContaining("PrintingChild")
                    .hasMessageContaining("within PT0.3S: timed out, child alive")
                    .hasMessageContaining("hello")
                    .hasMessageContaining("diagnostic on stderr");
        }
    }

    @Test
    void awaitLineFailsAtOnceWhenTheChildExitsWithoutPrintingTheLine() throws IOException {
        try (ChildJvm jvm = child("echo", "bye", "exit", "2").start()) {
            long startNs = System.nanoTime();

            assertThatThrownBy(() -> jvm.awaitLine("never"::equals, Duration.ofMinutes(5)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("stdout ended first (exited with code 2)")
                    .hasMessageContaining("bye");
            assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(TIMEOUT);
        }
    }

    @Test
    void awaitLineReturnsTheFirstMatchingLineEvenIfPrintedEarlier() throws IOException {
        try (ChildJvm jvm = child("print", "5", "exit", "0").start()) {
            assertThat(jvm.awaitExit(TIMEOUT)).isZero();

            assertThat(jvm.awaitLine(line -> line.startsWith("line-"), TIMEOUT))
                    .isEqualTo("line-0");
            assertThat(jvm.awaitLine(line -> line.endsWith("3"), TIMEOUT)).isEqualTo("line-3");
        }
    }

    @Test
    void readsLargeStdoutInOrderWithoutBlockingTheChild() throws IOException {
        // 50,000 lines (about 540 KB) is many times a pipe's capacity.
        AtomicInteger expectedNext = new AtomicInteger();
        AtomicInteger outOfOrderCount = new AtomicInteger();
        try (ChildJvm jvm = child("print", "50000", "exit", "0")
                .onLine(line -> {
                    if (!line.equals("line-" + expectedNext.getAndIncrement())) {
                        outOfOrderCount.incrementAndGet();
                    }
                })
                .start()) {
            assertThat(jvm.awaitExit(TIMEOUT)).isZero();

            assertThat(jvm.lines()).isEqualTo(numberedLines(50_000));
            assertThat(expectedNext).hasValue(50_000);
            assertThat(outOfOrderCount).hasValue(0);
        }
    }

    @Test
    void keepsABoundedStderrTailWithoutBlockingTheChild() throws IOException {
        try (ChildJvm jvm = child("errfill", "300000", "err", "END", "exit", "0").start()) {
            assertThat(jvm.awaitExit(TIMEOUT)).isZero();

            String tail = jvm.stderrTail();
            // 3,000 lines of 100 bytes, then "END\n": 300,004 bytes, of which 65,536 are kept.
            assertThat(tail).startsWith("[234,468 earlier bytes dropped]\nxx")
                    .endsWith("xx\nEND\n");
            assertThat(tail.length()).isLessThanOrEqualTo(64 * 1024 + 100);
        }
    }

    @Test
    void passesJvmArgsHeapAndArgsToTheChild() throws IOException {
        try (ChildJvm jvm = child("property", "sluice.test.flag", "heap", "exit", "0")
                .jvmArgs("-Dsluice.test.flag=on")
                .heap("48m")
                .start()) {
            assertThat(jvm.awaitExit(TIMEOUT)).isZero();

            assertThat(jvm.lines()).hasSize(2).first().isEqualTo("on");
            assertThat(Long.parseLong(jvm.lines().get(1))).isLessThanOrEqualTo(48L << 20);
        }
    }

    @Test
    void reportsStdoutPastLineCountMaxInsteadOfDroppingLinesSilently() throws IOException {
        try (ChildJvm jvm = child("print", "11", "exit", "0").lineCountMax(10).start()) {
            assertThatThrownBy(() -> jvm.awaitExit(TIMEOUT))
                    .isInstanceOf(IllegalStateException.class)
                    .cause()
                    .hasMessageContaining("more than lineCountMax 10 stdout lines");
            assertThatThrownBy(jvm::lines).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void rethrowsAFailureOfTheLineCallback() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        try (ChildJvm jvm = child("print", "3", "exit", "0")
                .onLine(line -> {
                    calls.incrementAndGet();
                    assertThat(line).isNotEqualTo("line-1");
                })
                .start()) {
            assertThatThrownBy(() -> jvm.awaitExit(TIMEOUT))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("line callback")
                    .cause()
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("line-1");
            assertThat(calls).as("not called after it failed").hasValue(2);
        }
    }

    @Test
    void closeRethrowsAFailureNobodyHasSeen() throws IOException {
        ChildJvm jvm = child("print", "1", "exit", "0")
                .onLine(line -> {
                    throw new IllegalArgumentException("bad line " + line);
                })
                .start();
        await().atMost(TIMEOUT).until(() -> !jvm.isAlive());

        assertThatThrownBy(jvm::close)
                .isInstanceOf(IllegalStateException.class)
                .cause()
                .hasMessage("bad line line-0");
    }

    @Test
    void closeKillsALiveChildAndIsIdempotent() throws IOException {
        ChildJvm jvm = child("echo", "READY", "wait").start();
        jvm.awaitLine("READY"::equals, TIMEOUT);

        jvm.close();
        jvm.close();

        assertThat(jvm.isAlive()).isFalse();
        assertThat(ProcessHandle.of(jvm.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void rejectsABadHeapSizeOrABlankMainClass() {
        assertThatThrownBy(() -> ChildJvm.builder(PrintingChild.class).heap("lots"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lots");
        assertThatThrownBy(() -> ChildJvm.builder(" "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChildJvm.builder(PrintingChild.class).lineCountMax(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
