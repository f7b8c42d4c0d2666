package dev.sluice.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts messages and bytes and records latencies for {@code sluice perf}: a progress line every
 * second on stderr (rate, MB/s, latency percentiles of that second) and a final summary on stdout,
 * ending with one {@code RESULT key=value ...} line that scripts parse. Thread-safe: any thread may
 * record; {@link #tick} and {@link #summary} run on the reporting thread.
 */
final class PerfReport {
    /** Latencies above this are clamped into the top bucket (HdrHistogram needs a bound). */
    private static final long LATENCY_NS_MAX = TimeUnit.SECONDS.toNanos(60);

    private final String name;
    private final PrintWriter progress;
    private final Recorder interval = new Recorder(LATENCY_NS_MAX, 3);
    private final Histogram total = new Histogram(LATENCY_NS_MAX, 3);
    private final LongAdder messages = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final long startNs = System.nanoTime();
    private Histogram intervalHistogram;
    private long lastTickNs = startNs;
    private long lastMessages;
    private long lastBytes;

    PerfReport(String name, PrintWriter progress) {
        this.name = name;
        this.progress = progress;
    }

    void record(int messageBytes, long latencyNs) {
        messages.increment();
        bytes.add(messageBytes);
        if (latencyNs >= 0) {
            interval.recordValue(Math.min(latencyNs, LATENCY_NS_MAX));
        }
    }

    void error() {
        errors.increment();
    }

    long messages() {
        return messages.sum();
    }

    long errors() {
        return errors.sum();
    }

    /** Prints one progress line for the time since the last tick. */
    synchronized void tick() {
        long nowNs = System.nanoTime();
        long count = messages.sum();
        long byteCount = bytes.sum();
        intervalHistogram = interval.getIntervalHistogram(intervalHistogram);
        total.add(intervalHistogram);
        double seconds = (nowNs - lastTickNs) / 1e9;
        progress.printf(Locale.ROOT, "%7.1f s %12s msg/s %9.1f MB/s%s%s%n", (nowNs - startNs) / 1e9,
                String.format(Locale.ROOT, "%,.0f", (count - lastMessages) / seconds),
                (byteCount - lastBytes) / seconds / 1e6, percentiles(intervalHistogram),
                errors.sum() > 0 ? "  errors " + errors.sum() : "");
        progress.flush();
        lastTickNs = nowNs;
        lastMessages = count;
        lastBytes = byteCount;
    }

    /** Prints the summary of the whole run (call {@link #tick} first so the last interval is included). */
    synchronized void summary(PrintWriter out, long endNs) {
        intervalHistogram = interval.getIntervalHistogram(intervalHistogram);
        total.add(intervalHistogram);
        double seconds = (endNs - startNs) / 1e9;
        long count = messages.sum();
        double rate = count / seconds;
        double megabytes = bytes.sum() / seconds / 1e6;
        out.printf(Locale.ROOT, "%s: %,d messages in %.2f s: %,.0f msg/s, %.1f MB/s%s%n", name, count, seconds, rate, megabytes,
                percentiles(total));
        out.printf(Locale.ROOT, "RESULT %s messages=%d seconds=%.3f msgsPerSec=%.0f mbPerSec=%.2f p50Ms=%.3f p99Ms=%.3f "
                        + "p999Ms=%.3f maxMs=%.3f errors=%d%n", name, count, seconds, rate, megabytes, ms(total, 50),
                ms(total, 99), ms(total, 99.9), total.getTotalCount() == 0 ? 0 : total.getMaxValue() / 1e6, errors.sum());
        out.flush();
    }

    private static String percentiles(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "  latency p50 %.2f ms  p99 %.2f ms  p999 %.2f ms  max %.2f ms", ms(histogram, 50),
                ms(histogram, 99), ms(histogram, 99.9), histogram.getMaxValue() / 1e6);
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1e6;
    }
}
