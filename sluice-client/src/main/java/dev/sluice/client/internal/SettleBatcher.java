package dev.sluice.client.internal;

import dev.sluice.protocol.QueueAckRequest;
import dev.sluice.protocol.QueueAckResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Coalesces a queue consumer's settling requests (acks, nacks, rejects, renewals from any thread):
 * one QUEUE_ACK is in flight at a time, and the entries that arrive meanwhile go together in the
 * next one, at most {@link #ENTRIES_PER_REQUEST_MAX}. An entry waits for at most the request ahead
 * of it; under load requests grow instead of queueing up one by one (the broker's cost is mostly
 * per request). Thread-safe.
 */
final class SettleBatcher {
    /** The most entries in one QUEUE_ACK: with 1,000-character reasons, well below a frame. */
    static final int ENTRIES_PER_REQUEST_MAX = 1_000;

    private record Pending(QueueAckRequest.Entry entry, CompletableFuture<QueueAckResponse.Entry> outcome) {}

    private final Function<List<QueueAckRequest.Entry>, CompletableFuture<QueueAckResponse>> sender;
    private final List<Pending> queued = new ArrayList<>();
    private boolean inFlight;

    /** @param sender sends one QUEUE_ACK (retrying as it sees fit) and answers with one entry per entry */
    SettleBatcher(Function<List<QueueAckRequest.Entry>, CompletableFuture<QueueAckResponse>> sender) {
        this.sender = sender;
    }

    /** Settles {@code entry}: its own outcome, or the failure of the request that carried it. */
    CompletableFuture<QueueAckResponse.Entry> add(QueueAckRequest.Entry entry) {
        CompletableFuture<QueueAckResponse.Entry> outcome = new CompletableFuture<>();
        synchronized (this) {
            queued.add(new Pending(entry, outcome));
            if (inFlight) {
                return outcome;
            }
            inFlight = true;
        }
        sendNext();
        return outcome;
    }

    /** Sends what is queued (the caller has set {@code inFlight}), or clears {@code inFlight} if nothing is. */
    private void sendNext() {
        List<Pending> batch;
        synchronized (this) {
            if (queued.isEmpty()) {
                inFlight = false;
                return;
            }
            int count = Math.min(queued.size(), ENTRIES_PER_REQUEST_MAX);
            batch = new ArrayList<>(queued.subList(0, count));
            queued.subList(0, count).clear();
        }
        List<QueueAckRequest.Entry> entries = new ArrayList<>(batch.size());
        batch.forEach(pending -> entries.add(pending.entry()));
        CompletableFuture<QueueAckResponse> sent;
        try {
            sent = sender.apply(entries);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((response, failure) -> {
            for (int i = 0; i < batch.size(); i++) {
                if (failure != null) {
                    batch.get(i).outcome().completeExceptionally(Errors.unwrap(failure));
                } else {
                    batch.get(i).outcome().complete(response.entries().get(i));
                }
            }
            sendNext();
        });
    }
}
