package dev.sluice.storage;

import dev.sluice.testsupport.ThreadLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.testsupport.ByteFlipper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery after a crash, in process: the data directory is copied while the store is open and
 * idle, which leaves on disk exactly what a kill -9 at that moment leaves (page cache included, no
 * clean checkpoint). The child-JVM crash test covers kills at random moments.
 */
@ExtendWith(ThreadLeakCheck.class)
class RecoveryTest {
    private static final QueueId QUEUE = new QueueId("orders", 0);
    private static final QueueId OTHER = new QueueId("payments", 3);

    @TempDir
    Path directory;

    @TempDir
    Path crashed;

    private StorageConfig config(Path dir) {
        return StorageConfig.builder(dir).segmentBytes(64 * 1024).batchBytesMax(16 * 1024).writeBufferBytes(64 * 1024)
                .indexSegmentEntries(16).diskFreeBytesMin(0).checkpointIntervalMs(3_600_000).build();
    }

    /** Appends {@code count} batches alternating between two queues; returns their log positions. */
    private static List<AppendResult> appendBatches(LogStore store, String label, int count) {
        List<AppendResult> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            results.add(store.append(i % 2 == 0 ? QUEUE : OTHER, TestBatches.batch(label + i, 5, 1_000 + i)).join());
        }
        return results;
    }

    @Test
    void recoversEveryBatchWrittenBeforeACrashScanningOnlyPastTheCheckpoint() throws IOException {
        long checkpointPosition;
        try (LogStore store = LogStore.open(config(directory))) {
            appendBatches(store, "before", 30);
            store.checkpoint();
            checkpointPosition = store.writtenPosition();
            appendBatches(store, "after", 20);
            crashCopy(directory, crashed);
        }
        try (LogStore store = LogStore.open(config(crashed))) {
            RecoveryReport report = store.recoveryReport();
            assertThat(report.cleanShutdown()).isFalse();
            assertThat(report.truncated()).isFalse();
            assertThat(report.scannedFromPosition()).isEqualTo(checkpointPosition);
            assertThat(report.scannedEntryCount()).isEqualTo(20);
            assertThat(store.endOffset(QUEUE)).isEqualTo(125);
            assertThat(store.endOffset(OTHER)).isEqualTo(125);
            assertThat(allValues(store, QUEUE)).hasSize(125).startsWith("before0-0").endsWith("after18-4");
        }
    }

    @Test
    void recoversAQueueCreatedAfterTheCheckpointWithoutRescanningTheWholeLog() throws IOException {
        QueueId fresh = new QueueId("fresh", 0);
        long checkpointPosition;
        try (LogStore store = LogStore.open(config(directory))) {
            appendBatches(store, "old", 10);
            store.checkpoint();
            checkpointPosition = store.writtenPosition();
            store.append(fresh, TestBatches.batch("new", 3, 5_000)).join();
            crashCopy(directory, crashed);
        }
        try (LogStore store = LogStore.open(config(crashed))) {
            assertThat(store.recoveryReport().rebuiltQueues()).isEmpty();
            assertThat(store.recoveryReport().scannedFromPosition()).isEqualTo(checkpointPosition);
            assertThat(allValues(store, fresh)).containsExactly("new-0", "new-1", "new-2");
        }
    }

    @Test
    void truncatesATornTailAtTheFirstBadEntryAndReportsIt() throws IOException {
        List<AppendResult> results;
        try (LogStore store = LogStore.open(config(directory))) {
            store.checkpoint();
            results = appendBatches(store, "t", 10);
            crashCopy(directory, crashed);
        }
        AppendResult last = results.get(9);
        // A torn write: the last entry's second half never reached the disk.
        Path segment = onlySegment(crashed);
        zero(segment, last.logPosition() + 40, 200);

        try (LogStore store = LogStore.open(config(crashed))) {
            RecoveryReport report = store.recoveryReport();
            assertThat(report.truncatedAtPosition()).isEqualTo(last.logPosition());
            assertThat(report.truncationReason()).isNotBlank();
            assertThat(report.scannedEntryCount()).isEqualTo(9);
            assertThat(store.endOffset(OTHER)).isEqualTo(20);
            assertThat(store.endOffset(QUEUE)).isEqualTo(25);
            AppendResult next = store.append(OTHER, TestBatches.batch("again", 1, 1)).join();
            assertThat(next.baseOffset()).isEqualTo(20);
            assertThat(next.logPosition()).isEqualTo(last.logPosition());
        }
        try (LogStore store = LogStore.open(config(crashed))) {
            assertThat(allValues(store, OTHER)).endsWith("t7-4", "again-0");
        }
    }

    @Test
    void truncatesAtAFlippedByteFoundPastTheCheckpointAndServesNothingAfterIt() throws IOException {
        List<AppendResult> results;
        try (LogStore store = LogStore.open(config(directory))) {
            store.checkpoint();
            results = appendBatches(store, "f", 12);
            crashCopy(directory, crashed);
        }
        AppendResult damaged = results.get(5);
        flip(onlySegment(crashed), damaged.logPosition() + 100);

        try (LogStore store = LogStore.open(config(crashed))) {
            RecoveryReport report = store.recoveryReport();
            assertThat(report.truncatedAtPosition()).isEqualTo(damaged.logPosition());
            assertThat(report.truncationReason()).contains("crc").contains("6 sound entries followed it");
            assertThat(allValues(store, OTHER)).containsExactlyElementsOf(valuesOf("f", 1, 3));
            assertThat(allValues(store, QUEUE)).containsExactlyElementsOf(valuesOf("f", 0, 2, 4));
        }
    }

    @Test
    void aFlippedByteBeforeTheCheckpointFailsTheReadOfThatBatchOnlyAndIsNeverServed() throws IOException {
        List<AppendResult> results;
        try (LogStore store = LogStore.open(config(directory))) {
            results = appendBatches(store, "c", 8);
        }
        AppendResult damaged = results.get(4);
        flip(onlySegment(directory), damaged.logPosition() + 90);

        try (LogStore store = LogStore.open(config(directory))) {
            assertThat(store.recoveryReport().cleanShutdown()).isTrue();
            assertThat(store.read(QUEUE, 0, 1).batches()).hasSize(1);
            assertThatThrownBy(() -> store.read(QUEUE, damaged.baseOffset(), 1 << 20))
                    .isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("position " + damaged.logPosition())
                    .hasMessageContaining("crc");
            assertThatThrownBy(() -> store.read(QUEUE, 0, 1 << 20)).isInstanceOf(CorruptLogException.class);
            assertThat(allValues(store, OTHER)).hasSize(20);
        }
    }

    @Test
    void refusesToTruncateDamageFoundBeforeTheCheckpointWhenRebuildingAnIndex() throws IOException {
        List<AppendResult> results;
        try (LogStore store = LogStore.open(config(directory))) {
            results = appendBatches(store, "r", 8);
        }
        flip(onlySegment(directory), results.get(3).logPosition() + 90);
        deleteTree(directory.resolve("queues").resolve(QUEUE.directoryName()));

        assertThatThrownBy(() -> LogStore.open(config(directory)))
                .isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("position " + results.get(3).logPosition())
                .hasMessageContaining("before the checkpoint")
                .hasMessageContaining(".log");
    }

    @Test
    void aZeroedEntrySizeBeforeTheCheckpointIsDamageNotTheEndOfTheLog() throws IOException {
        List<AppendResult> results;
        try (LogStore store = LogStore.open(config(directory))) {
            results = appendBatches(store, "z", 8);
        }
        zero(onlySegment(directory), results.get(3).logPosition(), 4);
        deleteTree(directory.resolve("queues").resolve(OTHER.directoryName()));

        assertThatThrownBy(() -> LogStore.open(config(directory)))
                .isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("position " + results.get(3).logPosition())
                .hasMessageContaining("non-zero bytes follow");
    }

    @Test
    void aZeroedEntrySizePastTheCheckpointIsCutAndReportedNotTakenForTheEnd() throws IOException {
        List<AppendResult> results;
        try (LogStore store = LogStore.open(config(directory))) {
            store.checkpoint();
            results = appendBatches(store, "y", 8);
            crashCopy(directory, crashed);
        }
        zero(onlySegment(crashed), results.get(5).logPosition(), 4);

        try (LogStore store = LogStore.open(config(crashed))) {
            assertThat(store.recoveryReport().truncatedAtPosition()).isEqualTo(results.get(5).logPosition());
            assertThat(store.recoveryReport().truncationReason()).contains("non-zero bytes follow");
            AppendResult next = store.append(OTHER, TestBatches.batch("next", 1, 1)).join();
            assertThat(next.logPosition()).isEqualTo(results.get(5).logPosition());
        }
        try (LogStore store = LogStore.open(config(crashed))) {
            assertThat(store.recoveryReport().cleanShutdown()).isTrue();
            assertThat(allValues(store, OTHER)).endsWith("y3-4", "next-0");
        }
    }

    @Test
    void lowerBatchBytesMaxAfterACrashKeepsTheLargerBatchesAlreadyStored() throws IOException {
        try (LogStore store = LogStore.open(config(directory))) {
            store.checkpoint();
            store.append(QUEUE, TestBatches.batch(org.apache.kafka.common.compress.Compression.NONE, "big", 4, 1, 3_000))
                    .join();
            crashCopy(directory, crashed);
        }
        StorageConfig smaller = StorageConfig.builder(crashed).segmentBytes(64 * 1024).batchBytesMax(1_024)
                .writeBufferBytes(64 * 1024).indexSegmentEntries(16).diskFreeBytesMin(0).build();
        try (LogStore store = LogStore.open(smaller)) {
            assertThat(store.recoveryReport().truncated()).isFalse();
            assertThat(allValues(store, QUEUE)).containsExactly("big-0", "big-1", "big-2", "big-3");
        }
    }

    @Test
    void rebuildsAMissingQueueIndexFromTheLog() throws IOException {
        try (LogStore store = LogStore.open(config(directory))) {
            appendBatches(store, "m", 40);
        }
        deleteTree(directory.resolve("queues").resolve(QUEUE.directoryName()));

        try (LogStore store = LogStore.open(config(directory))) {
            assertThat(store.recoveryReport().rebuiltQueues()).containsExactly(QUEUE);
            assertThat(store.endOffset(QUEUE)).isEqualTo(100);
            assertThat(allValues(store, QUEUE)).hasSize(100).startsWith("m0-0").endsWith("m38-4");
            // Batch 6 (offsets 15-19) holds times 1006-1010: the record at 1010 is offset 19.
            assertThat(store.offsetForTimestamp(QUEUE, 1_010)).isEqualTo(19);
        }
    }

    @Test
    void rebuildsEveryIndexWhenTheCheckpointIsDamaged() throws IOException {
        try (LogStore store = LogStore.open(config(directory))) {
            appendBatches(store, "k", 10);
        }
        flip(directory.resolve("checkpoint"), 12);

        try (LogStore store = LogStore.open(config(directory))) {
            assertThat(store.recoveryReport().rebuiltQueues()).containsExactlyInAnyOrder(QUEUE, OTHER);
            assertThat(allValues(store, QUEUE)).hasSize(25);
            assertThat(allValues(store, OTHER)).hasSize(25);
        }
    }

    @Test
    void aDamagedIndexEntryFailsTheReadInsteadOfServingTheWrongBatch() throws IOException {
        try (LogStore store = LogStore.open(config(directory))) {
            appendBatches(store, "i", 6);
        }
        Path index = directory.resolve("queues").resolve(QUEUE.directoryName()).resolve("00000000000000000000.index");
        flip(index, 32 + 8 + 7); // second entry's log position, low byte

        try (LogStore store = LogStore.open(config(directory))) {
            assertThatThrownBy(() -> store.read(QUEUE, 5, 1 << 20)).isInstanceOf(CorruptLogException.class);
        }
    }

    static List<String> allValues(LogStore store, QueueId queue) {
        List<String> values = new ArrayList<>();
        long offset = store.startOffset(queue);
        while (offset < store.endOffset(queue)) {
            ReadResult read = store.read(queue, offset, 8 * 1024);
            long expectedBase = -1;
            for (ByteBuffer batch : read.batches()) {
                long base = RecordBatchDescriptor.baseOffset(batch, batch.position());
                if (expectedBase < 0) {
                    assertThat(base).isLessThanOrEqualTo(offset);
                } else {
                    assertThat(base).isEqualTo(expectedBase);
                }
                expectedBase = base + RecordBatchDescriptor.recordCount(batch, batch.position());
                values.addAll(TestBatches.values(batch));
            }
            offset = read.nextOffset();
        }
        return values;
    }

    private static List<String> valuesOf(String label, int... batches) {
        List<String> values = new ArrayList<>();
        for (int batch : batches) {
            for (int i = 0; i < 5; i++) {
                values.add(label + batch + "-" + i);
            }
        }
        return values;
    }

    /** Copies a live store's files: what a kill -9 at this moment would leave. */
    static void crashCopy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.sorted().toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else if (!path.getFileName().toString().equals(".lock")) {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static Path onlySegment(Path dir) throws IOException {
        try (Stream<Path> segments = Files.list(dir.resolve("log"))) {
            List<Path> all = segments.filter(file -> file.toString().endsWith(".log")).toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    static void flip(Path file, long position) throws IOException {
        ByteFlipper.flip(file, position);
    }

    private static void zero(Path file, long position, int length) throws IOException {
        ByteFlipper.overwrite(file, position, new byte[length]);
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
