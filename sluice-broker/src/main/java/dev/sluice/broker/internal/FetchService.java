package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.FetchEntry;
import dev.sluice.broker.FetchRequest;
import dev.sluice.broker.FetchResult;
import dev.sluice.storage.QueueId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Fetch (long poll) and data waits. A fetch answers at once when at least {@code minBytes} are
 * readable across its entries, an entry has an error, or {@code maxWaitMs} is 0; otherwise it parks
 * in the {@link LongPoll} until appends make enough readable or the wait ends (clamped to
 * {@code fetchMaxWaitMsMax}). Parked fetches complete on the broker's completion or timer thread;
 * the caller never blocks. Thread-safe.
 */
public final class FetchService {
    /** The most entries in one fetch: bounds the work of every re-check of a parked fetch. */
    public static final int FETCH_ENTRY_COUNT_MAX = 10_000;

    private final BrokerConfig config;
    private final QueueReader reader;
    private final LongPoll poll;
    private final BrokerMetrics metrics;

    public FetchService(BrokerConfig config, QueueReader reader, LongPoll poll, BrokerMetrics metrics) {
        this.config = config;
        this.reader = reader;
        this.poll = poll;
        this.metrics = metrics;
    }

    public CompletableFuture<List<FetchResult>> fetch(FetchRequest request) {
        try {
            check(request);
            List<FetchResult> results = reader.readAll(request.entries(), request.maxBytes());
            if (request.maxWaitMs() == 0 || done(results, request.minBytes())) {
                return CompletableFuture.completedFuture(counted(results));
            }
            FetchWaiter waiter = new FetchWaiter(request);
            poll.park(waiter, Math.min(request.maxWaitMs(), config.fetchMaxWaitMsMax()));
            // A caller gone (its connection closed) cancels: the parked slot is freed at once.
            waiter.future.whenComplete((ignored, failure) -> {
                if (waiter.future.isCancelled()) {
                    waiter.claim();
                }
            });
            return waiter.future;
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Completes normally when the queue's end offset passes {@code offset}, the wait ends, or on close. */
    public CompletableFuture<Void> awaitData(String topicName, int queue, long offset, long maxWaitMs) {
        try {
            if (maxWaitMs < 0) {
                throw new BrokerException(BrokerError.INVALID_REQUEST, "maxWaitMs is " + maxWaitMs + "; it must be 0 or more");
            }
            Topic topic = reader.requireQueue(topicName, queue);
            DataWaiter waiter = new DataWaiter(topic, queue, offset);
            if (maxWaitMs == 0 || waiter.hasData()) {
                return CompletableFuture.completedFuture(null);
            }
            poll.park(waiter, Math.min(maxWaitMs, config.fetchMaxWaitMsMax()));
            // A caller that stops waiting (a push subscription that ends) cancels the future: the
            // waiter then leaves the long poll at once instead of holding a parked slot until its timeout.
            waiter.future.whenComplete((ignored, failure) -> {
                if (waiter.future.isCancelled()) {
                    waiter.claim();
                }
            });
            return waiter.future;
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void check(FetchRequest request) {
        if (request.maxWaitMs() < 0 || request.minBytes() < 0 || request.maxBytes() < 0) {
            throw new BrokerException(BrokerError.INVALID_REQUEST, String.format(
                    "maxWaitMs %,d, minBytes %,d and maxBytes %,d must all be 0 or more", request.maxWaitMs(),
                    request.minBytes(), request.maxBytes()));
        }
        if (request.entries().size() > FETCH_ENTRY_COUNT_MAX) {
            throw new BrokerException(BrokerError.INVALID_REQUEST, String.format(
                    "a fetch has %,d entries; FETCH_ENTRY_COUNT_MAX is %,d", request.entries().size(),
                    FETCH_ENTRY_COUNT_MAX));
        }
    }

    private static boolean done(List<FetchResult> results, int minBytes) {
        long bytes = 0;
        for (FetchResult result : results) {
            if (result.error() != null) {
                return true;
            }
            bytes += result.bytes();
        }
        return bytes >= minBytes || results.isEmpty();
    }

    private List<FetchResult> counted(List<FetchResult> results) {
        long bytes = 0;
        for (FetchResult result : results) {
            bytes += result.bytes();
        }
        metrics.onRead(bytes);
        return results;
    }

    private final class FetchWaiter extends LongPoll.Waiter {
        final CompletableFuture<List<FetchResult>> future = new CompletableFuture<>();
        final FetchRequest request;
        final List<QueueId> queues = new ArrayList<>();

        FetchWaiter(FetchRequest request) {
            this.request = request;
            for (FetchEntry entry : request.entries()) {
                // Entries of unknown topics answered at once, so every topic here was known.
                queues.add(new QueueId(entry.topic(), entry.queue()));
            }
        }

        @Override
        protected List<QueueId> queues() {
            return queues;
        }

        @Override
        protected boolean maybeComplete(boolean timedOut) {
            if (!timedOut && (!reader.anyReadable(request.entries()))) {
                return false;
            }
            List<FetchResult> results = reader.readAll(request.entries(), request.maxBytes());
            if (!timedOut && !done(results, request.minBytes())) {
                return false;
            }
            if (!claim()) {
                return false;
            }
            future.complete(counted(results));
            return true;
        }

        @Override
        protected void completeOnClose() {
            if (claim()) {
                future.completeExceptionally(new BrokerException(BrokerError.SHUTTING_DOWN,
                        "the broker is shutting down; the parked fetch ends"));
            }
        }
    }

    private final class DataWaiter extends LongPoll.Waiter {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final String topicName;
        final int queue;
        final long offset;
        final List<QueueId> queues;

        DataWaiter(Topic topic, int queue, long offset) {
            this.topicName = topic.name();
            this.queue = queue;
            this.offset = offset;
            this.queues = List.of(topic.queueId(queue));
        }

        boolean hasData() {
            FetchEntry entry = new FetchEntry(topicName, queue, offset, 0);
            return reader.anyReadable(List.of(entry));
        }

        @Override
        protected List<QueueId> queues() {
            return queues;
        }

        @Override
        protected boolean maybeComplete(boolean timedOut) {
            if ((timedOut || hasData()) && claim()) {
                future.complete(null);
                return true;
            }
            return false;
        }

        @Override
        protected void completeOnClose() {
            if (claim()) {
                future.complete(null);
            }
        }
    }
}
