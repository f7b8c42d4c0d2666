package dev.sluice.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.sluice.record.Compression;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.record.RecordBatchDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LogEntryDescriptor}: an entry written around a batch checks clean, and each broken rule
 * gives its reason. The entry starts at byte 7 of a larger buffer, so absolute and relative
 * positions differ.
 */
class LogEntryDescriptorTest {
    private static final byte[] TOPIC = "orders.eu-west".getBytes(StandardCharsets.US_ASCII);
    private static final int QUEUE = 3;
    private static final int START = 7;
    private static final int HEADER_BYTES = 16 + TOPIC.length;
    private static final int BATCH_START = START + HEADER_BYTES;
    private static final long BASE_OFFSET = 4_242;

    private final ByteBuffer batch = RecordBatchBuilder.create(Compression.NONE, 1_700_000_000_000L)
            .append("k1".getBytes(StandardCharsets.UTF_8), "first".getBytes(StandardCharsets.UTF_8))
            .append("k2".getBytes(StandardCharsets.UTF_8), "second".getBytes(StandardCharsets.UTF_8))
            .build();
    private final int entryBytes = HEADER_BYTES + batch.limit();
    private final int end = START + entryBytes;
    private final int entryBytesMax = entryBytes + 1_000;
    /** The segment around the entry: 7 bytes before it, 64 zero bytes after it. */
    private final ByteBuffer buffer = entry();

    private ByteBuffer entry() {
        ByteBuffer segment = ByteBuffer.allocate(START + entryBytes + 64);
        segment.put(BATCH_START, batch, 0, batch.limit());
        RecordBatchDescriptor.baseOffset(segment, BATCH_START, BASE_OFFSET);
        LogEntryDescriptor.writeHeader(segment, START, entryBytes, TOPIC, QUEUE);
        return segment;
    }

    private String check() {
        return LogEntryDescriptor.check(buffer, START, end, entryBytesMax);
    }

    private void flip(int position) {
        buffer.put(position, (byte) (buffer.get(position) ^ 0x01));
    }

