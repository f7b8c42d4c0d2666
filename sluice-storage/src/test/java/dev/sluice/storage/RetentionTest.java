package dev.sluice.storage;

import dev.sluice.testsupport.ThreadLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ThreadLeakCheck.class)
class RetentionTest {
    private static final QueueId BUSY = new QueueId("busy", 0);
    private static final QueueId QUIET = new QueueId("quiet", 0);
    private static final int SEGMENT_BYTES = 64 * 1024;

    @TempDir
    Path directory;

    private final AtomicLong clockMs = new AtomicLong(System.currentTimeMillis());

    private StorageConfig.Builder config() {
        return StorageConfig.builder(directory).segmentBytes(SEGMENT_BYTES).batchBytesMax(16 * 1024)
                .writeBufferBytes(64 * 1024).indexSegmentEntries(16).diskFreeBytesMin(0)
                .retentionCheckIntervalMs(3_600_000).flushPolicy(FlushPolicy.SYNC);
    }

    private static void fill(LogStore store, QueueId queue, int batches) {
        for (int i = 0; i < batches; i++) {
            store.append(queue, TestBatches.batch(Compression.NONE, queue.topic() + i, 4, 1_000 + i, 1_000)).join();
        }
    }

    @Test
    void deletesOldestSegmentsBeyondRetentionBytesAndMovesQueueStartOffsetsUp() throws IOException {
        try (LogStore store = LogStore.open(config().retentionBytes(2L * SEGMENT_BYTES).retentionMs(-1).build(),
                clockMs::get)) {
            store.append(QUIET, TestBatches.batch("quiet-first", 3, 1)).join();
            fill(store, BUSY, 100);
            long segmentsBefore = segmentCount();

            int deleted = store.enforceRetention();

            assertThat(deleted).isEqualTo(segmentsBefore - 2);
            assertThat(segmentCount()).isEqualTo(2);
            assertThat(store.logStartPosition()).isEqualTo(deleted * (long) SEGMENT_BYTES);
            long start = store.startOffset(BUSY);
            assertThat(start).isGreaterThan(0);
            ReadResult below = store.read(BUSY, start - 1, 1 << 20);
            assertThat(below.status()).isEqualTo(ReadResult.Status.OFFSET_OUT_OF_RANGE);
            assertThat(below.startOffset()).isEqualTo(start);
            assertThat(store.read(BUSY, start, 1 << 20).batches()).isNotEmpty();
            // The quiet queue's only batch was in a deleted segment: it is empty, its offsets are not reused.
            assertThat(store.startOffset(QUIET)).isEqualTo(3);
            assertThat(store.endOffset(QUIET)).isEqualTo(3);
            assertThat(store.append(QUIET, TestBatches.batch("quiet-next", 1, 1)).join().baseOffset()).isEqualTo(3);
        }
        try (LogStore store = LogStore.open(config().retentionBytes(2L * SEGMENT_BYTES).build(), clockMs::get)) {
            assertThat(store.startOffset(BUSY)).isGreaterThan(0);
            assertThat(store.startOffset(QUIET)).isEqualTo(3);
            assertThat(RecoveryTest.allValues(store, QUIET)).containsExactly("quiet-next-0");
        }
    }

    @Test
    void deletesSegmentsWhoseLastWriteIsOlderThanRetentionMsButNeverTheActiveOne() throws IOException {
        try (LogStore store = LogStore.open(config().retentionMs(60_000).build(), clockMs::get)) {
            fill(store, BUSY, 60);
            assertThat(segmentCount()).isGreaterThan(2);
            assertThat(store.enforceRetention()).isZero();

            clockMs.addAndGet(61_000);
            store.enforceRetention();

            assertThat(segmentCount()).isEqualTo(1);
            assertThat(store.startOffset(BUSY)).isEqualTo(store.read(BUSY, store.startOffset(BUSY), 1).nextOffset()
                    - 4);
            assertThat(store.append(BUSY, TestBatches.batch("later", 1, 1)).join().baseOffset()).isEqualTo(240);
        }
    }

    @Test
    void timeLookupsSkipBatchesRetentionDeleted() {
        try (LogStore store = LogStore.open(config().retentionBytes(2L * SEGMENT_BYTES).retentionMs(-1).build(),
                clockMs::get)) {
            fill(store, BUSY, 100);
            store.enforceRetention();
            long start = store.startOffset(BUSY);
            assertThat(start).isGreaterThan(0);

            assertThat(store.offsetForTimestamp(BUSY, 0)).isEqualTo(start);
            // The last batch (i = 99) holds times 1099-1102.
            assertThat(store.offsetForTimestamp(BUSY, 1_102)).isEqualTo(store.endOffset(BUSY) - 1);
        }
    }

    @Test
    void aQueueWhoseBatchesRetentionDeletedKeepsItsOffsetsWhenItsIndexIsRebuilt() throws IOException {
        StorageConfig config = config().retentionBytes(2L * SEGMENT_BYTES).retentionMs(-1).build();
        try (LogStore store = LogStore.open(config, clockMs::get)) {
            store.append(QUIET, TestBatches.batch("quiet", 3, 1)).join();
            fill(store, BUSY, 100);
            store.enforceRetention();
            assertThat(store.startOffset(QUIET)).isEqualTo(3);
        }
        RecoveryTest.deleteTree(directory.resolve("queues").resolve(QUIET.directoryName()));

        try (LogStore store = LogStore.open(config, clockMs::get)) {
            assertThat(store.recoveryReport().rebuiltQueues()).contains(QUIET);
            assertThat(store.endOffset(QUIET)).isEqualTo(3);
            assertThat(store.append(QUIET, TestBatches.batch("again", 1, 1)).join().baseOffset()).isEqualTo(3);
        }
    }

    private long segmentCount() throws IOException {
        try (Stream<Path> segments = Files.list(directory.resolve("log"))) {
            return segments.filter(file -> file.toString().endsWith(".log")).count();
        }
    }
}
