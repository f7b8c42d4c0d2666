package dev.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testsupport.ThreadLeakCheck;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Lookups by record key, against a brute-force scan of the queue. */
@ExtendWith(ThreadLeakCheck.class)
class KeyIndexTest {
    private static final QueueId ORDERS = new QueueId("orders", 0);
    private static final QueueId OTHER = new QueueId("orders", 1);

    @TempDir
    Path directory;

    @TempDir
    Path crashed;

    private StorageConfig.Builder config(Path dir) {
        return StorageConfig.builder(dir).segmentBytes(64 * 1024).batchBytesMax(16 * 1024).writeBufferBytes(64 * 1024)
                .indexSegmentEntries(16).diskFreeBytesMin(0).keyIndexEntriesPerSegment(4_096)
                .checkpointIntervalMs(3_600_000);
    }

    /** Batches of 5 records keyed key-0 .. key-4 ({@link TestBatches}); gzip every third one. */
    private static void fill(LogStore store, QueueId queue, int batches) {
        for (int i = 0; i < batches; i++) {
            Compression compression = i % 3 == 2 ? Compression.gzip().build() : Compression.NONE;
            store.append(queue, TestBatches.batch(compression, queue + "b" + i, 5, 1_000 + i, 1_000)).join();
        }
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findsEveryRecordWithTheKeyInItsQueueNewestFirstAcrossSegments() throws IOException {
        try (LogStore store = LogStore.open(config(directory).build())) {
            fill(store, ORDERS, 60);
            fill(store, OTHER, 7);
            assertThat(segmentCount()).isGreaterThan(2);

            assertThat(store.offsetsForKey(ORDERS, key("key-2"), 1_000)).isEqualTo(bruteForce(store, ORDERS, "key-2"))
                    .hasSize(60).startsWith(297L, 292L).endsWith(2L);
            assertThat(store.offsetsForKey(OTHER, key("key-4"), 1_000)).containsExactly(34L, 29L, 24L, 19L, 14L, 9L, 4L);
            assertThat(store.offsetsForKey(ORDERS, key("key-2"), 3)).containsExactly(297L, 292L, 287L);
            assertThat(store.offsetsForKey(ORDERS, key("no-such-key"), 10)).isEmpty();
            assertThat(store.offsetsForKey(new QueueId("orders", 9), key("key-2"), 10)).isEmpty();
        }
    }

    @Test
    void lookupsSurviveACleanReopenACrashAndLostKeyFiles() throws IOException {
        List<Long> expected;
        try (LogStore store = LogStore.open(config(directory).build())) {
            fill(store, ORDERS, 30);
            store.checkpoint();
            fill(store, ORDERS, 10);
            expected = store.offsetsForKey(ORDERS, key("key-1"), 1_000);
            RecoveryTest.crashCopy(directory, crashed);
        }
        assertThat(expected).hasSize(40);
        try (LogStore store = LogStore.open(config(directory).build())) {
            assertThat(store.offsetsForKey(ORDERS, key("key-1"), 1_000)).isEqualTo(expected);
        }
        try (LogStore store = LogStore.open(config(crashed).build())) {
            assertThat(store.recoveryReport().cleanShutdown()).isFalse();
            assertThat(store.offsetsForKey(ORDERS, key("key-1"), 1_000)).isEqualTo(expected);
        }
        try (Stream<Path> files = Files.list(directory.resolve("log"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".keys")).toList()) {
                Files.delete(file);
            }
        }
        try (LogStore store = LogStore.open(config(directory).build())) {
            assertThat(store.offsetsForKey(ORDERS, key("key-1"), 1_000)).isEqualTo(expected);
        }
    }

    @Test
    void retentionTakesTheKeysOfDeletedSegmentsWithThem() throws IOException {
        try (LogStore store = LogStore.open(config(directory).retentionBytes(2 * 64 * 1024).build())) {
            fill(store, ORDERS, 60);
            store.enforceRetention();
            long start = store.startOffset(ORDERS);
            assertThat(start).isGreaterThan(0);

            List<Long> found = store.offsetsForKey(ORDERS, key("key-0"), 1_000);
            assertThat(found).isEqualTo(bruteForce(store, ORDERS, "key-0")).allMatch(offset -> offset >= start);
            try (Stream<Path> files = Files.list(directory.resolve("log"))) {
                assertThat(files.filter(f -> f.toString().endsWith(".keys")).count()).isEqualTo(segmentCount());
            }
        }
    }

    @Test
    void aFullKeyFileIndexesItsFirstKeysOnly() {
        try (LogStore store = LogStore.open(config(directory).keyIndexEntriesPerSegment(16).build())) {
            fill(store, ORDERS, 4); // 20 keyed records in one segment: offsets 0 to 15 fit its key file

            assertThat(store.offsetsForKey(ORDERS, key("key-0"), 10)).containsExactly(15L, 10L, 5L, 0L);
            assertThat(store.offsetsForKey(ORDERS, key("key-4"), 10)).containsExactly(14L, 9L, 4L);
        }
    }

    @Test
    void findsNothingWhenTheKeyIndexIsOff() {
        try (LogStore store = LogStore.open(config(directory).keyIndexEntriesPerSegment(0).build())) {
            fill(store, ORDERS, 3);
            assertThat(store.offsetsForKey(ORDERS, key("key-0"), 10)).isEmpty();
        }
    }

    private static List<Long> bruteForce(LogStore store, QueueId queue, String key) {
        List<Long> offsets = new ArrayList<>();
        long offset = store.startOffset(queue);
        while (offset < store.endOffset(queue)) {
            ReadResult read = store.read(queue, offset, 1 << 20);
            for (ByteBuffer batch : read.batches()) {
                for (RecordBatch recordBatch : MemoryRecords.readableRecords(batch.duplicate()).batches()) {
                    for (Record record : recordBatch) {
                        if (record.hasKey() && StandardCharsets.UTF_8.decode(record.key()).toString().equals(key)) {
                            offsets.add(0, record.offset());
                        }
                    }
                }
            }
            offset = read.nextOffset();
        }
        return offsets;
    }

    private long segmentCount() throws IOException {
        try (Stream<Path> files = Files.list(directory.resolve("log"))) {
            return files.filter(f -> f.toString().endsWith(".log")).count();
        }
    }
}
