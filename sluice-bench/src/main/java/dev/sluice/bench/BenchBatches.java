package dev.sluice.bench;

import dev.sluice.record.Compression;
import dev.sluice.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.util.Random;

/** Batches for the benchmarks: {@code recordCount} records of {@code valueBytes} random bytes each. */
final class BenchBatches {
    private BenchBatches() {}

    static ByteBuffer batch(int recordCount, int valueBytes, long seed) {
        Random random = new Random(seed);
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, System.currentTimeMillis());
        for (int i = 0; i < recordCount; i++) {
            byte[] value = new byte[valueBytes];
            random.nextBytes(value);
            builder.append(("key-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII), value);
        }
        return builder.build();
    }
}
