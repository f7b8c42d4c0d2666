package dev.sluice.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

class ThreadLeakCheckTest {
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(200);

    /** Released after each test, so no thread started here outlives it. */
    private static CountDownLatch release = new CountDownLatch(1);

    private final List<Thread> started = new ArrayList<>();

    @AfterEach
    void stopThreads() throws InterruptedException {
        release.countDown();
        for (Thread thread : started) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        release = new CountDownLatch(1);
    }

    /** Starts a daemon thread that waits for {@link #release} (at most a minute). */
    private Thread startWaiting(String name) {
        CountDownLatch latch = release;
        Thread thread = new Thread(() -> awaitQuietly(latch, Duration.ofMinutes(1)), name);
        thread.setDaemon(true);
        thread.start();
        started.add(thread);
        return thread;
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void failsNamingAPrefixedThreadStillAliveAfterTheTimeout() {
        ThreadLeakCheck check = new ThreadLeakCheck("sluice-", SHORT_TIMEOUT);
        Set<Thread> before = ThreadLeakCheck.liveThreads();
        startWaiting("sluice-leaky-flusher");
        long startNs = System.nanoTime();

        assertThatThrownBy(() -> check.assertNoLeakedThreads(before))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 thread(s) named sluice-* started here still alive PT0.2S")
                .hasMessageContaining("\"sluice-leaky-flusher\" TIMED_WAITING daemon")
                .hasMessageContaining("at java.base@");
        assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isGreaterThanOrEqualTo(SHORT_TIMEOUT);
    }

    @Test
    void ignoresThreadsWithoutThePrefix() {
        ThreadLeakCheck check = new ThreadLeakCheck("sluice-", SHORT_TIMEOUT);
        Set<Thread> before = ThreadLeakCheck.liveThreads();
        startWaiting("kafka-producer-network-thread");

        check.assertNoLeakedThreads(before);
    }

    @Test
    void ignoresThreadsThatWereAliveBefore() {
        ThreadLeakCheck check = new ThreadLeakCheck("sluice-", SHORT_TIMEOUT);
        startWaiting("sluice-shared-server");
        Set<Thread> before = ThreadLeakCheck.liveThreads();

        check.assertNoLeakedThreads(before);
    }

    @Test
    void catchesANewThreadThatReusesTheNameOfAnOldOne() {
        ThreadLeakCheck check = new ThreadLeakCheck("sluice-", SHORT_TIMEOUT);
        startWaiting("sluice-worker");
        Set<Thread> before = ThreadLeakCheck.liveThreads();
        startWaiting("sluice-worker");

        assertThatThrownBy(() -> check.assertNoLeakedThreads(before))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 thread(s)");
    }

    @Test
    void waitsForAThreadThatEndsWithinTheTimeout() {
        ThreadLeakCheck check = new ThreadLeakCheck("sluice-", Duration.ofSeconds(10));
        Set<Thread> before = ThreadLeakCheck.liveThreads();
        // Stands in for a clean but slow shutdown: the thread ends on its own 300 ms later.
        Thread stopping = new Thread(
                () -> awaitQuietly(new CountDownLatch(1), Duration.ofMillis(300)), "sluice-stopping");
        stopping.start();
        started.add(stopping);

        check.assertNoLeakedThreads(before);

        assertThat(stopping.isAlive()).isFalse();
    }

    @Test
    void anEmptyPrefixChecksEveryThread() {
        ThreadLeakCheck check = new ThreadLeakCheck("", SHORT_TIMEOUT);
        Set<Thread> before = ThreadLeakCheck.liveThreads();
        startWaiting("anything");

        assertThatThrownBy(() -> check.assertNoLeakedThreads(before))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("\"anything\"");
    }

    @Test
    void rejectsANegativeTimeout() {
        assertThatThrownBy(() -> new ThreadLeakCheck("sluice-", Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failsATestThatLeaksAThreadWhenRegisteredWithJupiter() {
        Events events = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(LeakingTests.class))
                .execute()
                .testEvents();

        events.assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));
        assertThat(events.failed().stream()
                .map(event -> event.getTestDescriptor().getDisplayName() + ": "
                        + event.getPayload(TestExecutionResult.class)
                                .flatMap(TestExecutionResult::getThrowable)
                                .map(Throwable::getMessage)
                                .orElse("")))
                .singleElement()
                .asString()
                .startsWith("leaksAThread()")
                .contains("\"sluice-leaked-by-test\"");
        ThreadLeakCheck.liveThreads().stream()
                .filter(thread -> thread.getName().equals("sluice-leaked-by-test"))
                .forEach(started::add);
    }

    /**
     * Run only through {@link EngineTestKit} above (Surefire skips nested classes): one test
     * that leaks a thread, one that stops the thread it starts.
     */
    static class LeakingTests {
        @RegisterExtension
        static final ThreadLeakCheck THREADS = new ThreadLeakCheck("sluice-", SHORT_TIMEOUT);

        @Test
        void leaksAThread() {
            Thread thread = new Thread(
                    () -> awaitQuietly(release, Duration.ofMinutes(1)), "sluice-leaked-by-test");
            thread.setDaemon(true);
            thread.start();
        }

        @Test
        void stopsItsThread() throws InterruptedException {
            Thread thread = new Thread(
                    () -> awaitQuietly(new CountDownLatch(0), Duration.ZERO), "sluice-clean");
            thread.start();
            thread.join();
        }
    }
}
