package dev.sluice.bench.compare;

import org.HdrHistogram.Histogram;

/** Percentiles of an end-to-end latency histogram, in nanoseconds. */
public record LatencySummary(long p50Ns, long p99Ns, long p999Ns, long maxNs, long count) {
    static LatencySummary of(Histogram histogram) {
        return new LatencySummary(histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                histogram.getValueAtPercentile(99.9), histogram.getMaxValue(), histogram.getTotalCount());
    }
}
