package dev.sluice.bench.compare;

import java.time.Duration;
import java.util.Locale;

/**
 * Producer throughput: one producer sends {@code messageCount} messages of {@code valueBytes} as fast
 * as the system takes them, round-robin over {@code topicCount} topics and, within each, over its
 * {@code queueCount} queues; timed from the first send to the last completion.
 */
public record ProduceWorkload(String group, int topicCount, int queueCount, int valueBytes, Ack ack,
        long messageCount, Duration timeLimit) implements Workload {
    public ProduceWorkload {
        if (topicCount < 1 || queueCount < 1 || valueBytes < 1 || messageCount < 1) {
            throw new IllegalArgumentException("bad produce workload: " + topicCount + " topics, " + queueCount
                    + " queues, " + valueBytes + " B, " + messageCount + " messages");
        }
    }

    @Override
    public String id() {
        return "produce-" + topicCount + "x" + queueCount + "-" + Workload.sizeId(valueBytes) + "-" + ack.label();
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "produce, %,d topic%s x %d queue%s, %s, %s", topicCount,
                topicCount == 1 ? "" : "s", queueCount, queueCount == 1 ? "" : "s", Workload.sizeLabel(valueBytes),
                ack.label());
    }
}
