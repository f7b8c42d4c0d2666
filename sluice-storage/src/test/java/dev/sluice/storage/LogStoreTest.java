package dev.sluice.storage;

import dev.sluice.testsupport.ThreadLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.record.InvalidBatchException;
import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.testsupport.ChildJvm;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(ThreadLeakCheck.class)
class LogStoreTest {
    private static final QueueId ORDERS_0 = new QueueId("orders", 0);
    private static final QueueId ORDERS_1 = new QueueId("orders", 1);

    @TempDir
    Path directory;

    private StorageConfig.Builder config() {
        return StorageConfig.builder(directory).segmentBytes(64 * 1024).batchBytesMax(16 * 1024)
                .writeBufferBytes(64 * 1024).indexSegmentEntries(16).diskFreeBytesMin(0);
    }

    @Test
    void assignsDenseOffsetsPerQueueAcrossInterleavedAppends() {
        try (LogStore store = LogStore.open(config().build())) {
            AppendResult first = store.append(ORDERS_0, TestBatches.batch("a", 3, 1_000)).join();
            AppendResult other = store.append(ORDERS_1, TestBatches.batch("b", 5, 1_000)).join();
            AppendResult second = store.append(ORDERS_0, TestBatches.batch("c", 2, 1_000)).join();

            assertThat(first.baseOffset()).isZero();
            assertThat(first.lastOffset()).isEqualTo(2);
            assertThat(other.baseOffset()).isZero();
            assertThat(second.baseOffset()).isEqualTo(3);
            assertThat(second.lastOffset()).isEqualTo(4);
            assertThat(store.endOffset(ORDERS_0)).isEqualTo(5);
            assertThat(store.endOffset(ORDERS_1)).isEqualTo(5);
        }
    }

    @Test
    void readsBackTheSameBytesWithTheAssignedBaseOffsetPatchedIn() {
        try (LogStore store = LogStore.open(config().build())) {
            store.append(ORDERS_0, TestBatches.batch("a", 3, 1_000)).join();
            ByteBuffer sent = TestBatches.batch("b", 4, 2_000);
            store.append(ORDERS_0, sent.duplicate()).join();

            ReadResult read = store.read(ORDERS_0, 3, 1 << 20);

            assertThat(read.status()).isEqualTo(ReadResult.Status.OK);
            assertThat(read.batches()).hasSize(1);
            ByteBuffer stored = read.batches().get(0);
            ByteBuffer expected = copy(sent);
            RecordBatchDescriptor.baseOffset(expected, 0, 3);
            assertThat(copy(stored)).isEqualTo(expected);
            assertThat(TestBatches.offsets(stored)).containsExactly(3L, 4L, 5L, 6L);
            assertThat(TestBatches.values(stored)).containsExactly("b-0", "b-1", "b-2", "b-3");
            assertThat(read.nextOffset()).isEqualTo(7);
        }
    }

    @Test
    void readStartsAtTheBatchHoldingTheOffsetAndStopsAtMaxBytesButReturnsAtLeastOneBatch() {
        try (LogStore store = LogStore.open(config().build())) {
            for (int i = 0; i < 5; i++) {
                store.append(ORDERS_0, TestBatches.batch("batch" + i, 10, 1_000)).join();
            }
            ReadResult one = store.read(ORDERS_0, 15, 1);
            ReadResult all = store.read(ORDERS_0, 15, 1 << 20);

            assertThat(one.batches()).hasSize(1);
            assertThat(TestBatches.offsets(one.batches().get(0))).startsWith(10L);
            assertThat(one.nextOffset()).isEqualTo(20);
            assertThat(all.batches()).hasSize(4);
            assertThat(all.nextOffset()).isEqualTo(50);
            int twoBatches = all.batches().get(0).remaining() + all.batches().get(1).remaining();
            assertThat(store.read(ORDERS_0, 15, twoBatches).batches()).hasSize(2);
        }
    }

    @Test
    void readOutsideTheQueueIsOutOfRangeAndAtTheEndIsEmpty() {
        try (LogStore store = LogStore.open(config().build())) {
            store.append(ORDERS_0, TestBatches.batch("a", 3, 1_000)).join();

            assertThat(store.read(ORDERS_0, 4, 100).status()).isEqualTo(ReadResult.Status.OFFSET_OUT_OF_RANGE);
            assertThat(store.read(ORDERS_0, -1, 100).status()).isEqualTo(ReadResult.Status.OFFSET_OUT_OF_RANGE);
            ReadResult atEnd = store.read(ORDERS_0, 3, 100);
            assertThat(atEnd.status()).isEqualTo(ReadResult.Status.OK);
            assertThat(atEnd.batches()).isEmpty();
            assertThat(store.read(new QueueId("unknown", 0), 0, 100).batches()).isEmpty();
        }
    }

