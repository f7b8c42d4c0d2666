package dev.sluice.bench.compare;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fixed set of comparison workloads, sized for a run: producer throughput at 1 topic x 1 and x
 * 8 queues, 100 B and 1 KiB, both acks; 100 and 1,000 topics; end-to-end latency at a fixed rate;
 * consumer throughput.
 */
public final class WorkloadCatalog {
    /** The {@code --workloads} groups, in run order. */
    public static final List<String> GROUPS = List.of("produce", "topics", "latency", "consume");

    private static final int SMALL_BYTES = 100;
    private static final int LARGE_BYTES = 1024;

    /**
     * How big a run is.
     *
     * @param produceBytes value bytes a produce workload sends (its message count: this over the size)
     * @param consumeBytes value bytes written once for each consume workload
     * @param timeLimit the time limit of each produce and consume workload
     * @param latencyDuration how long a latency workload records, after its warm-up
     * @param latencyWarmUp how long a latency workload sends before it records
     * @param messagesPerSecond the latency workloads' rate
     */
    public record Sizing(long produceBytes, long consumeBytes, Duration timeLimit, Duration latencyDuration,
            Duration latencyWarmUp, int messagesPerSecond) {}

    private WorkloadCatalog() {}

    /** Every workload, in run order. */
    public static List<Workload> all(Sizing sizing) {
        List<Workload> workloads = new ArrayList<>();
        for (Ack ack : Ack.values()) {
            for (int queueCount : new int[] {1, 8}) {
                for (int valueBytes : new int[] {SMALL_BYTES, LARGE_BYTES}) {
                    workloads.add(produce("produce", sizing, 1, queueCount, valueBytes, ack));
                }
            }
        }
        for (Ack ack : Ack.values()) {
            for (int topicCount : new int[] {100, 1_000}) {
                workloads.add(produce("topics", sizing, topicCount, 1, LARGE_BYTES, ack));
            }
        }
        for (Ack ack : Ack.values()) {
            long warmUp = sizing.messagesPerSecond() * sizing.latencyWarmUp().toMillis() / 1000;
            long total = warmUp + sizing.messagesPerSecond() * sizing.latencyDuration().toMillis() / 1000;
            // Half again the planned sending time: a system that falls behind is stopped, not waited for.
            Duration limit = sizing.latencyWarmUp().plus(sizing.latencyDuration()).multipliedBy(3).dividedBy(2);
            workloads.add(new LatencyWorkload(1, LARGE_BYTES, ack, sizing.messagesPerSecond(), warmUp, total, limit));
        }
        workloads.add(new ConsumeWorkload(1, SMALL_BYTES, sizing.consumeBytes() / SMALL_BYTES, sizing.timeLimit()));
        workloads.add(new ConsumeWorkload(1, LARGE_BYTES, sizing.consumeBytes() / LARGE_BYTES, sizing.timeLimit()));
        workloads.add(new ConsumeWorkload(8, LARGE_BYTES, sizing.consumeBytes() / LARGE_BYTES, sizing.timeLimit()));
        return workloads;
    }

    private static ProduceWorkload produce(String group, Sizing sizing, int topicCount, int queueCount,
            int valueBytes, Ack ack) {
        return new ProduceWorkload(group, topicCount, queueCount, valueBytes, ack, sizing.produceBytes() / valueBytes,
                sizing.timeLimit());
    }

    /** The workloads in the given groups whose id matches {@code only} (a regex, found anywhere). */
    public static List<Workload> select(List<Workload> workloads, Set<String> groups, Pattern only) {
        List<Workload> selected = new ArrayList<>();
        for (Workload workload : workloads) {
            if (groups.contains(workload.group()) && only.matcher(workload.id()).find()) {
                selected.add(workload);
            }
        }
        return selected;
    }
}
