package dev.sluice.record;

import static dev.sluice.record.KafkaInterop.utf8Bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The batch header {@link RecordBatchBuilder} writes, and the limits it keeps. */
class RecordBatchBuilderTest {

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP"})
    void writesTheHeaderKafkaWouldWrite(Compression compression) {
        // given
        RecordBatchBuilder builder = RecordBatchBuilder.create(compression, 0L)
                .append(500L, utf8Bytes("a"), utf8Bytes("1"), List.of())
                .append(400L, utf8Bytes("b"), utf8Bytes("2"), List.of())
                .append(900L, utf8Bytes("c"), utf8Bytes("3"), List.of());

        // when
        ByteBuffer batch = builder.build();

        // then
        assertThat(batch.position()).isZero();
        assertThat(batch.limit()).isEqualTo(batch.capacity()).isEqualTo(RecordBatchDescriptor.sizeInBytes(batch, 0));
        RecordBatchDescriptor.check(batch, 0, batch.limit(), batch.limit());
        assertThat(RecordBatchDescriptor.baseOffset(batch, 0)).isZero();
        assertThat(batch.getInt(RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET)).isEqualTo(-1);
        assertThat(RecordBatchDescriptor.magic(batch, 0)).isEqualTo(RecordBatchDescriptor.MAGIC);
        assertThat(RecordBatchDescriptor.attributes(batch, 0)).isEqualTo((short) compression.id());
        assertThat(RecordBatchDescriptor.lastOffsetDelta(batch, 0)).isEqualTo(2);
        assertThat(RecordBatchDescriptor.baseTimestamp(batch, 0)).isEqualTo(500L);
        assertThat(RecordBatchDescriptor.maxTimestamp(batch, 0)).isEqualTo(900L);
        assertThat(RecordBatchDescriptor.producerId(batch, 0)).isEqualTo(RecordBatchBuilder.NO_PRODUCER_ID);
        assertThat(RecordBatchDescriptor.producerEpoch(batch, 0)).isEqualTo(RecordBatchBuilder.NO_PRODUCER_EPOCH);
        assertThat(RecordBatchDescriptor.baseSequence(batch, 0)).isEqualTo(RecordBatchBuilder.NO_SEQUENCE);
        assertThat(RecordBatchDescriptor.recordCount(batch, 0)).isEqualTo(3);
        assertThat(RecordBatchReader.records(batch, 0)).extracting(Record::timestamp).containsExactly(500L, 400L, 900L);
    }

    @Test
    void writesTheProducerStateItIsGiven() {
        // given
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, 10L).producer(123L, (short) 4, 56);

        // when
        ByteBuffer batch = builder.append(null, utf8Bytes("v")).build();

        // then
        assertThat(RecordBatchDescriptor.producerId(batch, 0)).isEqualTo(123L);
        assertThat(RecordBatchDescriptor.producerEpoch(batch, 0)).isEqualTo((short) 4);
        assertThat(RecordBatchDescriptor.baseSequence(batch, 0)).isEqualTo(56);
    }

    @Test
    void givesRecordsAppendedWithoutATimestampTheBuildersTimestamp() {
        // when
        ByteBuffer batch = RecordBatchBuilder.create(Compression.NONE, 1_234L).append(null, null).build();

        // then
        assertThat(RecordBatchReader.records(batch, 0))
                .containsExactly(new Record(0L, 1_234L, null, null, List.of()));
    }

    @Test
    void estimatesTheExactSizeOfAnUncompressedBatch() {
        // given
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, 0L);
        assertThat(builder.estimatedSizeInBytes()).isEqualTo(RecordBatchDescriptor.HEADER_BYTES);
        builder.append(1L, utf8Bytes("key"), new byte[1000], List.of(Record.Header.of("h", utf8Bytes("x"))));
        builder.append(null, null);

        // when
        int estimate = builder.estimatedSizeInBytes();

        // then
        assertThat(builder.recordCount()).isEqualTo(2);
        assertThat(builder.build().limit()).isEqualTo(estimate);
    }

    @Test
    void leavesTheCallersBufferPositionsAlone() {
        // given
        ByteBuffer key = ByteBuffer.wrap(utf8Bytes("xxkey"));
        key.position(2);
        ByteBuffer value = ByteBuffer.wrap(utf8Bytes("value"));

        // when
        ByteBuffer batch = RecordBatchBuilder.create(Compression.NONE, 0L).append(5L, key, value, List.of()).build();

        // then
        assertThat(key.position()).isEqualTo(2);
        assertThat(value.position()).isZero();
        assertThat(RecordBatchReader.records(batch, 0).get(0).key()).isEqualTo(ByteBuffer.wrap(utf8Bytes("key")));
    }

    @Test
    void acceptsARecordThatFillsRecordsBytesMaxExactly() {
        // given: one record of 1 (length) + 8 (body with a 1-byte key and value) = 9 bytes
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, 0L).recordsBytesMax(9);

        // when
        builder.append(new byte[1], new byte[1]);

        // then
        assertThat(builder.estimatedSizeInBytes()).isEqualTo(RecordBatchDescriptor.HEADER_BYTES + 9);
    }

    @Test
    void refusesARecordOneBytePastRecordsBytesMaxAndStaysUsable() {
        // given
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.GZIP, 0L).recordsBytesMax(9 + 8);
        builder.append(new byte[1], new byte[1]);

        // when / then: a second record of 9 bytes needs 18, one more than the limit
        assertThatThrownBy(() -> builder.append(new byte[1], new byte[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a record of 9 bytes after the 9 bytes appended exceeds recordsBytesMax 17");
        assertThat(builder.recordCount()).isEqualTo(1);
        assertThat(RecordBatchReader.records(builder.build(), 0)).hasSize(1);
    }

    @Test
    void refusesToBuildABatchWithoutRecords() {
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, 0L);
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least one record");
    }

    @Test
    void refusesAppendsAndASecondBuildAfterBuilding() {
        // given
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, 0L).append(null, null);
        builder.build();

        // when / then
        assertThatThrownBy(() -> builder.append(null, null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"SNAPPY", "LZ4", "ZSTD"})
    void refusesCodecsItDoesNotImplementByName(Compression compression) {
        assertThatThrownBy(() -> RecordBatchBuilder.create(compression, 0L))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage(compression.name().toLowerCase(java.util.Locale.ROOT)
                        + " compression is not supported by Sluice's codec yet");
    }

    @Test
    void compressesRepetitiveRecordsWithGzip() {
        // given
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.GZIP, 0L);
        for (int i = 0; i < 100; i++) {
            builder.append(utf8Bytes("key"), new byte[1000]);
        }
        int uncompressed = builder.estimatedSizeInBytes();

        // when
        ByteBuffer batch = builder.build();

        // then
        assertThat(batch.limit()).isLessThan(uncompressed / 10);
        assertThat(RecordBatchReader.records(batch, 0)).hasSize(100);
    }
}
