package dev.sluice.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/** Batches made by kafka-clients' own builder, so the engine is tested on the reference format. */
public final class TestBatches {
    private TestBatches() {}

    /** A batch of {@code records} records with values "label-i" and timestamps starting at {@code timestamp}. */
    public static ByteBuffer batch(String label, int records, long timestamp) {
        return batch(Compression.NONE, label, records, timestamp, 0);
    }

    /** As {@link #batch(String, int, long)}, each value padded with {@code padBytes} seeded random bytes. */
    public static ByteBuffer batch(Compression compression, String label, int records, long timestamp, int padBytes) {
        ByteBuffer buffer = ByteBuffer.allocate(256 + records * (64 + padBytes));
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, compression, TimestampType.CREATE_TIME, 0L);
        Random random = new Random(label.hashCode());
        for (int i = 0; i < records; i++) {
            byte[] pad = new byte[padBytes];
            random.nextBytes(pad);
            byte[] value = concat((label + "-" + i + ":").getBytes(StandardCharsets.UTF_8), pad);
            builder.append(timestamp + i, ("key-" + i).getBytes(StandardCharsets.UTF_8), value);
        }
        return builder.build().buffer();
    }

    /** Values of every record in the batch, decoded by kafka-clients. */
    public static List<String> values(ByteBuffer batch) {
        List<String> values = new ArrayList<>();
        for (RecordBatch recordBatch : MemoryRecords.readableRecords(batch.duplicate()).batches()) {
            recordBatch.ensureValid();
            for (Record record : recordBatch) {
                byte[] bytes = new byte[record.valueSize()];
                record.value().get(bytes);
                String value = new String(bytes, StandardCharsets.UTF_8);
                int colon = value.indexOf(':');
                values.add(colon >= 0 ? value.substring(0, colon) : value);
            }
        }
        return values;
    }

    /** Offsets of every record in the batch, as kafka-clients reads them. */
    public static List<Long> offsets(ByteBuffer batch) {
        List<Long> offsets = new ArrayList<>();
        for (RecordBatch recordBatch : MemoryRecords.readableRecords(batch.duplicate()).batches()) {
            for (Record record : recordBatch) {
                offsets.add(record.offset());
            }
        }
        return offsets;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
