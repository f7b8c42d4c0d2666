package dev.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link StorageConfig}: production defaults, and each limit refused with its key, value and rule. */
class StorageConfigTest {
    private static final Path DIRECTORY = Path.of("data");
    private static final int HEADER_MAX = StorageConfig.ENTRY_HEADER_BYTES_MAX;

    private static StorageConfig.Builder builder() {
        return StorageConfig.builder(DIRECTORY);
    }

    /** The message the config gives for a broken rule; the value is grouped as {@code %,d} formats it. */
    private static String message(String key, long value, String rule) {
        return String.format("%s is %,d; it must be %s", key, value, rule);
    }

    @Test
    void entryHeaderMaxIsTheFixedHeaderPlusTheLongestTopic() {
        assertThat(StorageConfig.ENTRY_HEADER_BYTES_MAX).isEqualTo(16 + 249);
    }

    @Test
    void defaultsAreValidAndDurable() {
        // when
        StorageConfig config = builder().build();

        // then
        assertThat(config.directory()).isEqualTo(DIRECTORY);
        assertThat(config.flushPolicy()).isEqualTo(FlushPolicy.SYNC);
        assertThat(config.segmentBytes()).isEqualTo(1L << 30);
        assertThat(config.batchBytesMax()).isEqualTo(1 << 20);
        assertThat(config.writeBufferBytes()).isEqualTo(4 << 20);
        assertThat(config.indexSegmentEntries()).isEqualTo(65_536);
        assertThat(config.retentionMs()).isEqualTo(7L * 24 * 3600 * 1000);
        assertThat(config.retentionBytes()).isEqualTo(-1);
        assertThat(config.segmentZeroFill()).isTrue();
        assertThat(config.entryBytesMax()).isEqualTo((1 << 20) + HEADER_MAX);
    }

    @Test
    void zeroFillIsOffByDefaultUnderAsyncFlush() {
        assertThat(builder().flushPolicy(FlushPolicy.ASYNC).build().segmentZeroFill()).isFalse();
    }

    @Test
    void explicitZeroFillOverridesTheFlushPolicyDefault() {
        assertThat(builder().flushPolicy(FlushPolicy.ASYNC).segmentZeroFill(true).build().segmentZeroFill()).isTrue();
        assertThat(builder().flushPolicy(FlushPolicy.SYNC).segmentZeroFill(false).build().segmentZeroFill()).isFalse();
    }

    @Test
    void acceptsTheSmallestSegmentWithABatchThatJustFits() {
        // given
        long segmentBytes = StorageConfig.SEGMENT_BYTES_MIN;

        // when
        StorageConfig config = builder().segmentBytes(segmentBytes).batchBytesMax((int) segmentBytes - HEADER_MAX).build();

        // then
        assertThat(config.segmentBytes()).isEqualTo(65_536);
        assertThat(config.entryBytesMax()).isEqualTo(65_536);
    }

    @Test
    void rejectsASegmentOneByteBelowTheMinimum() {
        assertThatThrownBy(() -> builder().segmentBytes(StorageConfig.SEGMENT_BYTES_MIN - 1).batchBytesMax(1024).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message("segmentBytes", 65_535, "between 65536 and 2147483647"));
    }

    @Test
    void acceptsTheLargestSegmentAMappingCanHold() {
        assertThat(builder().segmentBytes(StorageConfig.SEGMENT_BYTES_MAX).build().segmentBytes())
                .isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void rejectsASegmentOneByteAboveTheMaximum() {
        assertThatThrownBy(() -> builder().segmentBytes(StorageConfig.SEGMENT_BYTES_MAX + 1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message("segmentBytes", 2_147_483_648L, "between 65536 and 2147483647"));
    }

    @Test
    void rejectsABatchLimitThatLeavesNoRoomForTheEntryHeader() {
        // given a segment of 65,536 bytes: the largest batch is 65,536 - 265 = 65,271
        StorageConfig.Builder builder = builder().segmentBytes(65_536).batchBytesMax(65_272);

        // when / then
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message("batchBytesMax", 65_272, "at most segmentBytes - 265 (65536)"));
    }

    @Test
    void acceptsABatchLimitOfOneBatchHeader() {
        assertThat(builder().batchBytesMax(61).build().batchBytesMax()).isEqualTo(61);
    }

    @Test
    void rejectsABatchLimitBelowOneBatchHeader() {
        assertThatThrownBy(() -> builder().batchBytesMax(60).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message("batchBytesMax", 60, "at least 61 (one batch header)"));
    }

    @Test
    void acceptsAWriteBufferHoldingExactlyTheLargestEntry() {
        // given
        int batchBytesMax = 16 * 1024;

        // when
        StorageConfig config = builder().batchBytesMax(batchBytesMax).writeBufferBytes(batchBytesMax + HEADER_MAX).build();

        // then
        assertThat(config.writeBufferBytes()).isEqualTo(16_649).isEqualTo(config.entryBytesMax());
    }

    @Test
    void rejectsAWriteBufferOneByteSmallerThanTheLargestEntry() {
        assertThatThrownBy(() -> builder().batchBytesMax(16 * 1024).writeBufferBytes(16_648).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message("writeBufferBytes", 16_648, "at least batchBytesMax + 265"));
    }

    @Test
    void rejectsTheDefaultWriteBufferWhenTheBatchLimitOutgrowsIt() {
        // given the default 4 MiB write buffer and a larger batch limit
        StorageConfig.Builder builder = builder().batchBytesMax(4 << 20);

        // when / then
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message("writeBufferBytes", 4 << 20, "at least batchBytesMax + 265"));
    }

    @Test
    void acceptsMinusOneAsKeepAllForRetentionTime() {
        assertThat(builder().retentionMs(-1).build().retentionMs()).isEqualTo(-1);
    }

    @Test
    void acceptsOneMillisecondRetention() {
        assertThat(builder().retentionMs(1).build().retentionMs()).isEqualTo(1);
    }

    @Test
    void rejectsZeroRetentionTime() {
        assertThatThrownBy(() -> builder().retentionMs(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message("retentionMs", 0, "positive or -1 (keep all)"));
    }

    @Test
    void rejectsRetentionTimeBelowMinusOne() {
        assertThatThrownBy(() -> builder().retentionMs(-2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message("retentionMs", -2, "positive or -1 (keep all)"));
    }

    @Test
    void acceptsSixteenEntriesPerIndexFile() {
        assertThat(builder().indexSegmentEntries(16).build().indexSegmentEntries()).isEqualTo(16);
    }

    @Test
    void rejectsFifteenEntriesPerIndexFile() {
        assertThatThrownBy(() -> builder().indexSegmentEntries(15).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message("indexSegmentEntries", 15, INDEX_RULE));
    }

    @Test
    void acceptsTheLargestMappableIndexFileAndRejectsOneEntryMore() {
        int max = StorageConfig.INDEX_SEGMENT_ENTRIES_MAX;
        assertThat(builder().indexSegmentEntries(max).build().indexSegmentEntries()).isEqualTo(max);
        assertThatThrownBy(() -> builder().indexSegmentEntries(max + 1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message("indexSegmentEntries", max + 1, INDEX_RULE));
    }

    private static final String INDEX_RULE =
            "between 16 and " + StorageConfig.INDEX_SEGMENT_ENTRIES_MAX + " (a mapping of 32-byte entries)";

    @Test
    void rejectsAMissingDirectory() {
        assertThatThrownBy(() -> StorageConfig.builder(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("directory");
    }
}
