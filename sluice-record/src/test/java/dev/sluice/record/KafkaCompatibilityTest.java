package dev.sluice.record;

import static dev.sluice.record.KafkaInterop.buildWithKafka;
import static dev.sluice.record.KafkaInterop.buildWithSluice;
import static dev.sluice.record.KafkaInterop.readWithKafka;
import static dev.sluice.record.KafkaInterop.sampleRecords;
import static dev.sluice.record.KafkaInterop.withBaseOffset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Proves Sluice's codec against kafka-clients 4.4.0, in both directions. */
class KafkaCompatibilityTest {
    private static final long BASE_OFFSET = 1_000L;

    private static org.apache.kafka.common.compress.Compression kafkaCompression(String name) {
        return org.apache.kafka.common.compress.Compression.of(name).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void kafkaBuiltBatchPassesCheck(String codec) {
        // given
        ByteBuffer batch = buildWithKafka(kafkaCompression(codec), BASE_OFFSET, sampleRecords());

        // when / then
        RecordBatchDescriptor.check(batch, 0, batch.limit(), batch.limit());
        assertThat(RecordBatchDescriptor.compression(batch, 0)).isEqualTo(Compression.valueOf(codec.toUpperCase(java.util.Locale.ROOT)).id());
        assertThat(RecordBatchDescriptor.recordCount(batch, 0)).isEqualTo(sampleRecords().size());
        assertThat(RecordBatchDescriptor.baseOffset(batch, 0)).isEqualTo(BASE_OFFSET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip"})
    void readerReturnsExactlyTheRecordsKafkaWrote(String codec) {
        // given
        ByteBuffer batch = buildWithKafka(kafkaCompression(codec), BASE_OFFSET, sampleRecords());
        List<Record> kafkaView = readWithKafka(batch);

        // when
        List<Record> records = RecordBatchReader.records(batch, 0);

        // then
        assertThat(records).isEqualTo(withBaseOffset(sampleRecords(), BASE_OFFSET)).isEqualTo(kafkaView);
    }

    @ParameterizedTest
    @ValueSource(strings = {"snappy", "lz4", "zstd"})
    void readerRefusesCodecsItDoesNotImplementByName(String codec) {
        // given
        ByteBuffer batch = buildWithKafka(kafkaCompression(codec), BASE_OFFSET, sampleRecords());

        // when / then
        assertThatThrownBy(() -> RecordBatchReader.records(batch, 0))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage(codec + " compression is not supported by Sluice's codec yet");
    }

    @Test
    void descriptorReadsTheProducerStateKafkaWrote() {
        // given
        ByteBuffer batch = buildWithKafka(kafkaCompression("gzip"), BASE_OFFSET, sampleRecords(),
                4_242L, (short) 7, 99);

        // when / then
        RecordBatchDescriptor.check(batch, 0, batch.limit(), batch.limit());
        assertThat(RecordBatchDescriptor.producerId(batch, 0)).isEqualTo(4_242L);
        assertThat(RecordBatchDescriptor.producerEpoch(batch, 0)).isEqualTo((short) 7);
        assertThat(RecordBatchDescriptor.baseSequence(batch, 0)).isEqualTo(99);
        assertThat(RecordBatchDescriptor.lastOffsetDelta(batch, 0)).isEqualTo(sampleRecords().size() - 1);
        assertThat(RecordBatchDescriptor.baseTimestamp(batch, 0)).isEqualTo(sampleRecords().get(0).timestamp());
        assertThat(RecordBatchDescriptor.maxTimestamp(batch, 0)).isEqualTo(1_700_000_000_100L);
    }

    @Test
    void readerGivesEveryRecordTheBatchTimeOfALogAppendTimeBatch() {
        // given
        long logAppendTime = 1_800_000_000_000L;
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256), RecordBatch.MAGIC_VALUE_V2,
                kafkaCompression("none"), TimestampType.LOG_APPEND_TIME, 0L, logAppendTime);
        builder.append(1L, KafkaInterop.utf8Bytes("a"), KafkaInterop.utf8Bytes("1"));
        builder.append(2L, KafkaInterop.utf8Bytes("b"), KafkaInterop.utf8Bytes("2"));
        ByteBuffer batch = KafkaInterop.copyOf(builder.build().buffer());

        // when
        List<Record> records = RecordBatchReader.records(batch, 0);

        // then
        assertThat(records).extracting(Record::timestamp).containsExactly(logAppendTime, logAppendTime);
        assertThat(records).isEqualTo(readWithKafka(batch));
    }

    @Test
    void readerReturnsNoRecordsForAnEmptyBatchKafkaKeepsAfterCompaction() {
        // given
        ByteBuffer batch = ByteBuffer.allocate(RecordBatchDescriptor.HEADER_BYTES);
        DefaultRecordBatch.writeEmptyHeader(batch, RecordBatch.MAGIC_VALUE_V2, 5L, (short) 1, 10,
                BASE_OFFSET, BASE_OFFSET + 4, 3, TimestampType.CREATE_TIME, 1_700_000_000_000L, false, false);
        batch.flip();

        // when / then
        assertThat(RecordBatchReader.records(batch, 0)).isEmpty();
        assertThat(RecordBatchReader.firstOffsetAtOrAfter(batch, 0, 0L)).isEqualTo(-1L);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP"})
    void kafkaReadsExactlyTheRecordsSluiceBuilt(Compression compression) {
        // given
        ByteBuffer batch = buildWithSluice(compression, sampleRecords());

        // when
        List<MutableRecordBatch> batches = new ArrayList<>();
        MemoryRecords.readableRecords(batch.duplicate()).batches().forEach(batches::add);

        // then
        assertThat(batches).hasSize(1);
        MutableRecordBatch kafkaBatch = batches.get(0);
        kafkaBatch.ensureValid();
        assertThat(kafkaBatch.isValid()).isTrue();
        assertThat((int) kafkaBatch.compressionType().id).isEqualTo(compression.id());
        assertThat(kafkaBatch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(kafkaBatch.baseOffset()).isZero();
        assertThat(kafkaBatch.lastOffset()).isEqualTo(sampleRecords().size() - 1);
        assertThat(kafkaBatch.partitionLeaderEpoch()).isEqualTo(RecordBatch.NO_PARTITION_LEADER_EPOCH);
        assertThat(kafkaBatch.hasProducerId()).isFalse();
        assertThat(kafkaBatch.maxTimestamp()).isEqualTo(1_700_000_000_100L);
        assertThat(kafkaBatch.countOrNull()).isEqualTo(sampleRecords().size());
        assertThat(readWithKafka(batch)).isEqualTo(sampleRecords());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP"})
    void kafkaReadsTheProducerStateSluiceWrote(Compression compression) {
        // given
        ByteBuffer batch = RecordBatchBuilder.create(compression, 1_700_000_000_000L)
                .producer(77L, (short) 3, 1_000)
                .append(KafkaInterop.utf8Bytes("k"), KafkaInterop.utf8Bytes("v"))
                .append(null, KafkaInterop.utf8Bytes("w"))
                .build();

        // when
        MutableRecordBatch kafkaBatch = MemoryRecords.readableRecords(batch).batches().iterator().next();

        // then
        kafkaBatch.ensureValid();
        assertThat(kafkaBatch.producerId()).isEqualTo(77L);
        assertThat(kafkaBatch.producerEpoch()).isEqualTo((short) 3);
        assertThat(kafkaBatch.baseSequence()).isEqualTo(1_000);
        assertThat(kafkaBatch.lastSequence()).isEqualTo(1_001);
        assertThat(kafkaBatch.isTransactional()).isFalse();
    }

    @Test
    void uncompressedBatchIsByteForByteWhatKafkaBuilds() {
        // given
        ByteBuffer kafka = buildWithKafka(kafkaCompression("none"), 0L, sampleRecords());

        // when
        ByteBuffer sluice = buildWithSluice(Compression.NONE, sampleRecords());

        // then
        assertThat(sluice).isEqualTo(kafka);
    }
}
