package dev.sluice.record;

import static dev.sluice.record.KafkaInterop.buildWithSluice;
import static dev.sluice.record.KafkaInterop.sampleRecords;
import static dev.sluice.record.KafkaInterop.utf8Bytes;
import static dev.sluice.record.KafkaInterop.withBaseOffset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.record.InvalidBatchException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link RecordBatchReader}: offsets, timestamps, time lookups, and refusing corrupt input. */
class RecordBatchReaderTest {

    private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(Executable read, Reason reason) {
        return assertThatThrownBy(read::execute)
                .isInstanceOfSatisfying(InvalidBatchException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    /** A batch with timestamps 100, 50, 200, 150 at offsets 0..3. */
    private static ByteBuffer timedBatch(Compression compression) {
        return RecordBatchBuilder.create(compression, 0L)
                .append(100L, null, utf8Bytes("a"), List.of())
                .append(50L, null, utf8Bytes("b"), List.of())
                .append(200L, null, utf8Bytes("c"), List.of())
                .append(150L, null, utf8Bytes("d"), List.of())
                .build();
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP"})
    void readsAbsoluteOffsetsAfterTheLogPatchesBaseOffset(Compression compression) {
        // given: baseOffset is outside the CRC, so a log may set it without re-checksumming
        ByteBuffer batch = buildWithSluice(compression, sampleRecords());
        RecordBatchDescriptor.baseOffset(batch, 0, 5_000L);

        // when
        List<Record> records = RecordBatchReader.records(batch, 0);

        // then
        RecordBatchDescriptor.check(batch, 0, batch.limit(), batch.limit());
        assertThat(records).isEqualTo(withBaseOffset(sampleRecords(), 5_000L));
    }

    @Test
    void readsABatchThatStartsInsideALargerBuffer() {
        // given: two batches back to back, the second at a non-zero start
        ByteBuffer first = buildWithSluice(Compression.NONE, sampleRecords());
        ByteBuffer second = buildWithSluice(Compression.GZIP, sampleRecords().subList(0, 2));
        ByteBuffer log = ByteBuffer.allocate(first.limit() + second.limit()).put(first).put(second).flip();

        // when
        List<Record> records = RecordBatchReader.records(log, first.limit());

        // then
        assertThat(records).isEqualTo(sampleRecords().subList(0, 2));
        assertThat(log.position()).isZero();
        assertThat(log.limit()).isEqualTo(log.capacity());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP"})
    void findsTheFirstOffsetWhoseTimestampIsAtOrAfterTheTarget(Compression compression) {
        // given
        ByteBuffer batch = timedBatch(compression);
        RecordBatchDescriptor.baseOffset(batch, 0, 10L);

        // when / then
        assertThat(RecordBatchReader.firstOffsetAtOrAfter(batch, 0, Long.MIN_VALUE)).isEqualTo(10L);
        assertThat(RecordBatchReader.firstOffsetAtOrAfter(batch, 0, 100L)).isEqualTo(10L);
        assertThat(RecordBatchReader.firstOffsetAtOrAfter(batch, 0, 101L)).isEqualTo(12L);
        assertThat(RecordBatchReader.firstOffsetAtOrAfter(batch, 0, 150L)).isEqualTo(12L);
        assertThat(RecordBatchReader.firstOffsetAtOrAfter(batch, 0, 200L)).isEqualTo(12L);
        assertThat(RecordBatchReader.firstOffsetAtOrAfter(batch, 0, 201L)).isEqualTo(-1L);
    }

    @Test
    void decompressesARecordsSectionOfExactlyRecordsBytesMax() {
        // given
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.GZIP, 0L);
        builder.append(utf8Bytes("key"), new byte[10_000]);
        int recordsBytes = builder.estimatedSizeInBytes() - RecordBatchDescriptor.HEADER_BYTES;
        ByteBuffer batch = builder.build();

        // when / then
        assertThat(RecordBatchReader.records(batch, 0, recordsBytes)).hasSize(1);
    }

    @Test
    void refusesARecordsSectionThatDecompressesOneBytePastRecordsBytesMax() {
        // given
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.GZIP, 0L);
        builder.append(utf8Bytes("key"), new byte[10_000]);
        int recordsBytesMax = builder.estimatedSizeInBytes() - RecordBatchDescriptor.HEADER_BYTES - 1;
        ByteBuffer batch = builder.build();

        // when / then
        assertInvalid(() -> RecordBatchReader.records(batch, 0, recordsBytesMax), Reason.BAD_RECORDS)
                .hasMessageContaining(String.format("more than recordsBytesMax %,d", recordsBytesMax));
    }

    @Test
    void refusesAGzipBombPastTheDefaultLimitThatCheckCannotSee() throws IOException {
        // given: a batch whose gzip records section inflates to 80 MiB of zeros from about 80 KiB
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 80; i++) {
                gzip.write(zeros);
            }
        }
        ByteBuffer batch = withRecordsSection(Compression.GZIP, compressed.toByteArray());
        RecordBatchDescriptor.check(batch, 0, batch.limit(), batch.limit());

        // when / then
        assertInvalid(() -> RecordBatchReader.records(batch, 0), Reason.BAD_RECORDS)
                .hasMessageContaining("more than recordsBytesMax 67,108,864");
        assertInvalid(() -> RecordBatchReader.firstOffsetAtOrAfter(batch, 0, 0L), Reason.BAD_RECORDS);
    }

