package dev.sluice.bench;

import dev.sluice.storage.FlushPolicy;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.RecoveryReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The storage engine measured side by side in one run, so that ratios survive a noisy shared
 * machine: raw sequential writes of the same disk, async appends, group-commit sync appends at 1,
 * 16 and 64 appenders, 1 / 1,000 / 10,000 queues, a sequential read, recovery of the log with every
 * index rebuilt, and heap and resident memory at 10,000 queues. Prints a Markdown report.
 *
 * <pre>
 * bin/sluice-bench [--dir bench-data] [--bytes 1073741824] [--seconds 10] [--quick]
 * </pre>
 */
public final class StorageBenchmark {
    private final List<String> rows = new ArrayList<>();

    private StorageBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("bench-data");
        long bytes = 1L << 30;
        long seconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--bytes" -> bytes = Long.parseLong(args[++i]);
                case "--seconds" -> seconds = Long.parseLong(args[++i]);
                case "--quick" -> {
                    bytes = 128L << 20;
                    seconds = 3;
                }
                default -> {
                    System.err.println("usage: StorageBenchmark [--dir DIR] [--bytes N] [--seconds S] [--quick]");
                    System.exit(2);
                }
            }
        }
        new StorageBenchmark().run(dir, bytes, seconds);
    }

    private void run(Path dir, long bytes, long seconds) throws Exception {
        Files.createDirectories(dir);
        ProcessMemory baseline = ProcessMemory.measure();
        // Each workload stops at `bytes` or at 4x `seconds`, whichever comes first.
        StorageWorkloads workloads = new StorageWorkloads(dir, bytes, seconds * 4_000);
        System.out.printf(Locale.ROOT, "# Storage benchmark: %,d bytes a workload, batches of %d x %d B (%,d B), dir %s%n%n",
                bytes, StorageWorkloads.RECORDS_PER_BATCH, StorageWorkloads.VALUE_BYTES, workloads.batchBytes(),
                dir.toAbsolutePath());
        header();

        StorageWorkloads.Result raw = workloads.rawWrite();
        row("raw sequential write (4 MiB writes + fsync)", raw, null, "1.00");

        StorageWorkloads.Result[] read = new StorageWorkloads.Result[1];
        StorageWorkloads.Result async = workloads.appendPipelined("async", FlushPolicy.ASYNC, 1,
                (store, directory, queues) -> read[0] = StorageWorkloads.readSequentially(store, queues.get(0)));
        row("append, async flush, 1 queue", async, raw, "target >= 0.70 of raw");
        row("sequential read of that queue (page cache)", read[0], null, "");

        Path asyncDirectory = dir.resolve("async");
        StorageWorkloads.delete(asyncDirectory.resolve("checkpoint"));
        StorageWorkloads.delete(asyncDirectory.resolve("queues"));
        long start = System.nanoTime();
        RecoveryReport report;
        try (LogStore store = LogStore.open(workloads.config(asyncDirectory, FlushPolicy.ASYNC).build())) {
            report = store.recoveryReport();
        }
        long recoveryNs = System.nanoTime() - start;
        rows.add(String.format(Locale.ROOT, "| recovery, every index rebuilt (%,d B of log, %,d entries) | | | %.2f s | target < 5 s per GiB |",
                report.scannedBytes(), report.scannedEntryCount(), recoveryNs / 1e9));
        StorageWorkloads.delete(asyncDirectory);

        StorageWorkloads.Result asyncClosed = workloads.appendClosedLoop("async64", FlushPolicy.ASYNC, 64, seconds * 1000);
        row("append, async flush, 64 appenders waiting", asyncClosed, async, "");
        for (int threads : new int[] {1, 16, 64}) {
            StorageWorkloads.Result sync = workloads.appendClosedLoop("sync" + threads, FlushPolicy.SYNC, threads,
                    seconds * 1000);
            row(String.format(Locale.ROOT, "append, sync flush (group commit), %d appenders: %.1f appends/fsync",
                    threads, sync.batches() / (double) Math.max(1, sync.fsyncs())), sync, async,
                    threads == 64 ? "target >= 0.50 of async" : "");
        }

        row("append, async flush, 1 queue (again, for the queue ratios)", async, async, "1.00");
        StorageWorkloads.Result thousand = workloads.appendPipelined("q1000", FlushPolicy.ASYNC, 1_000, null);
        row("append, async flush, 1,000 queues", thousand, async, "");
        ProcessMemory[] memory = new ProcessMemory[1];
        long[] checkpointNs = new long[1];
        StorageWorkloads.Result tenThousand = workloads.appendPipelined("q10000", FlushPolicy.ASYNC, 10_000,
                (store, directory, queues) -> {
                    memory[0] = ProcessMemory.measure();
                    long checkpointStart = System.nanoTime();
                    store.checkpoint();
                    checkpointNs[0] = System.nanoTime() - checkpointStart;
                });
        StorageWorkloads.delete(dir.resolve("q10000"));
        row("append, async flush, 10,000 queues", tenThousand, async, "target >= 0.90 of 1 queue");

        for (String line : rows) {
            System.out.println(line);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Checkpoint with 10,000 dirty queue indexes (msync of each, off the writer "
                + "thread): %.2f s%n", checkpointNs[0] / 1e9);
        System.out.printf(Locale.ROOT, "Memory with 10,000 queues open: heap used after GC %,d B (%,d B before the store, "
                        + "so %,d B a queue); resident %,d B, peak resident %,d B (JVM flags: %s)%n",
                memory[0].heapUsedBytes(), baseline.heapUsedBytes(),
                (memory[0].heapUsedBytes() - baseline.heapUsedBytes()) / 10_000, memory[0].residentBytes(),
                memory[0].residentPeakBytes(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private void header() {
        rows.add("| workload | MB/s | records/s | time | ratio |");
        rows.add("|---|---:|---:|---:|---|");
    }

    private void row(String name, StorageWorkloads.Result result, StorageWorkloads.Result against, String note) {
        String ratio = against == null ? note
                : String.format(Locale.ROOT, "%.2f %s", result.megabytesPerSecond() / against.megabytesPerSecond(),
                        note.isEmpty() ? "" : "(" + note + ")");
        rows.add(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f s | %s |", name, result.megabytesPerSecond(),
                result.recordsPerSecond(), result.nanos() / 1e9, ratio));
        System.err.println(rows.get(rows.size() - 1));
    }

}
