package dev.sluice.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Test fixture: builds batches with Sluice's and with kafka-clients' builders from the same
 * records, and reads batches with kafka-clients' reader, so tests can compare the two codecs.
 * (kafka-clients 4.x keeps its record classes in {@code org.apache.kafka.common.record.internal}.)
 */
final class KafkaInterop {
    private KafkaInterop() {}

    /** A varied set: null and empty keys and values, headers with null values, non-ASCII keys. */
    static List<Record> sampleRecords() {
        return List.of(
                record(0, 1_700_000_000_000L, "k0", "v0"),
                record(1, 1_700_000_000_005L, null, "value without key"),
                record(2, 1_699_999_999_990L, "tombstone", null),
                record(3, 1_700_000_000_100L, null, null),
                new Record(4, 1_700_000_000_050L, ByteBuffer.allocate(0), ByteBuffer.allocate(0), List.of()),
                new Record(5, 1_700_000_000_060L, utf8("k5"), utf8("v5"), List.of(
                        Record.Header.of("trace-id", utf8Bytes("abc-123")),
                        Record.Header.of("null-valued", null),
                        Record.Header.of("", new byte[0]),
                        Record.Header.of("clé-中文", utf8Bytes("ünïcödé")))),
                new Record(6, 1_700_000_000_070L, utf8("k6"), ByteBuffer.wrap(new byte[3000]), List.of(
                        Record.Header.of("trace-id", utf8Bytes("def-456")))));
    }

    static Record record(long offset, long timestamp, String key, String value) {
        return new Record(offset, timestamp, utf8(key), utf8(value), List.of());
    }

    static ByteBuffer utf8(String text) {
        return text == null ? null : ByteBuffer.wrap(utf8Bytes(text));
    }

    static byte[] utf8Bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The same records with their offsets shifted to start at {@code baseOffset}. */
    static List<Record> withBaseOffset(List<Record> records, long baseOffset) {
        List<Record> shifted = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            shifted.add(new Record(baseOffset + i, r.timestamp(), r.key(), r.value(), r.headers()));
        }
        return shifted;
    }

    /** Builds one batch of {@code records} (offsets ignored) with Sluice's builder. */
    static ByteBuffer buildWithSluice(Compression compression, List<Record> records) {
        RecordBatchBuilder builder = RecordBatchBuilder.create(compression, 0L);
        for (Record r : records) {
            builder.append(r.timestamp(), r.key(), r.value(), r.headers());
        }
        return builder.build();
    }

    /** Builds one CreateTime batch of {@code records} (offsets ignored) with Kafka's builder. */
    static ByteBuffer buildWithKafka(
            org.apache.kafka.common.compress.Compression compression, long baseOffset, List<Record> records) {
        return buildWithKafka(compression, baseOffset, records,
                RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE);
    }

    /** As above, for an idempotent producer. */
    static ByteBuffer buildWithKafka(
            org.apache.kafka.common.compress.Compression compression,
            long baseOffset,
            List<Record> records,
            long producerId,
            short producerEpoch,
            int baseSequence) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256), RecordBatch.MAGIC_VALUE_V2,
                compression, TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP,
                producerId, producerEpoch, baseSequence);
        for (Record r : records) {
            builder.append(r.timestamp(), r.key(), r.value(), toKafka(r.headers()));
        }
        return copyOf(builder.build().buffer());
    }

    /** Validates every batch with Kafka's {@code ensureValid()} and returns all their records. */
    static List<Record> readWithKafka(ByteBuffer buffer) {
        List<Record> records = new ArrayList<>();
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
            batch.ensureValid();
            for (org.apache.kafka.common.record.internal.Record r : batch) {
                records.add(fromKafka(r));
            }
        }
        return records;
    }

    static Record fromKafka(org.apache.kafka.common.record.internal.Record r) {
        List<Record.Header> headers = Arrays.stream(r.headers())
                .map(h -> Record.Header.of(h.key(), h.value()))
                .toList();
        return new Record(r.offset(), r.timestamp(), r.key(), r.value(), headers);
    }

    static org.apache.kafka.common.header.Header[] toKafka(List<Record.Header> headers) {
        return headers.stream()
                .map(h -> new RecordHeader(h.key(), h.value() == null ? null : bytes(h.value())))
                .toArray(org.apache.kafka.common.header.Header[]::new);
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** A heap copy of the remaining bytes, positioned at 0. */
    static ByteBuffer copyOf(ByteBuffer buffer) {
        return ByteBuffer.wrap(bytes(buffer));
    }
}
