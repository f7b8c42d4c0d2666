package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.storage.QueueId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parked fetches and data waits (long polls), by the queues they wait on.
 *
 * <p>An append's completion calls {@link #onAppend} on the storage writer or flusher thread; that
 * call only looks the queue up and, if anything waits on it, schedules one wake-up on the
 * {@link CompletionExecutor} (coalesced per queue). The wake-up re-checks the queue's waiters
 * there. Timeouts run on the {@link BrokerTimer}. A waiter is registered before its final check,
 * so an append that lands between the caller's first read and the parking is never missed.
 *
 * <p>Limit: at most {@code parkedMax} waiters at once; beyond it, BROKER_BUSY. Thread-safe.
 */
public final class LongPoll {
    private final int parkedMax;
    private final CompletionExecutor executor;
    private final BrokerTimer timer;
    private final ConcurrentHashMap<QueueId, QueueWaiters> waitersByQueue = new ConcurrentHashMap<>();
    private final Set<Waiter> parked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger parkedCount = new AtomicInteger();
    private volatile boolean closed;

    public LongPoll(int parkedMax, CompletionExecutor executor, BrokerTimer timer) {
        this.parkedMax = parkedMax;
        this.executor = executor;
        this.timer = timer;
    }

    /** Something that waits for appends to some queues; completes at most once. */
    public abstract static class Waiter {
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile LongPoll owner;
        private volatile ScheduledFuture<?> timeout;

        /** The queues whose appends may complete it. */
        protected abstract List<QueueId> queues();

        /** Re-checks; completes and returns true when its condition holds (or always when timed out). */
        protected abstract boolean maybeComplete(boolean timedOut);

        /** Completes it because the broker is closing. */
        protected abstract void completeOnClose();

        /** Claims the right to complete; false when already completed. Unregisters it. */
        protected final boolean claim() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            LongPoll poll = owner;
            if (poll != null) {
                poll.unregister(this);
            }
            return true;
        }
    }

    /** Waiters parked now. */
    public int parkedCount() {
        return parkedCount.get();
    }

    /**
     * Parks {@code waiter} for up to {@code maxWaitMs}, then re-checks it once.
     *
     * @throws BrokerException BROKER_BUSY beyond the limit, SHUTTING_DOWN when closed
     */
    public void park(Waiter waiter, long maxWaitMs) {
        if (closed) {
            throw new BrokerException(BrokerError.SHUTTING_DOWN, "the broker is shutting down");
        }
        if (parkedCount.incrementAndGet() > parkedMax) {
            parkedCount.decrementAndGet();
            throw new BrokerException(BrokerError.BROKER_BUSY,
                    String.format("parkedFetchesMax %,d fetches are parked already", parkedMax));
        }
        waiter.owner = this;
        parked.add(waiter);
        for (QueueId queue : waiter.queues()) {
            waitersByQueue.compute(queue, (id, waiters) -> {
                QueueWaiters result = waiters == null ? new QueueWaiters() : waiters;
                result.waiters.add(waiter);
                return result;
            });
        }
        waiter.timeout = timer.schedule(maxWaitMs, () -> waiter.maybeComplete(true));
        if (closed) {
            completeOnClose(waiter);
        } else {
            waiter.maybeComplete(false);
        }
    }

    /** Called when an append to {@code queue} completed: tiny, safe on the storage's threads. */
    public void onAppend(QueueId queue) {
        QueueWaiters waiters = waitersByQueue.get(queue);
        if (waiters != null && waiters.wakeScheduled.compareAndSet(false, true)) {
            executor.execute(() -> wake(waiters));
        }
    }

    /** Re-checks every waiter on these queues now (say, their topic was deleted). */
    public void wakeAll(List<QueueId> queues) {
        for (QueueId queue : queues) {
            onAppend(queue);
        }
    }

    private void wake(QueueWaiters waiters) {
        waiters.wakeScheduled.set(false);
        for (Waiter waiter : waiters.waiters) {
            waiter.maybeComplete(false);
        }
    }

    private void unregister(Waiter waiter) {
        if (!parked.remove(waiter)) {
            return;
        }
        for (QueueId queue : waiter.queues()) {
            waitersByQueue.computeIfPresent(queue, (id, waiters) -> {
                waiters.waiters.remove(waiter);
                return waiters.waiters.isEmpty() ? null : waiters;
            });
        }
        ScheduledFuture<?> timeout = waiter.timeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
        parkedCount.decrementAndGet();
    }

    /** Completes every parked waiter (the broker is closing); later parks fail with SHUTTING_DOWN. */
    public void close() {
        closed = true;
        for (Waiter waiter : parked) {
            completeOnClose(waiter);
        }
    }

    private static void completeOnClose(Waiter waiter) {
        waiter.completeOnClose();
    }

    private static final class QueueWaiters {
        final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
        final AtomicBoolean wakeScheduled = new AtomicBoolean();
    }
}
