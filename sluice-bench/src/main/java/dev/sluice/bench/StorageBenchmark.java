package dev.sluice.bench;

import dev.sluice.storage.FlushPolicy;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.RecoveryReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;

/**
 * The storage engine measured side by side in one run, so that ratios survive a noisy shared
 * machine: raw sequential writes of the same disk, async appends, group-commit sync appends at 1,
 * 16 and 64 appenders, 1 / 1,000 / 10,000 queues, a sequential read, recovery of the log with every
 * index rebuilt, and heap and resident memory at 10,000 queues. Prints a Markdown report.
 *
 * <pre>
 * bin/sluice-bench [--dir bench-data] [--bytes 1073741824] [--seconds 5] [--repeat 3] [--quick]
 * </pre>
 */
public final class StorageBenchmark {
    private final List<String> rows = new ArrayList<>();

    private StorageBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("bench-data");
        long bytes = 1L << 30;
        long seconds = 5;
        int repeat = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--bytes" -> bytes = Long.parseLong(args[++i]);
                case "--seconds" -> seconds = Long.parseLong(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--quick" -> {
                    bytes = 128L << 20;
                    seconds = 2;
                    repeat = 1;
                }
                default -> {
                    System.err.println("usage: StorageBenchmark [--dir DIR] [--bytes N] [--seconds S] [--repeat N] [--quick]");
                    System.exit(2);
                }
            }
        }
        new StorageBenchmark().run(dir, bytes, seconds, repeat);
    }

    private void run(Path dir, long bytes, long seconds, int repeat) throws Exception {
        Files.createDirectories(dir);
        ProcessMemory baseline = ProcessMemory.measure();
        // Each workload stops at `bytes` or at 4x `seconds`, whichever comes first.
        StorageWorkloads workloads = new StorageWorkloads(dir, bytes, seconds * 4_000);
        System.out.printf(Locale.ROOT, "# Storage benchmark: %,d bytes a workload, batches of %d x %d B (%,d B), "
                        + "%d interleaved rounds (medians), dir %s%n%n", bytes, StorageWorkloads.RECORDS_PER_BATCH,
                StorageWorkloads.VALUE_BYTES, workloads.batchBytes(), repeat, dir.toAbsolutePath());

        Map<String, List<StorageWorkloads.Result>> results = new LinkedHashMap<>();
        StorageWorkloads.Result read = null;
        ProcessMemory memory = null;
        long checkpointNs = 0;
        for (int round = 0; round < repeat; round++) {
            add(results, "raw", workloads.rawWrite());
            StorageWorkloads.Result[] readRound = new StorageWorkloads.Result[1];
            add(results, "async", workloads.appendPipelined("async", FlushPolicy.ASYNC, 1,
                    (store, directory, queues) -> readRound[0] = StorageWorkloads.readSequentially(store, queues.get(0))));
            if (round == 0) {
                read = readRound[0];
                measureRecovery(workloads, dir.resolve("async"));
            }
            StorageWorkloads.delete(dir.resolve("async"));
            add(results, "q1000", workloads.appendPipelined("q1000", FlushPolicy.ASYNC, 1_000, null));
            add(results, "keys1", workloads.appendPipelined("keys1", FlushPolicy.ASYNC, 1, true, null));
            add(results, "keys1000", workloads.appendPipelined("keys1000", FlushPolicy.ASYNC, 1_000, true, null));
            ProcessMemory[] memoryRound = new ProcessMemory[1];
            long[] checkpointRound = new long[1];
            add(results, "q10000", workloads.appendPipelined("q10000", FlushPolicy.ASYNC, 10_000,
                    (store, directory, queues) -> {
                        memoryRound[0] = ProcessMemory.measure();
                        long start = System.nanoTime();
                        store.checkpoint();
                        checkpointRound[0] = System.nanoTime() - start;
                    }));
            StorageWorkloads.delete(dir.resolve("q10000"));
            if (round == 0) {
                memory = memoryRound[0];
                checkpointNs = checkpointRound[0];
            }
            add(results, "async64", workloads.appendClosedLoop("async64", FlushPolicy.ASYNC, 64, seconds * 1000));
            for (int threads : new int[] {1, 16, 64}) {
                add(results, "sync" + threads,
                        workloads.appendClosedLoop("sync" + threads, FlushPolicy.SYNC, threads, seconds * 1000));
            }
        }

        header();
        StorageWorkloads.Result raw = median(results.get("raw"));
        StorageWorkloads.Result async = median(results.get("async"));
        row("raw sequential write (4 MiB writes, fsync each second and at the end)", raw, null, "1.00");
        row("append, async flush, 1 queue", async, raw, "target >= 0.70 of raw");
        row("sequential read of that queue (page cache, first round)", read, null, "");
        rows.add(recoveryRow);
        row("append, async flush, 1,000 queues", median(results.get("q1000")), async, "of 1 queue");
        row("append, async flush, 10,000 queues", median(results.get("q10000")), async,
                "of 1 queue; target >= 0.90");
        row("append, async flush, 1 queue, key index on", median(results.get("keys1")), async, "of key index off");
        row("append, async flush, 1,000 queues, key index on", median(results.get("keys1000")),
                median(results.get("q1000")), "of key index off");
        StorageWorkloads.Result async64 = median(results.get("async64"));
        row("append, async flush, 64 appenders each waiting for its append", async64, async, "of pipelined async");
        for (int threads : new int[] {1, 16, 64}) {
            StorageWorkloads.Result sync = median(results.get("sync" + threads));
            row(String.format(Locale.ROOT, "append, sync flush (group commit), %d appenders, %.1f appends an fsync",
                    threads, sync.batches() / (double) Math.max(1, sync.fsyncs())), sync, async,
                    threads == 64 ? "of pipelined async; target >= 0.50" : "of pipelined async");
        }
        for (String line : rows) {
            System.out.println(line);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "All rounds, MB/s: %s%n", perRound(results));
        System.out.printf(Locale.ROOT, "Median of per-round ratios (each round's pair ran back to back): "
                        + "async/raw %.2f, 1,000 queues/1 queue %.2f, 10,000 queues/1 queue %.2f, "
                        + "sync 64/async %.2f, sync 64/async 64 %.2f, key index on/off 1 queue %.2f, "
                        + "1,000 queues %.2f%n",
                medianRatio(results, "async", "raw"), medianRatio(results, "q1000", "async"),
                medianRatio(results, "q10000", "async"), medianRatio(results, "sync64", "async"),
                medianRatio(results, "sync64", "async64"), medianRatio(results, "keys1", "async"),
                medianRatio(results, "keys1000", "q1000"));
        System.out.printf(Locale.ROOT, "Checkpoint with 10,000 dirty queue indexes (one msync each, on the "
                + "checkpointer thread): %.2f s%n", checkpointNs / 1e9);
        System.out.printf(Locale.ROOT, "Memory with 10,000 queues open: heap used after GC %,d B (%,d B before the "
                        + "store, so %,d B a queue); resident %,d B, peak resident %,d B (JVM flags: %s)%n",
                memory.heapUsedBytes(), baseline.heapUsedBytes(),
                (memory.heapUsedBytes() - baseline.heapUsedBytes()) / 10_000, memory.residentBytes(),
                memory.residentPeakBytes(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private String recoveryRow = "";

    /** Deletes the checkpoint and every index, then times the open that rebuilds them from the log. */
    private void measureRecovery(StorageWorkloads workloads, Path directory) {
        StorageWorkloads.delete(directory.resolve("checkpoint"));
        StorageWorkloads.delete(directory.resolve("queues"));
        long start = System.nanoTime();
        RecoveryReport report;
        try (LogStore store = LogStore.open(workloads.config(directory, FlushPolicy.ASYNC).build())) {
            report = store.recoveryReport();
        }
        long nanos = System.nanoTime() - start;
        recoveryRow = String.format(Locale.ROOT, "| recovery: open with every index rebuilt, %,d B of log, %,d entries "
                + "(first round) | %,.0f | | %.2f s | | target < 5 s for 1 GiB |", report.scannedBytes(),
                report.scannedEntryCount(), report.scannedBytes() / 1e6 / (nanos / 1e9), nanos / 1e9);
    }

    private static void add(Map<String, List<StorageWorkloads.Result>> results, String key,
            StorageWorkloads.Result result) {
        results.computeIfAbsent(key, k -> new ArrayList<>()).add(result);
        System.err.printf(Locale.ROOT, "%s: %,.0f MB/s%n", key, result.megabytesPerSecond());
    }

    private static StorageWorkloads.Result median(List<StorageWorkloads.Result> results) {
        List<StorageWorkloads.Result> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingDouble(StorageWorkloads.Result::megabytesPerSecond));
        return sorted.get(sorted.size() / 2);
    }

    private static double medianRatio(Map<String, List<StorageWorkloads.Result>> results, String key, String base) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < results.get(key).size(); i++) {
            ratios.add(results.get(key).get(i).megabytesPerSecond() / results.get(base).get(i).megabytesPerSecond());
        }
        ratios.sort(null);
        return ratios.get(ratios.size() / 2);
    }

    private static String perRound(Map<String, List<StorageWorkloads.Result>> results) {
        StringBuilder text = new StringBuilder();
        results.forEach((key, list) -> {
            text.append(key).append(' ');
            for (StorageWorkloads.Result result : list) {
                text.append(String.format(Locale.ROOT, "%.0f/", result.megabytesPerSecond()));
            }
            text.setLength(text.length() - 1);
            text.append("; ");
        });
        return text.toString();
    }

    private void header() {
        rows.add("| workload | MB/s | records/s | time | CPU s/GiB | ratio (MB/s) |");
        rows.add("|---|---:|---:|---:|---:|---|");
    }

    private void row(String name, StorageWorkloads.Result result, StorageWorkloads.Result against, String note) {
        String ratio = against == null ? note
                : String.format(Locale.ROOT, "%.2f %s", result.megabytesPerSecond() / against.megabytesPerSecond(),
                        note.isEmpty() ? "" : "(" + note + ")");
        rows.add(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f s | %.2f | %s |", name,
                result.megabytesPerSecond(), result.recordsPerSecond(), result.nanos() / 1e9,
                result.cpuSecondsPerGibibyte(), ratio));
    }

}
