package dev.sluice.storage;

import dev.sluice.testsupport.ThreadLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the store lives on a 1 MiB tmpfs (mounting needs root, as CI runs; the test is
 * skipped elsewhere). Appends until the kernel answers ENOSPC — on a log write, a segment roll or an
 * index growing — then checks that the failure is a clear {@link StorageFullException}, the log is
 * not FAILED, reads work, nothing acknowledged is lost, and appends resume once space is freed.
 */
@ExtendWith(ThreadLeakCheck.class)
class DiskFullTest {
    private static final List<QueueId> QUEUES = List.of(new QueueId("full", 0), new QueueId("full", 1),
            new QueueId("other", 0));

    @TempDir
    Path temporary;

    private Path mount;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        mount = Files.createDirectories(temporary.resolve("tmpfs"));
        int exit = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString());
        Assumptions.assumeTrue(exit == 0, "mounting a tmpfs needs root; skipping the real disk-full test");
    }

    @AfterEach
    void unmount() throws Exception {
        // Lazy: mappings of the closed store live until garbage collection and keep the mount busy.
        run("umount", "-l", mount.toString());
    }

    private record Acked(QueueId queue, long offset, ByteBuffer batch) {}

    @Test
    void aFullDiskFailsAppendsWithAClearErrorKeepsReadingAndLosesNothing() throws IOException {
        Path filler = mount.resolve("filler");
        Files.write(filler, new byte[256 * 1024]);
        StorageConfig config = StorageConfig.builder(mount.resolve("data")).segmentBytes(64 * 1024)
                .batchBytesMax(16 * 1024).writeBufferBytes(32 * 1024).indexSegmentEntries(16).diskFreeBytesMin(0)
                .flushPolicy(FlushPolicy.SYNC).build();
        List<Acked> acked = new ArrayList<>();
        try (LogStore store = LogStore.open(config)) {
            Throwable failure = null;
            for (int i = 0; i < 5_000 && failure == null; i++) {
                QueueId queue = QUEUES.get(i % QUEUES.size());
                ByteBuffer batch = TestBatches.batch(Compression.NONE, "b" + i, 2, i, 700);
                try {
                    AppendResult result = store.append(queue, batch.duplicate()).join();
                    acked.add(new Acked(queue, result.baseOffset(), batch));
                } catch (CompletionException e) {
                    failure = e.getCause();
                }
            }
            assertThat(failure).isInstanceOf(StorageFullException.class).hasMessageContaining("disk full");
            assertThat(store.failed()).isFalse();
            assertThat(acked).hasSizeGreaterThan(50);
            checkAcked(store, acked);

            Files.delete(filler);
            QueueId queue = QUEUES.get(0);
            long expected = store.endOffset(queue);
            ByteBuffer batch = TestBatches.batch("after-space-freed", 1, 1);
            AppendResult result = store.append(queue, batch.duplicate()).join();
            assertThat(result.baseOffset()).isEqualTo(expected);
            acked.add(new Acked(queue, result.baseOffset(), batch));
        }
        try (LogStore store = LogStore.open(config)) {
            assertThat(store.recoveryReport().truncated()).isFalse();
            checkAcked(store, acked);
        }
    }

    private static void checkAcked(LogStore store, List<Acked> acked) {
        for (Acked each : acked) {
            ReadResult read = store.read(each.queue(), each.offset(), 1);
            assertThat(read.batches()).hasSize(1);
            assertThat(TestBatches.values(read.batches().get(0))).isEqualTo(TestBatches.values(each.batch()));
        }
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
