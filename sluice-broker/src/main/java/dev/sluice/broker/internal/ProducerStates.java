package dev.sluice.broker.internal;

import dev.sluice.broker.ProduceResult;
import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.QueueId;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's idempotent-producer state: the producer id allocator and one
 * {@link ProducerStateTable} per queue. Thread-safe.
 *
 * <p><b>Crash.</b> Rebuilt by {@link #load} from the headers of every retained batch of every
 * queue (the batches are read, CRC-checked, and only their 61-byte headers looked at). The same
 * pass hands each batch to a {@link BatchVisitor}, which rebuilds the message-id window.
 */
public final class ProducerStates {
    private static final Logger LOGGER = LoggerFactory.getLogger(ProducerStates.class);
    /** Bytes read per step while rebuilding. */
    private static final int REBUILD_READ_BYTES = 8 * 1024 * 1024;

    private final ProducerIdAllocator allocator;
    private final Map<QueueId, ProducerStateTable> tables = new ConcurrentHashMap<>();

    private ProducerStates(ProducerIdAllocator allocator) {
        this.allocator = allocator;
    }

    /** Looks at each retained batch while the state is rebuilt. */
    public interface BatchVisitor {
        /** A batch of {@code queue}, with its base offset patched in; a view valid during the call. */
        void onBatch(QueueId queue, ByteBuffer batch);
    }

    /** Rebuilds the tables from the log and opens the allocator above every id found there. */
    public static ProducerStates load(Path dataDirectory, LogStore store) {
        return load(dataDirectory, store, (queue, batch) -> { });
    }

    /**
     * Rebuilds the tables from the log, handing every retained batch to {@code visitor} too (one
     * read of the log for both), and opens the allocator above every producer id found there.
     */
    public static ProducerStates load(Path dataDirectory, LogStore store, BatchVisitor visitor) {
        long startNs = System.nanoTime();
        Map<QueueId, ProducerStateTable> tables = new ConcurrentHashMap<>();
        long[] highestId = {-1};
        long batchCount = 0;
        for (QueueId queue : store.queues()) {
            batchCount += LogScan.batches(store, queue, REBUILD_READ_BYTES, batch -> {
                int start = batch.position();
                long producerId = RecordBatchDescriptor.producerId(batch, start);
                visitor.onBatch(queue, batch);
                if (producerId < 0) {
                    return;
                }
                highestId[0] = Math.max(highestId[0], producerId);
                long baseOffset = RecordBatchDescriptor.baseOffset(batch, start);
                int lastOffsetDelta = RecordBatchDescriptor.lastOffsetDelta(batch, start);
                tables.computeIfAbsent(queue, id -> new ProducerStateTable()).onRecoveredBatch(producerId,
                        RecordBatchDescriptor.producerEpoch(batch, start),
                        RecordBatchDescriptor.baseSequence(batch, start), lastOffsetDelta,
                        new ProduceResult(baseOffset, baseOffset + lastOffsetDelta,
                                RecordBatchDescriptor.maxTimestamp(batch, start)));
            });
        }
        ProducerStates states = new ProducerStates(ProducerIdAllocator.open(dataDirectory, highestId[0] + 1));
        states.tables.putAll(tables);
        LOGGER.info("producer state rebuilt: batchCount={} queueCount={} elapsedMs={}", batchCount, tables.size(),
                (System.nanoTime() - startNs) / 1_000_000);
        return states;
    }

    /** A producer id never handed out before. */
    public long allocateProducerId() {
        return allocator.allocate();
    }

    /** The queue's table, created on first use. */
    public ProducerStateTable table(QueueId queue) {
        return tables.computeIfAbsent(queue, id -> new ProducerStateTable());
    }

    /** Drops the state of producers idle since before {@code oldestMs}; returns how many. */
    public int expire(long oldestMs) {
        int expired = 0;
        for (ProducerStateTable table : tables.values()) {
            expired += table.expire(oldestMs);
        }
        return expired;
    }
}
