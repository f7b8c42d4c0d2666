package dev.sluice.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Kafka and Sluice side by side in one run: each system's broker is started as a child process,
 * then the same workloads run through each system's own client, interleaved in rounds (the order
 * of systems alternating), and a Markdown report gives medians and Sluice/Kafka ratios.
 *
 * <pre>
 * bin/sluice-compare [--quick] [--systems kafka,sluice] [--workloads produce,topics,latency,consume] ...
 * </pre>
 */
public final class CompareBenchmark {
    private final CompareOptions options;
    private final List<MessagingSystem> systems = new ArrayList<>();
    private final Map<String, Long> startupPeakRss = new LinkedHashMap<>();

    private CompareBenchmark(CompareOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        CompareOptions options;
        try {
            options = CompareOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(CompareOptions.USAGE);
            System.exit(2);
            return;
        }
        CompareBenchmark benchmark = new CompareBenchmark(options);
        Thread cleanUp = new Thread(benchmark::stopAll, "compare-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            benchmark.run();
        } finally {
            benchmark.stopAll();
        }
    }

    private void run() throws Exception {
        List<Workload> workloads = WorkloadCatalog.select(WorkloadCatalog.all(options.sizing()), options.groups(),
                options.only());
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("no workload matches --workloads " + options.groups() + " --only "
                    + options.only());
        }
        for (String name : options.systems()) {
            Optional<MessagingSystem> system = Systems.create(name, options);
            if (system.isEmpty()) {
                progress("%s: no implementation yet; its column stays empty", name);
                continue;
            }
            synchronized (systems) {
                systems.add(system.get());
            }
            Path dataDir = dataDir(system.get());
            deleteRecursively(dataDir);
            long start = System.nanoTime();
            system.get().start(dataDir);
            startupPeakRss.put(name, system.get().brokerPeakRssBytes());
            progress("%s: broker up in %.1f s", name, (System.nanoTime() - start) / 1e9);
        }
        Map<String, WorkloadRunner> runners = new LinkedHashMap<>();
        systems.forEach(system -> runners.put(system.name(), new WorkloadRunner(system, options.producer())));
        List<WorkloadResult> results = new ArrayList<>();
        for (int round = 1; round <= options.repeat(); round++) {
            for (Workload workload : workloads) {
                List<MessagingSystem> order = new ArrayList<>(systems);
                if (round % 2 == 0) {
                    Collections.reverse(order); // neither system always runs first
                }
                for (MessagingSystem system : order) {
                    WorkloadResult result = runners.get(system.name()).run(workload, round);
                    results.add(result);
                    progress(round, result);
                }
            }
        }
        for (WorkloadRunner runner : runners.values()) {
            runner.cleanUp();
        }
        Map<String, List<String>> settings = new LinkedHashMap<>();
        systems.forEach(system -> settings.put(system.name(), system.settingsSummary()));
        new CompareReport(options, workloads, results, settings, startupPeakRss).print(System.out);
    }

    private Path dataDir(MessagingSystem system) {
        return options.dir().resolve(system.name());
    }

    /**
     * Stops every broker started (by its PID) and deletes its data; safe to call twice. Holds the
     * lock throughout: a shutdown hook arriving while the main thread cleans up waits for it, since
     * the JVM exits, main thread or not, once the hooks return.
     */
    private void stopAll() {
        synchronized (systems) {
            for (MessagingSystem system : systems) {
                system.stop();
                try {
                    deleteRecursively(dataDir(system));
                } catch (UncheckedIOException e) {
                    System.err.println("could not delete " + dataDir(system) + ": " + e.getCause());
                }
            }
            systems.clear();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void progress(int round, WorkloadResult result) {
        String latency = result.latency() == null ? ""
                : String.format(Locale.ROOT, ", p50/p99/p99.9 %.2f/%.2f/%.2f ms", result.latency().p50Ns() / 1e6,
                        result.latency().p99Ns() / 1e6, result.latency().p999Ns() / 1e6);
        progress("round %d %s %s: %,d msgs in %.2f s, %,.0f msgs/s, %,.1f MB/s%s%s%s", round, result.workloadId(),
                result.systemName(), result.messageCount(), result.elapsedNs() / 1e9, result.messagesPerSecond(),
                result.megabytesPerSecond(), latency, result.hitTimeLimit() ? " (time limit)" : "",
                result.firstError() == null ? "" : ", " + result.errorCount() + " errors, first: " + result.firstError());
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, format + "%n", args);
    }
}
