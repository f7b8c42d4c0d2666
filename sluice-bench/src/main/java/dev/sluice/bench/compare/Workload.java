package dev.sluice.bench.compare;

import java.time.Duration;

/**
 * One workload of the comparison, run the same way through every {@link MessagingSystem}. Each is
 * bounded twice: by a message count and by a time limit, whichever comes first.
 */
public sealed interface Workload permits ProduceWorkload, LatencyWorkload, ConsumeWorkload {
    /** Short, stable name for {@code --only} and the report, e.g. {@code produce-1x8-100B-leader}. */
    String id();

    /** The {@code --workloads} group this belongs to: produce, topics, latency or consume. */
    String group();

    /** One line for the report. */
    String description();

    long messageCount();

    Duration timeLimit();

    /** "100 B", "1 KiB". */
    static String sizeLabel(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    /** "100B", "1KiB": the form used in ids. */
    static String sizeId(int bytes) {
        return sizeLabel(bytes).replace(" ", "");
    }
}
