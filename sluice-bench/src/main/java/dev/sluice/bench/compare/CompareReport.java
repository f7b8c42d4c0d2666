package dev.sluice.bench.compare;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The comparison as Markdown: a throughput table and a latency table with one column group per
 * system (Kafka first, Sluice second, empty while Sluice has no implementation) and Sluice/Kafka
 * ratios, every round's figures, and the settings each system ran with.
 */
final class CompareReport {
    private static final String BASE = Systems.KNOWN.get(0);
    private static final String OTHER = Systems.KNOWN.get(1);

    private final CompareOptions options;
    private final List<Workload> workloads;
    private final List<WorkloadResult> results;
    private final Map<String, List<String>> settings;
    private final Map<String, Long> startupPeakRss;

    CompareReport(CompareOptions options, List<Workload> workloads, List<WorkloadResult> results,
            Map<String, List<String>> settings, Map<String, Long> startupPeakRss) {
        this.options = options;
        this.workloads = workloads;
        this.results = results;
        this.settings = settings;
        this.startupPeakRss = startupPeakRss;
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "# %s vs %s, %s: %d interleaved round%s, medians%n%n", BASE, OTHER, LocalDate.now(),
                options.repeat(), options.repeat() == 1 ? "" : "s");
        out.println("Arguments: `" + String.join(" ", options.args()) + "`");
        out.println();
        printThroughput(out);
        printLatency(out);
        printRounds(out);
        printSetup(out);
    }

    private void printThroughput(PrintStream out) {
        out.println("| workload | " + BASE + " msgs/s | " + BASE + " MB/s | " + OTHER + " msgs/s | " + OTHER
                + " MB/s | " + OTHER + "/" + BASE + " (ratio of medians) | " + OTHER + "/" + BASE
                + " (median of round ratios) | broker peak RSS, MiB (" + BASE + " / " + OTHER + ") |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Workload workload : workloads) {
            if (workload instanceof LatencyWorkload) {
                continue;
            }
            WorkloadResult base = median(workload, BASE, WorkloadResult::messagesPerSecond);
            WorkloadResult other = median(workload, OTHER, WorkloadResult::messagesPerSecond);
            out.printf(Locale.ROOT, "| %s `%s` | %s | %s | %s | %s | %s | %s | %s / %s |%n", workload.description(),
                    workload.id(), rate(workload, BASE, base), megabytes(base), rate(workload, OTHER, other),
                    megabytes(other), ratio(base, other, WorkloadResult::messagesPerSecond),
                    medianRoundRatio(workload, WorkloadResult::messagesPerSecond), peakRss(workload, BASE),
                    peakRss(workload, OTHER));
        }
        out.println();
        out.println("MB = 10^6 bytes of message values. `t`: stopped by its time limit before its message count "
                + "in some round (the rate is still valid). `!`: errors in some round (see below).");
        out.println();
    }

    private void printLatency(PrintStream out) {
        if (workloads.stream().noneMatch(w -> w instanceof LatencyWorkload)) {
            return;
        }
        out.println("| workload | " + BASE + " p50 / p99 / p99.9, ms | " + OTHER + " p50 / p99 / p99.9, ms | " + OTHER
                + "/" + BASE + " p50 / p99 / p99.9 | messages recorded (" + BASE + " / " + OTHER
                + ") | broker peak RSS, MiB (" + BASE + " / " + OTHER + ") |");
        out.println("|---|---:|---:|---:|---:|---:|");
        for (Workload workload : workloads) {
            if (workload instanceof LatencyWorkload) {
                LatencySummary base = medianLatency(workload, BASE);
                LatencySummary other = medianLatency(workload, OTHER);
                String ratios = base == null || other == null ? ""
                        : String.format(Locale.ROOT, "%.2f / %.2f / %.2f", other.p50Ns() / (double) base.p50Ns(),
                                other.p99Ns() / (double) base.p99Ns(), other.p999Ns() / (double) base.p999Ns());
                out.printf(Locale.ROOT, "| %s `%s` | %s%s | %s%s | %s | %s / %s | %s / %s |%n",
                        workload.description(), workload.id(), percentiles(base), marks(workload, BASE),
                        percentiles(other), marks(workload, OTHER), ratios, recorded(base), recorded(other),
                        peakRss(workload, BASE), peakRss(workload, OTHER));
            }
        }
        out.println();
        out.println("Latency: consumer's receive time minus the message's scheduled send time (so a producer "
                + "that falls behind shows in the figures), HdrHistogram, 3 significant digits; a warm-up of a "
                + "tenth of the run is not recorded. Ratios below 1: " + OTHER + " is faster.");
        out.println();
    }

    private void printRounds(PrintStream out) {
        out.println("Every round (msgs/s; latency workloads: p99 ms):");
        out.println();
        for (Workload workload : workloads) {
            StringBuilder line = new StringBuilder("- `" + workload.id() + "`:");
            for (String system : Systems.KNOWN) {
                List<WorkloadResult> list = of(workload, system);
                if (list.isEmpty()) {
                    continue;
                }
                line.append(' ').append(system);
                for (WorkloadResult result : list) {
                    line.append(result.latency() == null
                            ? String.format(Locale.ROOT, " %,.0f", result.messagesPerSecond())
                            : String.format(Locale.ROOT, " %.2f", result.latency().p99Ns() / 1e6));
                    if (result.firstError() != null) {
                        line.append(" (").append(result.errorCount()).append(" errors, first: ")
                                .append(result.firstError()).append(')');
                    }
                }
                line.append(';');
            }
            out.println(line);
        }
        out.println();
    }

    private void printSetup(PrintStream out) {
        out.println("Setup:");
        out.println();
        out.printf(Locale.ROOT, "- machine: %d cores, %s; harness JVM %s %s, flags %s%n",
                Runtime.getRuntime().availableProcessors(), memTotal(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getInputArguments());
        WorkloadCatalog.Sizing sizing = options.sizing();
        out.printf(Locale.ROOT, "- sizing: produce %,d value bytes a workload, consume %,d written once, time limit "
                        + "%d s a workload; latency %,d msg/s for %d s after %d ms of warm-up%n",
                sizing.produceBytes(), sizing.consumeBytes(), sizing.timeLimit().toSeconds(),
                sizing.messagesPerSecond(), sizing.latencyDuration().toSeconds(),
                sizing.latencyWarmUp().toMillis());
        out.println("- every system: one producer thread (at most buffer bytes unacknowledged), messages round-robin "
                + "over topics, then over each topic's queues; topics created before and deleted after each run; "
                + "broker peak RSS: VmHWM of the broker process over the run, reset before it");
        for (Map.Entry<String, List<String>> entry : settings.entrySet()) {
            out.printf(Locale.ROOT, "- %s (broker peak RSS right after start: %s MiB):%n", entry.getKey(),
                    mebibytes(startupPeakRss.getOrDefault(entry.getKey(), -1L)));
            entry.getValue().forEach(line -> out.println("  - " + line));
        }
        for (String system : Systems.KNOWN) {
            if (!settings.containsKey(system)) {
                out.println("- " + system + ": not run (" + (options.systems().contains(system)
                        ? "no implementation yet" : "not in --systems") + ")");
            }
        }
    }

    private List<WorkloadResult> of(Workload workload, String system) {
        List<WorkloadResult> list = new ArrayList<>();
        for (WorkloadResult result : results) {
            if (result.workloadId().equals(workload.id()) && result.systemName().equals(system)) {
                list.add(result);
            }
        }
        return list;
    }

    private WorkloadResult median(Workload workload, String system, ToDoubleFunction<WorkloadResult> metric) {
        List<WorkloadResult> list = new ArrayList<>(of(workload, system));
        list.removeIf(WorkloadResult::failed);
        if (list.isEmpty()) {
            return null;
        }
        list.sort(Comparator.comparingDouble(metric));
        return list.get(list.size() / 2);
    }

    /** The median of each percentile over the rounds, separately. */
    private LatencySummary medianLatency(Workload workload, String system) {
        List<LatencySummary> list = new ArrayList<>();
        for (WorkloadResult result : of(workload, system)) {
            if (result.latency() != null && result.latency().count() > 0) {
                list.add(result.latency());
            }
        }
        if (list.isEmpty()) {
            return null;
        }
        return new LatencySummary(medianOf(list, LatencySummary::p50Ns), medianOf(list, LatencySummary::p99Ns),
                medianOf(list, LatencySummary::p999Ns), medianOf(list, LatencySummary::maxNs),
                medianOf(list, LatencySummary::count));
    }

    private static long medianOf(List<LatencySummary> list, java.util.function.ToLongFunction<LatencySummary> field) {
        long[] values = list.stream().mapToLong(field).sorted().toArray();
        return values[values.length / 2];
    }

    private String medianRoundRatio(Workload workload, ToDoubleFunction<WorkloadResult> metric) {
        List<WorkloadResult> base = of(workload, BASE);
        List<WorkloadResult> other = of(workload, OTHER);
        List<Double> ratios = new ArrayList<>();
        for (WorkloadResult b : base) {
            for (WorkloadResult o : other) {
                if (o.round() == b.round() && !o.failed() && !b.failed()) {
                    ratios.add(metric.applyAsDouble(o) / metric.applyAsDouble(b));
                }
            }
        }
        if (ratios.isEmpty()) {
            return "";
        }
        ratios.sort(null);
        return String.format(Locale.ROOT, "%.2f", ratios.get(ratios.size() / 2));
    }

    private static String ratio(WorkloadResult base, WorkloadResult other, ToDoubleFunction<WorkloadResult> metric) {
        return base == null || other == null ? ""
                : String.format(Locale.ROOT, "%.2f", metric.applyAsDouble(other) / metric.applyAsDouble(base));
    }

    private String rate(Workload workload, String system, WorkloadResult result) {
        return result == null ? marks(workload, system)
                : String.format(Locale.ROOT, "%,.0f", result.messagesPerSecond()) + marks(workload, system);
    }

    private static String megabytes(WorkloadResult result) {
        return result == null ? "" : String.format(Locale.ROOT, "%,.1f", result.megabytesPerSecond());
    }

    private String marks(Workload workload, String system) {
        List<WorkloadResult> list = of(workload, system);
        boolean limit = list.stream().anyMatch(WorkloadResult::hitTimeLimit);
        boolean errors = list.stream().anyMatch(r -> r.errorCount() > 0 || r.firstError() != null);
        return (limit ? " t" : "") + (errors ? " !" : "");
    }

    private String peakRss(Workload workload, String system) {
        long peak = of(workload, system).stream().mapToLong(WorkloadResult::brokerPeakRssBytes).max().orElse(-1);
        return peak < 0 ? "" : mebibytes(peak);
    }

    private static String percentiles(LatencySummary summary) {
        return summary == null ? ""
                : String.format(Locale.ROOT, "%.2f / %.2f / %.2f", summary.p50Ns() / 1e6, summary.p99Ns() / 1e6,
                        summary.p999Ns() / 1e6);
    }

    private static String recorded(LatencySummary summary) {
        return summary == null ? "" : String.format(Locale.ROOT, "%,d", summary.count());
    }

    private static String mebibytes(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%,.0f", bytes / 1048576.0);
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kibibytes = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB of memory", kibibytes / 1048576.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "memory unknown";
        }
        return "memory unknown";
    }
}
