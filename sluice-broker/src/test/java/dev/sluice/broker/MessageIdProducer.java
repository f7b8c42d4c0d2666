package dev.sluice.broker;

import java.nio.file.Path;

/**
 * The child JVM of {@link MessageIdCrashIT}: opens a broker, then sends batches of message ids
 * {@code id-0, id-1, ...} (two records a batch, durable acks) across the topic's queues and prints
 * {@code ACK <lastIndex>} once a batch's append is fsynced. The parent kills it with SIGKILL.
 * Bounded: stops by itself after 60 seconds or 100,000 ids.
 */
public final class MessageIdProducer {
    static final String TOPIC = "payments";
    static final int QUEUE_COUNT = 3;
    private static final long RUN_MS_MAX = 60_000;
    private static final int ID_COUNT_MAX = 100_000;

    private MessageIdProducer() {}

    public static void main(String[] args) {
        Path directory = Path.of(args[0]);
        long deadlineNs = System.nanoTime() + RUN_MS_MAX * 1_000_000;
        try (Broker broker = Broker.open(TestBrokers.config(directory).build())) {
            broker.createTopic(TopicSpec.of(TOPIC, QUEUE_COUNT));
            System.out.println("OPEN");
            for (int i = 0; i + 1 < ID_COUNT_MAX && System.nanoTime() < deadlineNs; i += 2) {
                broker.produce(TOPIC, (i / 2) % QUEUE_COUNT,
                        MessageIdWindowTest.batch(-1, -1, System.currentTimeMillis(), "id-" + i, "id-" + (i + 1)),
                        Acks.DURABLE).join();
                System.out.println("ACK " + (i + 1));
            }
        }
        System.out.println("DONE");
    }
}
