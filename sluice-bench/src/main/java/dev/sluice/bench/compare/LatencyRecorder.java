package dev.sluice.bench.compare;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The consumer side of a latency workload, run on its own thread: polls until it has seen the
 * expected number of messages, is stopped, or passes its deadline, and records now minus each
 * message's scheduled send time (both {@link System#nanoTime()} of this JVM).
 */
final class LatencyRecorder implements Runnable {
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.MINUTES.toNanos(1);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final MessageConsumer consumer;
    private final long warmUpCount;
    private final long deadlineNs;
    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private volatile long expectedCount;
    private volatile boolean stopped;
    private volatile long receivedCount;
    private volatile Throwable failure;

    LatencyRecorder(MessageConsumer consumer, long warmUpCount, long expectedCount, long deadlineNs) {
        this.consumer = consumer;
        this.warmUpCount = warmUpCount;
        this.expectedCount = expectedCount;
        this.deadlineNs = deadlineNs;
    }

    @Override
    public void run() {
        try {
            long received = 0;
            while (!stopped && received < expectedCount && System.nanoTime() < deadlineNs) {
                consumer.poll(POLL_TIMEOUT, this::onMessage);
                received = receivedCount;
            }
        } catch (Throwable e) {
            // This thread's top level: keep the cause for the report, end the run.
            failure = e;
        }
    }

    private void onMessage(String topic, int queue, byte[] value) {
        long nowNs = System.nanoTime();
        ByteBuffer buffer = ByteBuffer.wrap(value);
        long scheduledNs = buffer.getLong(0);
        long sequence = buffer.getLong(Long.BYTES);
        if (sequence >= warmUpCount) {
            histogram.recordValue(Math.min(HIGHEST_TRACKABLE_NS, Math.max(0, nowNs - scheduledNs)));
        }
        receivedCount = receivedCount + 1; // only this thread writes it
    }

    /** The producer sent fewer than planned (time limit): wait for that many only. */
    void expect(long count) {
        expectedCount = count;
    }

    void stop() {
        stopped = true;
    }

    long receivedCount() {
        return receivedCount;
    }

    Throwable failure() {
        return failure;
    }

    /** Read after the thread has ended. */
    LatencySummary summary() {
        return LatencySummary.of(histogram);
    }
}
