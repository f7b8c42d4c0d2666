package dev.sluice.bench.compare;

import java.time.Duration;
import java.util.Locale;

/**
 * End-to-end latency at a fixed rate: a producer sends {@code messagesPerSecond} on a schedule, each
 * value carrying its scheduled send time; a consumer in the same JVM records now minus that time.
 * Measuring from the schedule, not from the actual send, keeps a stalled producer's backlog in the
 * figures (no coordinated omission). The first {@code warmUpCount} messages are not recorded.
 */
public record LatencyWorkload(int queueCount, int valueBytes, Ack ack, int messagesPerSecond, long warmUpCount,
        long messageCount, Duration timeLimit) implements Workload {
    /** A value holds its scheduled send time (nanoTime) and its sequence number. */
    public static final int HEADER_BYTES = 16;

    public LatencyWorkload {
        if (valueBytes < HEADER_BYTES || messagesPerSecond < 1 || warmUpCount >= messageCount) {
            throw new IllegalArgumentException("bad latency workload: " + valueBytes + " B, " + messagesPerSecond
                    + " msg/s, " + warmUpCount + " warm-up of " + messageCount);
        }
    }

    @Override
    public String id() {
        return "latency-1x" + queueCount + "-" + Workload.sizeId(valueBytes) + "-" + ack.label();
    }

    @Override
    public String group() {
        return "latency";
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "end-to-end latency at %,d msg/s, 1 topic x %d queue%s, %s, %s",
                messagesPerSecond, queueCount, queueCount == 1 ? "" : "s", Workload.sizeLabel(valueBytes),
                ack.label());
    }
}