    @Test
    void reopeningAfterACleanCloseKeepsEverythingAndScansNothing() {
        List<ByteBuffer> sent = new ArrayList<>();
        try (LogStore store = LogStore.open(config().build())) {
            for (int i = 0; i < 40; i++) {
                ByteBuffer batch = TestBatches.batch("r" + i, 7, 1_000 + i);
                sent.add(batch);
                store.append(i % 2 == 0 ? ORDERS_0 : ORDERS_1, batch.duplicate()).join();
            }
        }
        try (LogStore store = LogStore.open(config().build())) {
            assertThat(store.recoveryReport().cleanShutdown()).isTrue();
            assertThat(store.recoveryReport().scannedBytes()).isZero();
            assertThat(store.endOffset(ORDERS_0)).isEqualTo(140);
            List<String> values = new ArrayList<>();
            for (ByteBuffer batch : store.read(ORDERS_1, 0, 1 << 20).batches()) {
                values.addAll(TestBatches.values(batch));
            }
            assertThat(values).hasSize(140).startsWith("r1-0").endsWith("r39-6");
            AppendResult next = store.append(ORDERS_0, TestBatches.batch("after", 1, 5_000)).join();
            assertThat(next.baseOffset()).isEqualTo(140);
        }
    }

    @Test
    void rollsToANewSegmentWhenTheCurrentOneIsFullAndReadsAcrossSegments() throws Exception {
        try (LogStore store = LogStore.open(config().build())) {
            for (int i = 0; i < 30; i++) {
                store.append(ORDERS_0, TestBatches.batch(Compression.NONE_NAME, "s" + i, 4, 1_000, 1_000)).join();
            }
            try (Stream<Path> segments = Files.list(directory.resolve("log"))) {
                assertThat(segments.count()).isGreaterThan(1);
            }
            long records = 0;
            long offset = 0;
            while (offset < store.endOffset(ORDERS_0)) {
                ReadResult read = store.read(ORDERS_0, offset, 8 * 1024);
                for (ByteBuffer batch : read.batches()) {
                    records += TestBatches.offsets(batch).size();
                }
                offset = read.nextOffset();
            }
            assertThat(records).isEqualTo(120);
        }
    }

