package dev.sluice.storage.internal;

import dev.sluice.storage.AppendResult;
import dev.sluice.storage.Durability;
import dev.sluice.storage.QueueId;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One validated batch handed to the writer. The writer copies the batch; the caller's buffer is
 * not changed and may be reused once the future completes.
 */
public record AppendRequest(
        QueueId queue, ByteBuffer batch, Durability durability, CompletableFuture<AppendResult> future) {}
