package dev.sluice.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link IndexSegment}: a memory-mapped file of fixed 32-byte entries, one per batch. */
class IndexSegmentTest {
    private static final int CHUNK_ENTRIES = IndexSegment.ALLOCATION_CHUNK_BYTES / IndexSegment.ENTRY_BYTES;

    @TempDir
    Path directory;

    /**
     * Three batches of 3, 7 and 5 records from offset 100, at log positions 0, 100 and 250, with
     * running max timestamps 10, 20 and 20.
     */
    private IndexSegment threeEntries() throws IOException {
        IndexSegment segment = IndexSegment.create(directory, 100, 16);
        segment.allocate(3);
        segment.append(100, 0, 10, 100, 3);
        segment.append(103, 100, 20, 150, 7);
        segment.append(110, 250, 20, 80, 5);
        return segment;
    }

    /** {@code count} entries of 2 records each from offset 0, entry i at log position 100 * i. */
    private IndexSegment filled(int capacity, int count) throws IOException {
        IndexSegment segment = IndexSegment.create(directory, 0, capacity);
        segment.allocate(count);
        for (int i = 0; i < count; i++) {
            segment.append(2L * i, 100L * i, 1_000L + i, 100, 2);
        }
        return segment;
    }

    @Test
    void namesTheFileByItsBaseOffsetInTwentyDigits() throws IOException {
        // when
        IndexSegment segment = IndexSegment.create(directory, 4_242, 16);

        // then
        assertThat(segment.path().getFileName().toString()).isEqualTo("00000000000000004242.index");
        assertThat(IndexSegment.baseOffsetOf(segment.path())).isEqualTo(4_242);
        assertThat(Files.size(segment.path())).isEqualTo(16 * 32);
    }

    @Test
    void storesEveryFieldOfAnAppendedEntry() throws IOException {
        // when
        IndexSegment segment = threeEntries();

        // then
        assertThat(segment.count()).isEqualTo(3);
        assertThat(segment.baseOffsetAt(1)).isEqualTo(103);
        assertThat(segment.logPositionAt(1)).isEqualTo(100);
        assertThat(segment.maxTimestampAt(1)).isEqualTo(20);
        assertThat(segment.entryBytesAt(1)).isEqualTo(150);
        assertThat(segment.recordCountAt(1)).isEqualTo(7);
        assertThat(segment.isFull()).isFalse();
    }

    @Test
    void nextOffsetIsTheBaseOffsetWhenEmptyAndFollowsTheLastBatchOtherwise() throws IOException {
        assertThat(IndexSegment.create(directory, 500, 16).nextOffset()).isEqualTo(500);
        assertThat(threeEntries().nextOffset()).isEqualTo(115);
    }

    @Test
    void floorEntryFindsTheBatchHoldingAnOffset() throws IOException {
        // given
        IndexSegment segment = threeEntries();

        // when / then
        assertThat(segment.floorEntry(99)).isEqualTo(-1);
        assertThat(segment.floorEntry(100)).isEqualTo(0);
        assertThat(segment.floorEntry(102)).isEqualTo(0);
        assertThat(segment.floorEntry(103)).isEqualTo(1);
        assertThat(segment.floorEntry(109)).isEqualTo(1);
        assertThat(segment.floorEntry(110)).isEqualTo(2);
        assertThat(segment.floorEntry(1_000)).isEqualTo(2);
    }

    @Test
    void floorEntryOfAnEmptyFileIsMinusOne() throws IOException {
        assertThat(IndexSegment.create(directory, 0, 16).floorEntry(0)).isEqualTo(-1);
    }

    @Test
    void firstEntryAtOrAfterTimestampSearchesTheRunningMaxWithinTheRange() throws IOException {
        // given running max timestamps 10, 20, 20, 30, 40
        IndexSegment segment = IndexSegment.create(directory, 0, 16);
        segment.allocate(5);
        long[] timestamps = {10, 20, 20, 30, 40};
        for (int i = 0; i < timestamps.length; i++) {
            segment.append(i, 100L * i, timestamps[i], 100, 1);
        }

        // when / then
        assertThat(segment.firstEntryAtOrAfterTimestamp(5, 0, 5)).isEqualTo(0);
        assertThat(segment.firstEntryAtOrAfterTimestamp(20, 0, 5)).isEqualTo(1);
        assertThat(segment.firstEntryAtOrAfterTimestamp(25, 0, 5)).isEqualTo(3);
        assertThat(segment.firstEntryAtOrAfterTimestamp(40, 0, 5)).isEqualTo(4);
        assertThat(segment.firstEntryAtOrAfterTimestamp(41, 0, 5)).isEqualTo(-1);
        assertThat(segment.firstEntryAtOrAfterTimestamp(5, 2, 5)).as("from bounds the result below").isEqualTo(2);
        assertThat(segment.firstEntryAtOrAfterTimestamp(35, 0, 4)).as("limit is exclusive").isEqualTo(-1);
        assertThat(segment.firstEntryAtOrAfterTimestamp(5, 3, 3)).as("empty range").isEqualTo(-1);
    }