    @Test
    void rollsIntoZeroFilledSegmentsPreparedAheadAndLeavesNoPreallocatedFileBehind() throws Exception {
        StorageConfig zeroFilled = config().flushPolicy(FlushPolicy.SYNC).segmentZeroFill(true).build();
        try (LogStore store = LogStore.open(zeroFilled)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (Stream<Path> list = Files.list(directory.resolve("log"))) {
                    return list.anyMatch(file -> file.toString().endsWith(".prealloc"));
                }
            });
            for (int i = 0; i < 20; i++) {
                store.append(ORDERS_0, TestBatches.batch(Compression.NONE_NAME, "z" + i, 4, 1_000, 1_000)).join();
            }
            assertThat(RecoveryTest.allValues(store, ORDERS_0)).hasSize(80);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(directory.resolve("log"))) {
            files = list.filter(file -> !file.toString().endsWith(".keys")).sorted().toList();
        }
        assertThat(files).allMatch(file -> file.toString().endsWith(".log")).hasSize(2);
        // The rolled segment holds about 23 KB of entries, yet every block of it is allocated:
        // it came from the preallocator, zero-filled.
        assertThat(allocatedBytes(files.get(1))).isGreaterThanOrEqualTo(64 * 1024);
        try (LogStore store = LogStore.open(zeroFilled)) {
            assertThat(RecoveryTest.allValues(store, ORDERS_0)).hasSize(80);
        }
    }

    private static long allocatedBytes(Path file) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] parts = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        stat.waitFor();
        return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
    }

    @Test
    void rejectsADamagedBatchWithThePreciseRuleAndStoresNothing() {
        try (LogStore store = LogStore.open(config().build())) {
            ByteBuffer batch = TestBatches.batch("bad", 3, 1_000);
            batch.put(batch.limit() - 1, (byte) (batch.get(batch.limit() - 1) ^ 0x40));

            assertThatThrownBy(() -> store.append(ORDERS_0, batch).join())
                    .isInstanceOf(CompletionException.class)
                    .cause()
                    .isInstanceOf(InvalidBatchException.class)
                    .hasMessageContaining("crc")
                    .hasMessageContaining("orders-0");
            assertThat(store.endOffset(ORDERS_0)).isZero();
        }
    }

    @Test
    void rejectsABatchOverBatchBytesMaxAndAcceptsOneExactlyAtIt() {
        ByteBuffer batch = TestBatches.batch("big", 1, 1_000);
        int size = batch.remaining();
        try (LogStore store = LogStore.open(config().batchBytesMax(size).build())) {
            assertThat(store.append(ORDERS_0, batch.duplicate()).join().baseOffset()).isZero();
        }
        try (LogStore store = LogStore.open(config().batchBytesMax(size - 1).build())) {
            assertThatThrownBy(() -> store.append(ORDERS_0, batch.duplicate()).join())
                    .cause()
                    .isInstanceOf(InvalidBatchException.class)
                    .hasMessageContaining("exceeds batchBytesMax");
        }
    }

    @Test
    void refusesASecondOpenOfTheSameDirectory() {
        try (LogStore store = LogStore.open(config().build())) {
            assertThatThrownBy(() -> LogStore.open(config().build()))
                    .isInstanceOf(StorageLockedException.class)
                    .hasMessageContaining(directory.toString());
            assertThat(store.failed()).isFalse();
        }
    }

    @Test
    void refusesADirectoryAnotherProcessHasOpenNamingItsPidAndTakesItOnceThatProcessIsKilled() throws Exception {
        try (ChildJvm child = ChildJvm.builder(CrashTestAppender.class)
                .args(directory.toString(), "1").heap("128m").start()) {
            child.awaitLine(line -> line.startsWith("OPEN"), Duration.ofSeconds(60));

            assertThatThrownBy(() -> LogStore.open(CrashTestAppender.config(directory)))
                    .isInstanceOf(StorageLockedException.class)
                    .hasMessageContaining("in use by another process")
                    .hasMessageContaining("pid " + child.pid());
            child.killHard();
        }
        try (LogStore store = LogStore.open(CrashTestAppender.config(directory))) {
            assertThat(store.recoveryReport().cleanShutdown()).isFalse();
        }
    }

    @Test
    void appendAfterCloseFailsWithAClearError() {
        LogStore store = LogStore.open(config().build());
        store.close();
        assertThatThrownBy(() -> store.append(ORDERS_0, TestBatches.batch("late", 1, 1)).join())
                .cause()
                .isInstanceOf(StorageClosedException.class);
    }

    @Test
    void findsTheFirstOffsetAtOrAfterATimestamp() {
        try (LogStore store = LogStore.open(config().build())) {
            store.append(ORDERS_0, TestBatches.batch("a", 5, 1_000)).join(); // offsets 0-4, times 1000-1004
            store.append(ORDERS_0, TestBatches.batch("b", 5, 2_000)).join(); // offsets 5-9, times 2000-2004
            store.append(ORDERS_0, TestBatches.batch("c", 5, 1_500)).join(); // offsets 10-14, older times

            assertThat(store.offsetForTimestamp(ORDERS_0, 0)).isZero();
            assertThat(store.offsetForTimestamp(ORDERS_0, 1_003)).isEqualTo(3);
            assertThat(store.offsetForTimestamp(ORDERS_0, 1_005)).isEqualTo(5);
            assertThat(store.offsetForTimestamp(ORDERS_0, 1_600)).isEqualTo(5);
            assertThat(store.offsetForTimestamp(ORDERS_0, 2_004)).isEqualTo(9);
            assertThat(store.offsetForTimestamp(ORDERS_0, 2_005)).isEqualTo(-1);
        }
    }

    @Test
    void groupCommitServesManyConcurrentSyncAppendsWithFewerFsyncs() {
        try (LogStore store = LogStore.open(config().flushPolicy(FlushPolicy.SYNC).segmentBytes(1 << 20).build())) {
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                futures.add(store.append(new QueueId("t", i % 7), TestBatches.batch("g" + i, 2, 1_000)));
            }
            for (CompletableFuture<AppendResult> future : futures) {
                AppendResult result = future.join();
                assertThat(store.flushedPosition()).isGreaterThan(result.logPosition());
            }
            assertThat(store.fsyncCount()).isLessThan(500);
        }
    }

    @Test
    void syncFlushShowsReadersOnlyFlushedRecords() {
        try (LogStore store = LogStore.open(config().flushPolicy(FlushPolicy.SYNC).build())) {
            AppendResult result = store.append(ORDERS_0, TestBatches.batch("s", 3, 1_000)).join();
            assertThat(store.flushedPosition()).isGreaterThan(result.logPosition());
            assertThat(store.endOffset(ORDERS_0)).isEqualTo(3);
        }
    }

    @Test
    void syncFlushNeverShowsAReaderARecordBeforeAnFsyncCoversIt() throws Exception {
        QueueId queue = new QueueId("t", 0);
        try (LogStore store = LogStore.open(config().flushPolicy(FlushPolicy.SYNC).segmentBytes(1 << 20).build())) {
            // A reader samples (visible end offset, then flushed position) while appends stream in.
            List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicBoolean appending = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread reader = new Thread(() -> {
                while (appending.get() && samples.size() < 200_000) {
                    long end = store.endOffset(queue);
                    samples.add(new long[] {end, store.flushedPosition()});
                }
            }, "visibility-reader");
            reader.start();
            java.util.Map<Long, Long> entryEndByLastOffset = new java.util.HashMap<>();
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
            List<Integer> batchBytes = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                ByteBuffer batch = TestBatches.batch("v" + i, 2, 1);
                batchBytes.add(batch.remaining());
                futures.add(store.append(queue, batch));
            }
            for (int i = 0; i < futures.size(); i++) {
                AppendResult result = futures.get(i).join();
                // An entry is its 16-byte header, the topic's name, then the batch.
                entryEndByLastOffset.put(result.lastOffset(), result.logPosition() + 16 + 1 + batchBytes.get(i));
            }
            appending.set(false);
            reader.join();

            long checked = 0;
            for (long[] sample : samples) {
                if (sample[0] > 0) {
                    assertThat(sample[1]).as("offset %d visible at flushed position %d", sample[0] - 1, sample[1])
                            .isGreaterThanOrEqualTo(entryEndByLastOffset.get(sample[0] - 1));
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(100);
        }
    }

    @Test
    void asyncFlushedDurabilityWaitsForAnFsync() {
        try (LogStore store = LogStore.open(config().flushPolicy(FlushPolicy.ASYNC).flushIntervalMs(60_000).build())) {
            AppendResult written = store.append(ORDERS_0, TestBatches.batch("w", 1, 1)).join();
            assertThat(store.endOffset(ORDERS_0)).isEqualTo(1);
            AppendResult flushed = store.append(ORDERS_0, TestBatches.batch("f", 1, 1), Durability.FLUSHED).join();
            assertThat(store.flushedPosition()).isGreaterThan(flushed.logPosition()).isGreaterThan(written.logPosition());
        }
    }

    @Test
    void refusesToStartASegmentWhenTheDiskIsBelowItsFreeSpaceMinimumButKeepsReading() {
        try (LogStore store = LogStore.open(config().diskFreeBytesMin(Long.MAX_VALUE / 2).build())) {
            long appended = 0;
            Throwable failure = null;
            for (int i = 0; i < 100 && failure == null; i++) {
                try {
                    store.append(ORDERS_0, TestBatches.batch(Compression.NONE_NAME, "x" + i, 2, 1, 2_000)).join();
                    appended += 2;
                } catch (CompletionException e) {
                    failure = e.getCause();
                }
            }
            assertThat(failure).isInstanceOf(StorageFullException.class).hasMessageContaining("diskFreeBytesMin");
            assertThat(store.failed()).isFalse();
            assertThat(store.endOffset(ORDERS_0)).isEqualTo(appended);
            assertThat(store.read(ORDERS_0, 0, 1 << 20).batches()).isNotEmpty();
        }
    }

    @Test
    void refusesMoreQueuesThanQueueCountMax() {
        try (LogStore store = LogStore.open(config().queueCountMax(2).build())) {
            store.append(new QueueId("q", 0), TestBatches.batch("a", 1, 1)).join();
            store.append(new QueueId("q", 1), TestBatches.batch("a", 1, 1)).join();
            assertThatThrownBy(() -> store.append(new QueueId("q", 2), TestBatches.batch("a", 1, 1)).join())
                    .cause()
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("queueCountMax is 2");
        }
    }

    private static ByteBuffer copy(ByteBuffer buffer) {
        ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
        copy.put(buffer.duplicate()).flip();
        return copy;
    }

    /** Names for {@link TestBatches} compression arguments. */
    private static final class Compression {
        static final org.apache.kafka.common.compress.Compression NONE_NAME = org.apache.kafka.common.compress.Compression.NONE;
    }
}
