package dev.sluice.broker.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's timer thread, {@code sluice-broker-timer}: session expiry, per-topic retention,
 * committed-offset snapshots and long-poll timeouts. Tasks must be short and never block for long
 * (a snapshot only submits its appends). A failing periodic task is logged and runs again next time.
 *
 * <p>Thread-safe. After {@link #close()} nothing is scheduled: {@link #schedule} returns null.
 */
public final class BrokerTimer implements ThreadFactory, AutoCloseable {
    static final String THREAD_NAME = "sluice-broker-timer";
    private static final Logger LOGGER = LoggerFactory.getLogger(BrokerTimer.class);
    private static final long CLOSE_TIMEOUT_MS = 10_000;

    private final ScheduledThreadPoolExecutor executor;

    public BrokerTimer() {
        executor = new ScheduledThreadPoolExecutor(1, this);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    @Override
    public Thread newThread(Runnable runnable) {
        Thread thread = new Thread(runnable, THREAD_NAME);
        thread.setDaemon(true);
        return thread;
    }

    /** Runs {@code task} every {@code intervalMs}, first after one interval. */
    public void schedulePeriodic(String name, long intervalMs, Runnable task) {
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOGGER.error("periodic task failed; it runs again in {} ms: task={}", intervalMs, name, e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} once after {@code delayMs}; null when the timer is closed. */
    public ScheduledFuture<?> schedule(long delayMs, Runnable task) {
        try {
            return executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Cancels what is scheduled, waits for a running task to end, stops the thread. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                LOGGER.warn("timer thread did not stop within {} ms", CLOSE_TIMEOUT_MS);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
