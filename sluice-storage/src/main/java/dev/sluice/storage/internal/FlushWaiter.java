package dev.sluice.storage.internal;

import dev.sluice.storage.AppendResult;
import java.util.concurrent.CompletableFuture;

/**
 * Something to do once an fsync covers {@code endPosition}: publish the queue's records below
 * {@code endOffset} (under SYNC flush) and complete {@code future} (when not already completed).
 */
record FlushWaiter(
        long endPosition, QueueIndex queue, long endOffset, CompletableFuture<AppendResult> future,
        AppendResult result, boolean publish) {}