    /** The header CRC over the bytes it covers: from the entry magic to the batch's attributes. */
    private int headerCrcOfBytes() {
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), START + 8, HEADER_BYTES - 8 + RecordBatchDescriptor.ATTRIBUTES_OFFSET);
        return (int) crc.getValue();
    }

    @Test
    void anEntryWrittenAroundABatchPassesItsCheck() {
        assertThat(check()).isNull();
        assertThat(LogEntryDescriptor.check(buffer, START, buffer.limit(), entryBytes)).isNull();
    }

    @Test
    void writeHeaderLaysOutEveryField() {
        assertThat(LogEntryDescriptor.entryBytes(buffer, START)).isEqualTo(entryBytes);
        assertThat(buffer.get(START + LogEntryDescriptor.ENTRY_MAGIC_OFFSET)).isEqualTo((byte) 1);
        assertThat(buffer.get(START + LogEntryDescriptor.FLAGS_OFFSET)).isZero();
        assertThat(LogEntryDescriptor.topicLength(buffer, START)).isEqualTo(14);
        assertThat(LogEntryDescriptor.queue(buffer, START)).isEqualTo(3);
        assertThat(LogEntryDescriptor.topic(buffer, START)).isEqualTo("orders.eu-west");
        assertThat(LogEntryDescriptor.headerBytes(14)).isEqualTo(30);
        assertThat(buffer.getInt(START + LogEntryDescriptor.HEADER_CRC_OFFSET)).isEqualTo(headerCrcOfBytes());
        assertThat(RecordBatchDescriptor.baseOffset(buffer, BATCH_START)).isEqualTo(4_242);
        assertThat(buffer.get(START - 1)).as("nothing written before the entry").isZero();
    }

    @Test
    void rejectsFewerBytesThanAnEntryHeader() {
        assertThat(LogEntryDescriptor.check(buffer, START, START + 15, entryBytesMax))
                .isEqualTo("only 15 bytes remain, less than an entry header");
    }

    @Test
    void rejectsZeroEntryBytesWhereTheWrittenPartOfASegmentEnds() {
        assertThat(LogEntryDescriptor.check(buffer, end, buffer.limit(), entryBytesMax))
                .isEqualTo("entryBytes 0 is outside [77, " + entryBytesMax + "]");
    }

    @Test
    void rejectsEntryBytesTooSmallForAHeaderAndABatchHeader() {
        // given
        buffer.putInt(START, 76);

        // when / then
        assertThat(check()).isEqualTo("entryBytes 76 is outside [77, " + entryBytesMax + "]");
    }

    @Test
    void rejectsEntryBytesAboveTheMaximum() {
        assertThat(LogEntryDescriptor.check(buffer, START, end, entryBytes - 1))
                .isEqualTo("entryBytes " + entryBytes + " is outside [77, " + (entryBytes - 1) + "]");
    }

    @Test
    void rejectsAnEntryRunningPastTheEnd() {
        assertThat(LogEntryDescriptor.check(buffer, START, end - 1, entryBytesMax))
                .isEqualTo("entryBytes " + entryBytes + " runs past the segment's end (" + (entryBytes - 1)
                        + " bytes remain)");
    }

    @Test
    void rejectsABadEntryMagic() {
        // given
        buffer.put(START + LogEntryDescriptor.ENTRY_MAGIC_OFFSET, (byte) 2);

        // when / then
        assertThat(check()).isEqualTo("entry magic is 2, expected 1");
    }

    @Test
    void rejectsATopicLengthTheEntryCannotHold() {
        // given
        buffer.putShort(START + LogEntryDescriptor.TOPIC_LENGTH_OFFSET, (short) entryBytes);

        // when / then
        assertThat(check()).isEqualTo("topicLength " + entryBytes + " does not fit an entry of " + entryBytes + " bytes");
    }

    @Test
    void rejectsAnEmptyTopic() {
        // given
        buffer.putShort(START + LogEntryDescriptor.TOPIC_LENGTH_OFFSET, (short) 0);

        // when / then
        assertThat(check()).isEqualTo("topicLength 0 does not fit an entry of " + entryBytes + " bytes");
    }

    @Test
    void rejectsAFlippedTopicByteAsAHeaderCrcMismatch() {
        // given
        int stored = buffer.getInt(START + LogEntryDescriptor.HEADER_CRC_OFFSET);
        flip(START + LogEntryDescriptor.TOPIC_OFFSET + 5);

        // when / then
        assertThat(check()).isEqualTo(String.format("header crc is 0x%08x but the header's bytes give 0x%08x", stored,
                headerCrcOfBytes()));
    }

    @Test
    void rejectsAFlippedBaseOffsetByteThroughTheHeaderCrcThatTheBatchCrcMisses() {
        // given
        int stored = buffer.getInt(START + LogEntryDescriptor.HEADER_CRC_OFFSET);
        flip(BATCH_START + RecordBatchDescriptor.BASE_OFFSET_OFFSET + 7);

        // when / then
        assertThat(RecordBatchDescriptor.baseOffset(buffer, BATCH_START)).isEqualTo(4_243);
        assertThatCode(() -> RecordBatchDescriptor.check(buffer, BATCH_START, batch.limit(), batch.limit()))
                .as("the batch's own crc does not cover its base offset")
                .doesNotThrowAnyException();
        assertThat(check()).isEqualTo(String.format("header crc is 0x%08x but the header's bytes give 0x%08x", stored,
                headerCrcOfBytes()));
    }

    /** Every byte from the flags to the batch's last CRC byte is covered by the header CRC. */
    @ParameterizedTest
    @ValueSource(ints = {9, 12, 15, 16, 29, 30, 37, 38, 42, 46, 47, 50})
    void headerCrcCoversTheHeaderAndTheBatchPrefix(int entryByte) {
        // given (30 is the batch start; 30 + 21 = 51 is the batch's attributes)
        flip(START + entryByte);

        // when / then
        assertThat(check()).startsWith("header crc is 0x");
    }

    /** From the attributes on, the batch's own CRC catches damage. */
    @ParameterizedTest
    @ValueSource(ints = {51, 53, 60, 87, 91})
    void batchCrcCoversEverythingAfterTheBatchPrefix(int entryByte) {
        // given
        flip(START + entryByte);

        // when / then
        assertThat(check()).startsWith("batch: crc is 0x");
    }

    @Test
    void lastByteOfTheEntryIsCoveredByTheBatchCrc() {
        // given
        flip(end - 1);

        // when / then
        assertThat(check()).startsWith("batch: crc is 0x");
    }
}
