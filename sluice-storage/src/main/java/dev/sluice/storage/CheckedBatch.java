package dev.sluice.storage;

import java.nio.ByteBuffer;

/**
 * A batch that passed {@link LogStore#check} for one queue: only the store makes these, so
 * {@link LogStore#append(CheckedBatch, Durability)} never writes an unchecked batch, and a caller
 * that must look at a batch's records before appending it (the broker's sequence check and
 * message-id window) validates it once, not twice. Immutable; the batch's bytes must not change
 * until its append completes.
 */
public final class CheckedBatch {
    private final QueueId queue;
    private final ByteBuffer batch;
    private final long[] keyHashes;

    CheckedBatch(QueueId queue, ByteBuffer batch, long[] keyHashes) {
        this.queue = queue;
        this.batch = batch;
        this.keyHashes = keyHashes;
    }

    public QueueId queue() {
        return queue;
    }

    /** A view of the batch: its bytes between position and limit. */
    public ByteBuffer batch() {
        return batch.duplicate();
    }

    long[] keyHashes() {
        return keyHashes;
    }
}
