package dev.sluice.client.internal;

import dev.sluice.client.SluiceException;
import dev.sluice.client.SluiceTimeoutException;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.MetadataRequest;
import dev.sluice.protocol.MetadataResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The producer's cache of topics' queue counts, asked with METADATA. An entry older than
 * {@code metadataMaxAgeMs} is still used while a refresh runs in the background; a missing one
 * is asked for and waited for (up to the caller's deadline), retrying retriable failures after a
 * back-off scheduled on the client's event loop. Concurrent callers for one topic share one request.
 *
 * <p>Thread-safe.
 */
public final class TopicMetadata {
    private record Entry(int queueCount, long fetchedAtNs) {}

    private final BrokerConnection connection;
    private final long maxAgeNs;
    private final boolean allowAutoCreate;
    private final int requestTimeoutMs;
    private final RetryBackoff backoff;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Integer>> inFlight = new ConcurrentHashMap<>();

    /** A cache asking over {@code connection}; retries wait on {@code scheduler}. */
    public TopicMetadata(BrokerConnection connection, long maxAgeMs, boolean allowAutoCreate, int requestTimeoutMs,
            RetryBackoff backoff, ScheduledExecutorService scheduler) {
        this.connection = connection;
        this.maxAgeNs = TimeUnit.MILLISECONDS.toNanos(maxAgeMs);
        this.allowAutoCreate = allowAutoCreate;
        this.requestTimeoutMs = requestTimeoutMs;
        this.backoff = backoff;
        this.scheduler = scheduler;
    }

    /**
     * The topic's queue count, asking the broker if it is not cached.
     *
     * @throws dev.sluice.client.UnknownTopicException if the topic does not exist and was not created
     * @throws SluiceTimeoutException if no answer came before {@code deadlineNs} ({@link System#nanoTime()})
     * @throws InterruptedException if interrupted while waiting
     */
    public int queueCount(String topic, long deadlineNs) throws InterruptedException {
        Entry entry = cache.get(topic);
        if (entry != null) {
            if (System.nanoTime() - entry.fetchedAtNs() > maxAgeNs) {
                fetch(topic);
            }
            return entry.queueCount();
        }
        try {
            return lookup(topic, deadlineNs).get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new SluiceTimeoutException("no metadata for topic " + topic + " within maxBlockMs", null);
        } catch (ExecutionException e) {
            Throwable cause = Errors.unwrap(e);
            if (Errors.retriable(cause)) {
                throw new SluiceTimeoutException("no metadata for topic " + topic + " within maxBlockMs", cause);
            }
            throw Errors.asRuntime(cause);
        }
    }

    /**
     * Asks for the topic until an answer, a failure that retrying cannot fix, or the deadline; the
     * retries wait on the connection's event loop (no thread sleeps), after an exponential back-off.
     */
    private CompletableFuture<Integer> lookup(String topic, long deadlineNs) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        attempt(topic, deadlineNs, 1, result);
        return result;
    }

    private void attempt(String topic, long deadlineNs, int attempt, CompletableFuture<Integer> result) {
        fetch(topic).whenComplete((count, failure) -> {
            if (failure == null) {
                result.complete(count);
                return;
            }
            Throwable cause = Errors.unwrap(failure);
            long backoffMs = backoff.backoffMs(attempt);
            if (!Errors.retriable(cause) || result.isDone()
                    || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) - deadlineNs >= 0) {
                result.completeExceptionally(cause);
                return;
            }
            try {
                scheduler.schedule(() -> attempt(topic, deadlineNs, attempt + 1, result), backoffMs,
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(cause); // the client is closing
            }
        });
    }

    /** Forgets a topic, so that the next send asks again (after UNKNOWN_TOPIC or UNKNOWN_QUEUE). */
    public void invalidate(String topic) {
        cache.remove(topic);
    }

    private CompletableFuture<Integer> fetch(String topic) {
        CompletableFuture<Integer> existing = inFlight.get(topic);
        if (existing != null) {
            return existing;
        }
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        existing = inFlight.putIfAbsent(topic, mine);
        if (existing != null) {
            return existing;
        }
        connection.<MetadataResponse>send(new MetadataRequest(List.of(topic), allowAutoCreate), requestTimeoutMs)
                .thenApply(response -> onResponse(topic, response))
                .whenComplete((count, failure) -> {
                    inFlight.remove(topic, mine);
                    if (failure != null) {
                        mine.completeExceptionally(Errors.unwrap(failure));
                    } else {
                        mine.complete(count);
                    }
                });
        return mine;
    }

    private int onResponse(String topic, MetadataResponse response) {
        Errors.check(response);
        for (MetadataResponse.Topic answer : response.topics()) {
            if (answer.topic().equals(topic)) {
                if (answer.errorCode() != ErrorCode.NONE) {
                    throw Errors.toException(answer.errorCode(), "topic " + topic);
                }
                cache.put(topic, new Entry(answer.queueCount(), System.nanoTime()));
                return answer.queueCount();
            }
        }
        throw new SluiceException("METADATA answer does not mention topic " + topic, true);
    }
}
