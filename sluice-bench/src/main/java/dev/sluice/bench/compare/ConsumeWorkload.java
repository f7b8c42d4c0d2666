package dev.sluice.bench.compare;

import java.time.Duration;
import java.util.Locale;

/**
 * Consumer throughput: {@code messageCount} messages are written to a topic once, before the first
 * round (not timed); each round a new consumer reads them all from the start, timed from its first
 * poll to its last message.
 */
public record ConsumeWorkload(int queueCount, int valueBytes, long messageCount, Duration timeLimit)
        implements Workload {
    @Override
    public String id() {
        return "consume-1x" + queueCount + "-" + Workload.sizeId(valueBytes);
    }

    @Override
    public String group() {
        return "consume";
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "consume %,d messages written before, 1 topic x %d queue%s, %s",
                messageCount, queueCount, queueCount == 1 ? "" : "s", Workload.sizeLabel(valueBytes));
    }
}
