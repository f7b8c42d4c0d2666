package dev.sluice.record;

import static dev.sluice.record.KafkaInterop.buildWithSluice;
import static dev.sluice.record.KafkaInterop.sampleRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.record.InvalidBatchException.Reason;
import java.nio.ByteBuffer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RecordBatchDescriptor#check} rejects each broken rule with its reason and the value. */
class RecordBatchDescriptorTest {
    private final ByteBuffer batch = buildWithSluice(Compression.NONE, sampleRecords());
    private final int size = batch.limit();

    private AbstractThrowableAssert<?, ? extends Throwable> assertCheck(int checkedSize, int batchBytesMax, Reason reason) {
        return assertThatThrownBy(() -> RecordBatchDescriptor.check(batch, 0, checkedSize, batchBytesMax))
                .isInstanceOf(InvalidBatchException.class)
                .satisfies(e -> assertThat(((InvalidBatchException) e).reason()).isEqualTo(reason));
    }

    @Test
    void acceptsAWellFormedBatch() {
        assertThatCode(() -> RecordBatchDescriptor.check(batch, 0, size, size)).doesNotThrowAnyException();
    }

    @Test
    void rejectsAFlippedByteInTheRecordsAsCrcMismatch() {
        // given
        long stored = RecordBatchDescriptor.crc(batch, 0);
        int position = RecordBatchDescriptor.RECORDS_OFFSET + 10;
        batch.put(position, (byte) (batch.get(position) ^ 0x01));
        long computed = RecordBatchDescriptor.computeCrc(batch, 0, size);

        // when / then
        assertCheck(size, size, Reason.CRC_MISMATCH)
                .hasMessageContaining(String.format("0x%08x", stored))
                .hasMessageContaining(String.format("0x%08x", computed));
    }

    @Test
    void rejectsAWrongMagicAsBadMagic() {
        // given
        batch.put(RecordBatchDescriptor.MAGIC_OFFSET, (byte) 1);

        // when / then
        assertCheck(size, size, Reason.BAD_MAGIC).hasMessageContaining("magic is 1");
    }

    @Test
    void rejectsATruncatedBatchAsLengthMismatch() {
        assertCheck(size - 1, size, Reason.LENGTH_MISMATCH)
                .hasMessage("batchLength says " + size + " bytes but the batch has " + (size - 1));
    }

    @Test
    void rejectsABatchShorterThanItsHeaderAsTooShort() {
        int truncated = RecordBatchDescriptor.HEADER_BYTES - 1;
        assertCheck(truncated, size, Reason.TOO_SHORT).hasMessageContaining("batch of " + truncated + " bytes");
    }

    @Test
    void acceptsABatchOfExactlyBatchBytesMax() {
        assertThatCode(() -> RecordBatchDescriptor.check(batch, 0, size, size)).doesNotThrowAnyException();
    }

    @Test
    void rejectsABatchOneByteOverBatchBytesMaxAsTooLarge() {
        int batchBytesMax = size - 1;
        assertCheck(size, batchBytesMax, Reason.TOO_LARGE)
                .hasMessage(String.format("batch of %,d bytes exceeds batchBytesMax %,d", size, batchBytesMax));
    }

    @Test
    void rejectsARecordCountThatDisagreesWithLastOffsetDeltaAsBadRecordCount() {
        // given: a count one too high, with the CRC fixed so that only the count is wrong
        int count = sampleRecords().size();
        batch.putInt(RecordBatchDescriptor.RECORD_COUNT_OFFSET, count + 1);
        RecordBatchDescriptor.updateCrc(batch, 0);

        // when / then
        assertCheck(size, size, Reason.BAD_RECORD_COUNT)
                .hasMessageContaining("recordCount " + (count + 1) + " with lastOffsetDelta " + (count - 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 6, 7})
    void rejectsAnUnknownCompressionCodecAsBadCompression(int codec) {
        // given
        batch.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short) codec);
        RecordBatchDescriptor.updateCrc(batch, 0);

        // when / then
        assertCheck(size, size, Reason.BAD_COMPRESSION).hasMessage("compression codec " + codec + " is unknown");
    }

    @Test
    void rejectsUncompressedRecordsThatEndBeforeRecordCountAsBadRecords() {
        // given: count and lastOffsetDelta agree on one record more than the bytes hold
        int count = sampleRecords().size();
        batch.putInt(RecordBatchDescriptor.RECORD_COUNT_OFFSET, count + 1);
        batch.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, count);
        RecordBatchDescriptor.updateCrc(batch, 0);

        // when / then
        assertCheck(size, size, Reason.BAD_RECORDS)
                .hasMessage("recordCount is " + (count + 1) + " but the records end after " + count);
    }

    @Test
    void rejectsUncompressedRecordsWithBytesLeftAfterRecordCountAsBadRecords() {
        // given: count and lastOffsetDelta agree on one record fewer than the bytes hold
        int count = sampleRecords().size();
        batch.putInt(RecordBatchDescriptor.RECORD_COUNT_OFFSET, count - 1);
        batch.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, count - 2);
        RecordBatchDescriptor.updateCrc(batch, 0);

        // when / then
        assertCheck(size, size, Reason.BAD_RECORDS).hasMessageContaining("follow the last of " + (count - 1) + " records");
    }

    @Test
    void rejectsARecordLengthPastTheBatchEndAsBadRecords() {
        // given: the first record's length varint says 63 bytes (zig-zag 126), more than a short batch holds
        ByteBuffer small = RecordBatchBuilder.create(Compression.NONE, 0L).append(new byte[1], new byte[1]).build();
        small.put(RecordBatchDescriptor.RECORDS_OFFSET, (byte) 126);
        RecordBatchDescriptor.updateCrc(small, 0);

        // when / then
        assertThatThrownBy(() -> RecordBatchDescriptor.check(small, 0, small.limit(), small.limit()))
                .isInstanceOfSatisfying(InvalidBatchException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_RECORDS))
                .hasMessageContaining("record 0 declares 63 bytes");
    }

    @Test
    void rejectsARecordLengthOfAGibibyteAsBadRecordsNamingTheLength() {
        // given: a one-record batch whose length varint says 2^30 bytes, followed by 3 bytes
        ByteBuffer header = RecordBatchBuilder.create(Compression.NONE, 0L).append(null, null).build();
        byte[] records = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0, 0, 0};
        ByteBuffer corrupt = ByteBuffer.allocate(RecordBatchDescriptor.HEADER_BYTES + records.length);
        corrupt.put(header.array(), 0, RecordBatchDescriptor.HEADER_BYTES).put(records).flip();
        corrupt.putInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET, corrupt.limit() - RecordBatchDescriptor.LOG_OVERHEAD);
        RecordBatchDescriptor.updateCrc(corrupt, 0);

        // when / then
        assertThatThrownBy(() -> RecordBatchDescriptor.check(corrupt, 0, corrupt.limit(), corrupt.limit()))
                .isInstanceOfSatisfying(InvalidBatchException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_RECORDS))
                .hasMessage("record 0 declares 1073741824 bytes but 3 remain");
    }
}
