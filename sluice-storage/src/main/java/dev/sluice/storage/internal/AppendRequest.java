package dev.sluice.storage.internal;

import dev.sluice.storage.AppendResult;
import dev.sluice.storage.Durability;
import dev.sluice.storage.QueueId;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One validated batch handed to the writer. The writer copies the batch; the caller's buffer is
 * not changed and may be reused once the future completes. {@code keyHashes} are the batch's record
 * keys ({@link dev.sluice.record.RecordKeys#keyHashes}), worked out on the caller's thread.
 */
public record AppendRequest(QueueId queue, ByteBuffer batch, long[] keyHashes, Durability durability,
        CompletableFuture<AppendResult> future) {}
