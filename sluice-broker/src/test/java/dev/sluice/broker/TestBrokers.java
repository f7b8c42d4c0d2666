package dev.sluice.broker;

import dev.sluice.record.Compression;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.record.RecordBatchReader;
import dev.sluice.storage.FlushPolicy;
import dev.sluice.storage.StorageConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small, fast broker configs and batches for tests. */
final class TestBrokers {
    static final long START_MS = 1_767_225_600_000L;

    private TestBrokers() {}

    /** Small segments, ASYNC flush with a long interval (only durable acks fsync), no zero-fill. */
    static StorageConfig.Builder storage(Path directory) {
        return StorageConfig.builder(directory).segmentBytes(256 * 1024).batchBytesMax(64 * 1024)
                .writeBufferBytes(128 * 1024).indexSegmentEntries(64).diskFreeBytesMin(0)
                .flushPolicy(FlushPolicy.ASYNC).flushIntervalMs(600_000).segmentZeroFill(false);
    }

    static BrokerConfig.Builder config(Path directory) {
        return BrokerConfig.builder(directory).storage(storage(directory).build());
    }

    /** One batch of records with these values, keys "k0".., timestamps from {@code timestampMs}. */
    static ByteBuffer batch(long timestampMs, String... values) {
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, timestampMs);
        for (int i = 0; i < values.length; i++) {
            builder.append(timestampMs + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8), List.of());
        }
        return builder.build();
    }

    static ByteBuffer batch(String... values) {
        return batch(START_MS, values);
    }

    /** The values of every record in the batches, in order. */
    static List<String> values(List<ByteBuffer> batches) {
        List<String> values = new ArrayList<>();
        for (ByteBuffer batch : batches) {
            for (Record record : RecordBatchReader.records(batch, batch.position())) {
                values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
            }
        }
        return values;
    }

    /** The offsets of every record in the batches, in order. */
    static List<Long> offsets(List<ByteBuffer> batches) {
        List<Long> offsets = new ArrayList<>();
        for (ByteBuffer batch : batches) {
            for (Record record : RecordBatchReader.records(batch, batch.position())) {
                offsets.add(record.offset());
            }
        }
        return offsets;
    }
}
