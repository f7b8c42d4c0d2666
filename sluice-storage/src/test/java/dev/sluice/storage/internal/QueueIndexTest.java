package dev.sluice.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.storage.QueueId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link QueueIndex} over several index files of 16 entries. The standard index holds 40 batches
 * of 2 records: batch i has base offset 2i, log position 100i, 100 bytes and max timestamp 1000+i,
 * so the files start at offsets 0, 32 and 64 and the last holds 8 batches.
 */
class QueueIndexTest {
    private static final QueueId ID = new QueueId("orders.eu-west", 3);
    private static final int ENTRIES = 16;

    @TempDir
    Path queues;

    private QueueIndex index;

    private QueueIndex fortyBatches() throws IOException {
        QueueIndex created = QueueIndex.create(queues, ID, 0, ENTRIES);
        for (int i = 0; i < 40; i++) {
            appendBatch(created, 100L * i, 1_000L + i);
        }
        return created;
    }

    private static long appendBatch(QueueIndex queue, long logPosition, long maxTimestamp) throws IOException {
        queue.prepareAppend();
        long base = queue.reserve(2);
        queue.append(base, logPosition, maxTimestamp, 100, 2);
        return base;
    }

    private List<String> indexFiles() throws IOException {
        try (Stream<Path> files = Files.list(queues.resolve(ID.directoryName()))) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    /** Base offsets of the batches {@link QueueIndex#visitFrom} visits. */
    private static List<Long> visited(QueueIndex queue, long offset, long endOffset) {
        List<Long> bases = new ArrayList<>();
        queue.visitFrom(offset, endOffset, (base, position, bytes, records) -> {
            assertThat(position).isEqualTo(base / 2 * 100);
            assertThat(bytes).isEqualTo(100);
            assertThat(records).isEqualTo(2);
            return bases.add(base);
        });
        return bases;
    }

    private static List<Long> range(long from, long to) {
        List<Long> bases = new ArrayList<>();
        for (long base = from; base < to; base += 2) {
            bases.add(base);
        }
        return bases;
    }

    @Test
    void createsAnEmptyIndexAtItsBaseOffset() throws IOException {
        // when
        index = QueueIndex.create(queues, ID, 500, ENTRIES);

        // then
        assertThat(queues.resolve("orders.eu-west-3")).isDirectory();
        assertThat(index.nextOffset()).isEqualTo(500);
        assertThat(index.startOffset()).isEqualTo(500);
        assertThat(index.indexedEndOffset()).isEqualTo(500);
        assertThat(index.entryHeaderBytes()).isEqualTo(16 + 14);
        assertThat(indexFiles()).containsExactly("00000000000000000500.index");
    }

    @Test
    void rollsToANewFileWhenTheLastIsFull() throws IOException {
        // when
        index = fortyBatches();

        // then
        assertThat(indexFiles()).containsExactly(
                "00000000000000000000.index", "00000000000000000032.index", "00000000000000000064.index");
        assertThat(index.nextOffset()).isEqualTo(80);
        assertThat(index.indexedEndOffset()).isEqualTo(80);
        assertThat(index.startOffset()).isZero();
        assertThat(index.takeDirty()).isTrue();
        assertThat(index.takeDirty()).isFalse();
    }

    @Test
    void visitFromStartsAtTheBatchHoldingTheOffsetAndStopsAtTheEndOffset() throws IOException {
        // given
        index = fortyBatches();

        // when / then: offset 33 is inside the batch at 32, the first of the second file
        assertThat(visited(index, 33, 70)).isEqualTo(range(32, 70));
        assertThat(visited(index, 0, 80)).isEqualTo(range(0, 80));
        assertThat(visited(index, 79, 1_000)).containsExactly(78L);
        assertThat(visited(index, 80, 1_000)).isEmpty();
        assertThat(visited(index, 10, 10)).isEmpty();
    }

    @Test
    void visitFromCrossesIntoTheNextFile() throws IOException {
        // given
        index = fortyBatches();

        // when / then
        assertThat(visited(index, 31, 36)).containsExactly(30L, 32L, 34L);
        assertThat(visited(index, 62, 67)).containsExactly(62L, 64L, 66L);
    }

    @Test
    void visitFromStopsWhenTheVisitorSaysSo() throws IOException {
        // given
        index = fortyBatches();
        List<Long> bases = new ArrayList<>();

        // when
        index.visitFrom(20, 80, (base, position, bytes, records) -> bases.add(base) && bases.size() < 3);

        // then
        assertThat(bases).containsExactly(20L, 22L, 24L);
    }

    @Test
    void trimBelowMovesTheStartAndDeletesWhollyOlderFiles() throws IOException {
        // given
        index = fortyBatches();

        // when the log now starts at position 1,700: batch 17, offset 34
        index.trimBelow(1_700);

        // then
        assertThat(index.startOffset()).isEqualTo(34);
        assertThat(indexFiles()).containsExactly("00000000000000000032.index", "00000000000000000064.index");
        assertThat(visited(index, 0, 36)).containsExactly(32L, 34L);
    }

    @Test
    void trimBelowAPositionInsideTheFirstFileDeletesNothing() throws IOException {
        // given
        index = fortyBatches();

        // when the log now starts at position 1,450: batch 15, the last of the first file
        index.trimBelow(1_450);

        // then
        assertThat(index.startOffset()).isEqualTo(30);
        assertThat(indexFiles()).hasSize(3);
    }

    @Test
    void trimBelowKeepsTheLastFileEvenWhenAllOfItIsOlder() throws IOException {
        // given
        index = fortyBatches();

        // when
        index.trimBelow(100_000);

        // then
        assertThat(indexFiles()).containsExactly("00000000000000000064.index");
        assertThat(index.startOffset()).isEqualTo(80);
        assertThat(index.nextOffset()).isEqualTo(80);
    }

    @Test
    void trimBelowNeverMovesTheStartBack() throws IOException {
        // given
        index = fortyBatches();
        index.trimBelow(2_000);

        // when
        index.trimBelow(0);

        // then
        assertThat(index.startOffset()).isEqualTo(40);
    }

    @Test
    void truncateFromPositionRemovesLaterEntriesWithinTheLastFile() throws IOException {
        // given
        index = fortyBatches();

        // when batches from 33 on are cut
        index.truncateFromPosition(3_300);

        // then
        assertThat(index.nextOffset()).isEqualTo(66);
        assertThat(index.indexedEndOffset()).isEqualTo(66);
        assertThat(indexFiles()).hasSize(3);
        assertThat(visited(index, 60, 1_000)).containsExactly(60L, 62L, 64L);
    }

    @Test
    void truncateFromPositionDeletesEmptiedFilesAndAppendsContinueAfterTheCut() throws IOException {
        // given
        index = fortyBatches();

        // when batches from 10 on are cut
        index.truncateFromPosition(1_000);

        // then
        assertThat(indexFiles()).containsExactly("00000000000000000000.index");
        assertThat(index.nextOffset()).isEqualTo(20);
        assertThat(visited(index, 0, 1_000)).isEqualTo(range(0, 20));
        assertThat(appendBatch(index, 1_000, 5)).isEqualTo(20);
        assertThat(index.indexedEndOffset()).isEqualTo(22);
    }

    @Test
    void truncateFromPositionAtAFileBoundaryDeletesTheFileStartingThere() throws IOException {
        // given
        index = fortyBatches();

        // when batch 32, the first of the third file, and everything after are cut
        index.truncateFromPosition(3_200);

        // then
        assertThat(indexFiles()).containsExactly("00000000000000000000.index", "00000000000000000032.index");
        assertThat(index.nextOffset()).isEqualTo(64);
    }

    @Test
    void truncateFromPositionZeroEmptiesTheIndexAndResetsTheStart() throws IOException {
        // given
        index = fortyBatches();

        // when
        index.truncateFromPosition(0);

        // then
        assertThat(indexFiles()).containsExactly("00000000000000000000.index");
        assertThat(index.nextOffset()).isZero();
        assertThat(index.startOffset()).isZero();
        assertThat(visited(index, 0, 1_000)).isEmpty();
    }

    @Test
    void openFindsWhatWasWritten() throws IOException {
        // given
        fortyBatches().force();

        // when
        index = QueueIndex.open(queues.resolve(ID.directoryName()), ID, ENTRIES);

        // then
        assertThat(index).isNotNull();
        assertThat(index.id()).isEqualTo(ID);
        assertThat(index.nextOffset()).isEqualTo(80);
        assertThat(index.startOffset()).isZero();
        assertThat(visited(index, 31, 36)).containsExactly(30L, 32L, 34L);
        assertThat(appendBatch(index, 4_000, 2_000)).isEqualTo(80);
    }

    @Test
    void openReturnsNullWhenTheFilesDoNotFollowEachOther() throws IOException {
        // given
        fortyBatches();
        Path directory = queues.resolve(ID.directoryName());
        Files.delete(directory.resolve("00000000000000000032.index"));

        // when / then
        assertThat(QueueIndex.open(directory, ID, ENTRIES)).isNull();
    }

    @Test
    void openReturnsNullForADirectoryWithoutIndexFiles() throws IOException {
        // given
        Path directory = Files.createDirectories(queues.resolve(ID.directoryName()));
        Files.writeString(directory.resolve("notes.txt"), "not an index");

        // when / then
        assertThat(QueueIndex.open(directory, ID, ENTRIES)).isNull();
    }
}
