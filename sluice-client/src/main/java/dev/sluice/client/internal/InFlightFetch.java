package dev.sluice.client.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The consumer's one FETCH in flight: the offsets it asked for per queue and its answer. An
 * abandoned fetch (its queues changed or were moved by a seek) is forgotten by the poll thread;
 * if its answer comes later, the event loop skips copying its records.
 *
 * <p>Made and read on the poll thread; {@link #abandoned} is read on the event loop.
 */
final class InFlightFetch {
    final Map<Integer, Long> asked;
    CompletableFuture<List<FetchedQueue>> answer;
    volatile boolean abandoned;

    /** @param asked the offsets asked for per queue (a copy the fetch owns) */
    InFlightFetch(Map<Integer, Long> asked) {
        this.asked = asked;
    }
}
