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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The producer's cache of topics' queue counts, asked with METADATA. An entry older than
 * {@code metadataMaxAgeMs} is still used while a refresh runs in the background; a missing one
 * is asked for and waited for (up to the caller's deadline), retrying retriable failures with
 * back-off. Concurrent callers for one topic share one request.
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
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Integer>> inFlight = new ConcurrentHashMap<>();

    /** A cache asking over {@code connection}. */
    public TopicMetadata(BrokerConnection connection, long maxAgeMs, boolean allowAutoCreate, int requestTimeoutMs,
            RetryBackoff backoff) {
        this.connection = connection;
        this.maxAgeNs = TimeUnit.MILLISECONDS.toNanos(maxAgeMs);
        this.allowAutoCreate = allowAutoCreate;
        this.requestTimeoutMs = requestTimeoutMs;
        this.backoff = backoff;
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
        int failures = 0;
        Throwable last = null;
        while (true) {
            long remainingNs = deadlineNs - System.nanoTime();
            if (remainingNs <= 0) {
                throw new SluiceTimeoutException("no metadata for topic " + topic + " within maxBlockMs", last);
            }
            try {
                return fetch(topic).get(remainingNs, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new SluiceTimeoutException("no metadata for topic " + topic + " within maxBlockMs", last);
            } catch (ExecutionException e) {
                last = Errors.unwrap(e);
                if (!Errors.retriable(last)) {
                    throw Errors.asRuntime(last);
                }
            }
            failures++;
            long sleepMs = Math.min(backoff.backoffMs(failures), TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
            if (sleepMs > 0) {
                Thread.sleep(sleepMs);
            }
        }
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
