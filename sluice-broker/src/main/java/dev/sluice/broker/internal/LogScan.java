package dev.sluice.broker.internal;

import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchReader;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.QueueId;
import dev.sluice.storage.ReadResult;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Reads one queue of the log from its start offset to its end offset, for the rebuilds at broker
 * open (committed offsets, queue-group state, producer state and message ids). When retention
 * moves the queue's start while it reads, the scan goes on from the new start. Stateless.
 */
final class LogScan {
    /** What one read asks for unless a caller needs more. */
    static final int READ_BYTES = 1 << 20;

    private LogScan() {}

    /** Hands every retained batch of {@code queue} to {@code sink}, in log order; returns how many. */
    static long batches(LogStore store, QueueId queue, int readBytes, Consumer<ByteBuffer> sink) {
        long[] count = new long[1];
        scan(store, queue, readBytes, (batch, fromOffset) -> {
            sink.accept(batch);
            count[0]++;
        });
        return count[0];
    }

    /**
     * Hands every retained record of {@code queue} to {@code sink}, in offset order (records of a
     * batch that begins before the queue's start are skipped); returns how many.
     */
    static long records(LogStore store, QueueId queue, Consumer<Record> sink) {
        long[] count = new long[1];
        scan(store, queue, READ_BYTES, (batch, fromOffset) -> {
            for (Record record : RecordBatchReader.records(batch, batch.position())) {
                if (record.offset() >= fromOffset) {
                    sink.accept(record);
                    count[0]++;
                }
            }
        });
        return count[0];
    }

    private interface BatchSink {
        void accept(ByteBuffer batch, long fromOffset);
    }

    private static void scan(LogStore store, QueueId queue, int readBytes, BatchSink sink) {
        long offset = store.startOffset(queue);
        long end = store.endOffset(queue);
        while (offset < end) {
            ReadResult read = store.read(queue, offset, readBytes);
            if (read.status() != ReadResult.Status.OK || read.batches().isEmpty()) {
                offset = read.startOffset() > offset ? read.startOffset() : end;
                continue;
            }
            for (ByteBuffer batch : read.batches()) {
                sink.accept(batch, offset);
            }
            offset = read.nextOffset();
        }
    }
}
