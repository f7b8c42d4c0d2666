package dev.sluice.broker.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's completion thread, {@code sluice-broker-completion}: completes produce and commit
 * futures and re-reads parked fetches, so that the storage writer and flusher threads only run
 * tiny callbacks and callers' continuations never run on them. One thread keeps completions in
 * append order. Its queue holds at most what is in flight: appends (bounded by the storage's
 * {@code appendQueueDepth}) and wake-ups (one per queue with parked fetches).
 *
 * <p>Thread-safe. {@link #execute} never throws: after {@link #close()} it runs the task on the
 * caller's thread, so a late completion is never lost.
 */
public final class CompletionExecutor implements Executor, ThreadFactory, AutoCloseable {
    static final String THREAD_NAME = "sluice-broker-completion";
    private static final Logger LOGGER = LoggerFactory.getLogger(CompletionExecutor.class);
    private static final long CLOSE_TIMEOUT_MS = 10_000;

    private final ThreadPoolExecutor executor;

    public CompletionExecutor() {
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), this);
    }

    @Override
    public Thread newThread(Runnable runnable) {
        Thread thread = new Thread(runnable, THREAD_NAME);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(() -> runLogged(task));
        } catch (RejectedExecutionException e) {
            runLogged(task);
        }
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOGGER.error("completion task failed", e);
        }
    }

    /** Runs what is queued, then stops the thread. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                LOGGER.warn("completion thread did not stop within {} ms", CLOSE_TIMEOUT_MS);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
