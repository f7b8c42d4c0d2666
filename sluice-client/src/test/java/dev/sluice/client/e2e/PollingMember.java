package dev.sluice.client.e2e;

import dev.sluice.client.Consumer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A group member on its own thread ({@code member-<name>}, not {@code sluice-*}): creates its
 * consumer there, subscribes, polls into a {@link MessageLedger} until {@link #stop()} or a time
 * limit, then closes the consumer (on the same thread, as the consumer requires).
 */
final class PollingMember implements AutoCloseable {
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final Thread thread;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean stopped;
    private volatile Set<Integer> assignment = Set.of();

    PollingMember(String name, Supplier<Consumer> consumers, String topic, MessageLedger ledger, Duration limit) {
        this.thread = new Thread(() -> {
            long deadlineNs = System.nanoTime() + limit.toNanos();
            try (Consumer consumer = consumers.get()) {
                consumer.subscribe(topic);
                while (!stopped && System.nanoTime() - deadlineNs < 0) {
                    ledger.recordAll(consumer.poll(POLL_TIMEOUT));
                    assignment = consumer.assignment();
                }
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }, "member-" + name);
        thread.start();
    }

    /** The queues it owned after its last poll. */
    Set<Integer> assignment() {
        return assignment;
    }

    /** Asks it to close its consumer (commit, leave) and waits for that; rethrows its failure. */
    void stop() {
        stopped = true;
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("member " + thread.getName() + " failed", e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