    /** A one-record batch header, CRC fixed, followed by {@code records} as its records section. */
    private static ByteBuffer withRecordsSection(Compression compression, byte[] records) {
        ByteBuffer header = RecordBatchBuilder.create(Compression.NONE, 0L).append(null, null).build();
        ByteBuffer batch = ByteBuffer.allocate(RecordBatchDescriptor.HEADER_BYTES + records.length);
        batch.put(header.array(), 0, RecordBatchDescriptor.HEADER_BYTES).put(records).flip();
        batch.putInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET, batch.limit() - RecordBatchDescriptor.LOG_OVERHEAD);
        batch.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short) compression.id());
        RecordBatchDescriptor.updateCrc(batch, 0);
        return batch;
    }

    @Test
    void refusesAKeyLengthThatRunsPastItsRecord() {
        // given: one record whose key length varint (after length, attributes, timestampDelta,
        // offsetDelta) says 2^30 bytes; an allocation sized from it would be 1 GiB
        ByteBuffer batch = RecordBatchBuilder.create(Compression.NONE, 0L).append(new byte[1], new byte[1]).build();
        ByteBuffer corrupt = ByteBuffer.allocate(batch.limit() + 4);
        corrupt.put(batch.array(), 0, RecordBatchDescriptor.RECORDS_OFFSET + 4);
        corrupt.put(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08});
        corrupt.put(batch.array(), RecordBatchDescriptor.RECORDS_OFFSET + 5, batch.limit() - RecordBatchDescriptor.RECORDS_OFFSET - 5);
        corrupt.putInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET, corrupt.capacity() - RecordBatchDescriptor.LOG_OVERHEAD);
        corrupt.put(RecordBatchDescriptor.RECORDS_OFFSET, (byte) (2 * 12)); // record length 12

        // when / then
        assertInvalid(() -> RecordBatchReader.records(corrupt.flip(), 0), Reason.BAD_RECORDS)
                .hasMessageContaining("declares a key of 1073741824 bytes");
    }

    @Test
    void refusesAHeaderCountTheRecordCannotHold() {
        // given: the header count varint, the last byte of a record without headers, says 63
        ByteBuffer batch = RecordBatchBuilder.create(Compression.NONE, 0L).append(new byte[1], new byte[1]).build();
        batch.put(batch.limit() - 1, (byte) 126);

        // when / then
        assertInvalid(() -> RecordBatchReader.records(batch, 0), Reason.BAD_RECORDS)
                .hasMessageContaining("declares 63 headers in 0 bytes");
    }

    @Test
    void refusesABatchLengthPastTheBufferAsLengthMismatch() {
        // given
        ByteBuffer batch = buildWithSluice(Compression.NONE, sampleRecords());
        ByteBuffer truncated = batch.duplicate().limit(batch.limit() - 1);

        // when / then
        assertInvalid(() -> RecordBatchReader.records(truncated, 0), Reason.LENGTH_MISMATCH)
                .hasMessageContaining("batchLength says " + batch.limit() + " bytes");
    }

    @Test
    void refusesABufferShorterThanTheHeaderAsTooShort() {
        ByteBuffer shortBuffer = ByteBuffer.allocate(RecordBatchDescriptor.HEADER_BYTES - 1);
        assertInvalid(() -> RecordBatchReader.records(shortBuffer, 0), Reason.TOO_SHORT)
                .hasMessageContaining("buffer holds 60 bytes");
    }

    @Test
    void refusesAWrongMagicAsBadMagic() {
        ByteBuffer batch = buildWithSluice(Compression.NONE, sampleRecords());
        batch.put(RecordBatchDescriptor.MAGIC_OFFSET, (byte) 0);
        assertInvalid(() -> RecordBatchReader.records(batch, 0), Reason.BAD_MAGIC).hasMessageContaining("magic is 0");
    }

    @Test
    void refusesAnUnknownCodecAsBadCompression() {
        ByteBuffer batch = buildWithSluice(Compression.NONE, sampleRecords());
        batch.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short) 6);
        assertInvalid(() -> RecordBatchReader.records(batch, 0), Reason.BAD_COMPRESSION)
                .hasMessage("compression codec 6 is unknown");
    }

    @Test
    void refusesOffsetDeltasThatDoNotRise() {
        // given: two records, the second's offsetDelta (after length, attributes, timestampDelta) set to 0
        ByteBuffer batch = RecordBatchBuilder.create(Compression.NONE, 0L)
                .append(null, null)
                .append(null, null)
                .build();
        int secondRecord = RecordBatchDescriptor.RECORDS_OFFSET + 1 + batch.get(RecordBatchDescriptor.RECORDS_OFFSET) / 2;
        batch.put(secondRecord + 3, (byte) 0);

        // when / then
        assertInvalid(() -> RecordBatchReader.records(batch, 0), Reason.BAD_RECORDS)
                .hasMessageContaining("record 1 has offsetDelta 0 after 0");
    }

    @Test
    void refusesCorruptGzipAsBadRecords() {
        // given: a byte in the middle of the compressed stream flipped
        ByteBuffer batch = buildWithSluice(Compression.GZIP, sampleRecords());
        int position = RecordBatchDescriptor.RECORDS_OFFSET + 20;
        batch.put(position, (byte) ~batch.get(position));

        // when / then
        assertInvalid(() -> RecordBatchReader.records(batch, 0), Reason.BAD_RECORDS);
    }

    @Test
    void recordsAreCopiesThatIgnoreLaterWritesToTheBatch() {
        // given
        ByteBuffer batch = buildWithSluice(Compression.NONE, sampleRecords());
        List<Record> records = RecordBatchReader.records(batch, 0);

        // when
        batch.put(RecordBatchDescriptor.HEADER_BYTES, new byte[batch.limit() - RecordBatchDescriptor.HEADER_BYTES]);

        // then
        assertThat(records).isEqualTo(sampleRecords());
        assertThat(records.get(0).key().isReadOnly()).isTrue();
    }
}
