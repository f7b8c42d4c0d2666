package dev.sluice.bench.compare;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends as fast as a producer takes messages, round-robin over topics and then queues, with a
 * bounded number of unacknowledged messages, until a message count or a time limit is reached; then
 * waits (bounded too) for every completion. Used by one thread.
 */
final class SendLoop {
    /** Bound on the wait for outstanding acknowledgements once sending has stopped. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    /** What a send loop did; {@code elapsedNs} runs from the first send to the last completion. */
    record Outcome(long sentCount, long ackedCount, long errorCount, String firstError, long elapsedNs,
            boolean hitTimeLimit) {}

    private SendLoop() {}

    /**
     * @param maxUnackedBytes bound on value bytes sent and not yet completed (at least one message)
     */
    static Outcome run(MessageProducer producer, List<String> topics, int queueCount, byte[] value, long count,
            Duration timeLimit, long maxUnackedBytes) throws InterruptedException {
        int permits = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxUnackedBytes / value.length));
        Semaphore unacked = new Semaphore(permits);
        AtomicLong acked = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        MessageProducer.Completion completion = error -> {
            if (error == null) {
                acked.incrementAndGet();
            } else {
                errors.incrementAndGet();
                firstError.compareAndSet(null, error);
            }
            unacked.release();
        };
        int topicCount = topics.size();
        long start = System.nanoTime();
        long deadline = start + timeLimit.toNanos();
        long sent = 0;
        boolean hitTimeLimit = false;
        while (sent < count) {
            long remainingNs = deadline - System.nanoTime();
            if (remainingNs <= 0 || !unacked.tryAcquire(remainingNs, TimeUnit.NANOSECONDS)) {
                hitTimeLimit = true;
                break;
            }
            int topic = (int) (sent % topicCount);
            int queue = (int) ((sent / topicCount) % queueCount);
            producer.send(topics.get(topic), queue, value, completion);
            sent++;
        }
        producer.flush();
        // Taking back every permit means every sent message has completed.
        boolean drained = unacked.tryAcquire(permits, DRAIN_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        long elapsed = System.nanoTime() - start;
        String error = firstError.get() == null ? null : firstError.get().toString();
        if (!drained) {
            error = (error == null ? "" : error + "; ") + (sent - acked.get() - errors.get())
                    + " sends not completed within " + DRAIN_TIMEOUT;
        }
        return new Outcome(sent, acked.get(), errors.get(), error, elapsed, hitTimeLimit);
    }
}
