package dev.sluice.bench.compare;

/**
 * A topic a workload needs: its name, its number of queues (Kafka: partitions) and whether its
 * messages must be on disk before a send completes ({@link Ack#DURABLE} workloads create durable
 * topics, for systems whose durability is a topic setting, as Kafka's {@code flush.messages} is).
 */
public record TopicSpec(String name, int queueCount, boolean durable) {
    public TopicSpec {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("topic name is empty");
        }
        if (queueCount < 1) {
            throw new IllegalArgumentException("queueCount " + queueCount + " is below 1 (topic " + name + ")");
        }
    }
}
