package dev.sluice.client.internal;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;

/** A request waiting for its answer: its future, its converter and its timeout task. */
final class PendingRequest<R extends Response, T> {
    final ApiKey api;
    final CompletableFuture<T> future;
    private final Function<? super R, ? extends T> converter;
    /** Set right after registration, before the request is written. */
    volatile ScheduledFuture<?> timeout;

    PendingRequest(ApiKey api, CompletableFuture<T> future, Function<? super R, ? extends T> converter) {
        this.api = api;
        this.future = future;
        this.converter = converter;
    }

    /** Converts and completes; on the event loop, while the frame is alive. */
    @SuppressWarnings("unchecked")
    void complete(Response response) {
        ScheduledFuture<?> task = timeout;
        if (task != null) {
            task.cancel(false);
        }
        try {
            future.complete(converter.apply((R) response));
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
    }

    void fail(Throwable cause) {
        ScheduledFuture<?> task = timeout;
        if (task != null) {
            task.cancel(false);
        }
        future.completeExceptionally(cause);
    }
}
