package dev.sluice.broker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link OffsetsCrashIT}: opens a broker, then {@link #QUEUE_COUNT} threads each
 * commit ever higher offsets for their own queue (admin commits) and print {@code ACK <queue>
 * <offset>} once a commit's future completed, that is, once an fsync covered it. The parent kills it
 * with SIGKILL. Bounded: stops by itself after 60 seconds or when stdin closes.
 */
public final class OffsetCommitter {
    static final int QUEUE_COUNT = 4;
    static final String GROUP = "crash-group";
    static final String TOPIC = "orders";
    private static final long RUN_MS_MAX = 60_000;

    private OffsetCommitter() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        long deadlineNs = System.nanoTime() + RUN_MS_MAX * 1_000_000;
        try (Broker broker = Broker.open(TestBrokers.config(directory).build())) {
            if (broker.topics().isEmpty()) {
                broker.createTopic(TopicSpec.of(TOPIC, QUEUE_COUNT));
            }
            Map<Integer, Long> committed = broker.groups().committed(GROUP, TOPIC);
            System.out.println("OPEN " + committed);
            List<Thread> threads = new ArrayList<>();
            for (int q = 0; q < QUEUE_COUNT; q++) {
                int queue = q;
                Thread committer = new Thread(() -> {
                    long offset = committed.getOrDefault(queue, 0L);
                    while (System.nanoTime() < deadlineNs) {
                        offset++;
                        broker.groups().commit(GROUP, "", TOPIC, Map.of(queue, offset)).join();
                        System.out.println("ACK " + queue + " " + offset);
                    }
                }, "committer-" + q);
                committer.start();
                threads.add(committer);
            }
            for (Thread committer : threads) {
                committer.join();
            }
        }
        System.out.println("DONE");
    }
}