    @Test
    void firstEntryAtOrAfterPositionIsTheCountWhenAllAreBefore() throws IOException {
        // given log positions 0, 100, 250
        IndexSegment segment = threeEntries();

        // when / then
        assertThat(segment.firstEntryAtOrAfterPosition(0)).isEqualTo(0);
        assertThat(segment.firstEntryAtOrAfterPosition(1)).isEqualTo(1);
        assertThat(segment.firstEntryAtOrAfterPosition(100)).isEqualTo(1);
        assertThat(segment.firstEntryAtOrAfterPosition(250)).isEqualTo(2);
        assertThat(segment.firstEntryAtOrAfterPosition(251)).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 7, 8, 9, 15, 16})
    void reopenFindsTheCountOfTheUsedPrefix(int count) throws IOException {
        // given
        IndexSegment written = filled(16, count);
        written.force();

        // when
        IndexSegment reopened = IndexSegment.open(written.path());

        // then
        assertThat(reopened.count()).isEqualTo(count);
        assertThat(reopened.capacityEntries()).isEqualTo(16);
        assertThat(reopened.baseOffset()).isEqualTo(0);
        assertThat(reopened.nextOffset()).isEqualTo(2L * count);
        assertThat(reopened.isFull()).isEqualTo(count == 16);
        if (count > 0) {
            assertThat(reopened.logPositionAt(count - 1)).isEqualTo(100L * (count - 1));
            assertThat(reopened.maxTimestampAt(count - 1)).isEqualTo(1_000L + count - 1);
        }
    }

    @Test
    void reopenedFileAcceptsFurtherAppendsAfterAllocating() throws IOException {
        // given
        IndexSegment reopened = IndexSegment.open(filled(16, 5).path());

        // when
        reopened.allocate(6);
        reopened.append(10, 500, 2_000, 100, 2);

        // then
        assertThat(reopened.count()).isEqualTo(6);
        assertThat(IndexSegment.open(reopened.path()).nextOffset()).isEqualTo(12);
    }

    @Test
    void openRejectsAFileThatIsNotAMultipleOfTheEntrySize() throws IOException {
        // given
        Path file = directory.resolve(IndexSegment.fileName(0));
        Files.write(file, new byte[33]);

        // when / then
        assertThatThrownBy(() -> IndexSegment.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is 33 bytes, not a positive multiple of 32");
    }

    @Test
    void truncateZeroesTheTailAndAReopenSeesTheShorterCount() throws IOException {
        // given
        IndexSegment segment = filled(16, 10);

        // when
        segment.truncate(4);

        // then
        assertThat(segment.count()).isEqualTo(4);
        assertThat(segment.nextOffset()).isEqualTo(8);
        for (int entry = 4; entry < 10; entry++) {
            assertThat(segment.baseOffsetAt(entry)).isZero();
            assertThat(segment.logPositionAt(entry)).isZero();
            assertThat(segment.maxTimestampAt(entry)).isZero();
            assertThat(segment.entryBytesAt(entry)).isZero();
            assertThat(segment.recordCountAt(entry)).isZero();
        }
        assertThat(segment.logPositionAt(3)).isEqualTo(300);
        IndexSegment reopened = IndexSegment.open(segment.path());
        assertThat(reopened.count()).isEqualTo(4);
        assertThat(reopened.nextOffset()).isEqualTo(8);
    }

    @Test
    void appendWithoutAllocatingFailsAnInvariant() throws IOException {
        // given
        IndexSegment segment = IndexSegment.create(directory, 0, 16);

        // when / then
        assertThatThrownBy(() -> segment.append(0, 0, 0, 100, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("entry 0 is past its allocated 0 bytes");
        assertThat(segment.count()).isZero();
    }

    @Test
    void allocateClaimsAWholeChunkSoAppendsFailOnlyPastIt() throws IOException {
        // given a file of two chunks and one entry's worth asked for
        IndexSegment segment = IndexSegment.create(directory, 0, 2 * CHUNK_ENTRIES);
        segment.allocate(1);

        // when the first chunk is filled
        for (int i = 0; i < CHUNK_ENTRIES; i++) {
            segment.append(i, i, i, 100, 1);
        }

        // then the next entry is past the claimed space
        assertThat(segment.count()).isEqualTo(2_048);
        assertThatThrownBy(() -> segment.append(CHUNK_ENTRIES, 0, 0, 100, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("entry 2048 is past its allocated 65536 bytes");
    }

    @Test
    void allocateNeverGrowsTheFileBeyondItsCapacity() throws IOException {
        // given a capacity that is not a whole number of chunks: 3,000 entries, 96,000 bytes
        IndexSegment segment = IndexSegment.create(directory, 0, 3_000);

        // when
        segment.allocate(CHUNK_ENTRIES + 1);
        segment.allocate(10_000);

        // then
        assertThat(Files.size(segment.path())).isEqualTo(96_000);
        for (int i = 0; i < 3_000; i++) {
            segment.append(i, i, i, 100, 1);
        }
        assertThat(segment.isFull()).isTrue();
    }

    @Test
    void appendToAFullFileFailsAnInvariant() throws IOException {
        // given
        IndexSegment segment = filled(16, 16);

        // when / then
        assertThat(segment.isFull()).isTrue();
        assertThatThrownBy(() -> segment.append(32, 1_600, 0, 100, 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is full (16 entries)");
    }

    @Test
    void appendRejectsAnEmptyEntry() throws IOException {
        // given
        IndexSegment segment = IndexSegment.create(directory, 0, 16);
        segment.allocate(1);

        // when / then
        assertThatThrownBy(() -> segment.append(0, 0, 0, 0, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("index entry with 0 bytes and 1 records");
        assertThatThrownBy(() -> segment.append(0, 0, 0, 100, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("index entry with 100 bytes and 0 records");
    }
}
