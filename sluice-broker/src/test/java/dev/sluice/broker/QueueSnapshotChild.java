package dev.sluice.broker;

import dev.sluice.storage.QueueId;
import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link QueueGroupsSnapshotIT}: at clock {@code args[1]} it gives a queue-mode
 * group with settings of its own some state (offset 0 acked, offset 1 rejected and, without a
 * dead-letter topic, dropped and counted, offset 2 acquired for 12 hours), fills three segments
 * of the log, moves its clock 11 minutes on, appends the queue groups snapshot unless {@code
 * args[2]} is "none", runs storage retention (10 minutes) and prints {@code READY <start offset of
 * __queue_groups>}; then it waits to be killed (bounded: 60 seconds).
 */
public final class QueueSnapshotChild {
    static final long MINUTE_MS = 60_000;
    static final QueueId STATE_QUEUE = new QueueId("__queue_groups", 0);
    /** Settings other than the defaults, so that replay is seen to keep them. */
    static final QueueGroupSettings SETTINGS = new QueueGroupSettings(7, "", true);

    private QueueSnapshotChild() {}

    static BrokerConfig config(Path directory) {
        return BrokerConfig.builder(directory)
                .storage(TestBrokers.storage(directory).segmentBytes(64 * 1024).batchBytesMax(16 * 1024)
                        .writeBufferBytes(32 * 1024).retentionMs(10 * MINUTE_MS).build())
                .offsetsSnapshotIntervalMs(5 * MINUTE_MS).build();
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        ManualClock clock = new ManualClock(Long.parseLong(args[1]));
        try (Broker broker = Broker.open(config(directory), clock)) {
            broker.createTopic(TopicSpec.of("orders", 1));
            broker.createTopic(TopicSpec.of("filler", 1));
            broker.produce("orders", 0, TestBrokers.batch(clock.getAsLong(), "a", "b", "c"), Acks.LEADER).join();
            broker.queueGroups().receive(new QueueReceiveRequest("workers", "orders", SETTINGS, 3, 1 << 20, 43_200_000,
                    0)).join();
            broker.queueGroups().acknowledge("workers", "orders", List.of(QueueAck.ack(0, 0, 1),
                    QueueAck.reject(0, 1, 1, "dropped"))).join();
            for (int i = 0; i < 18; i++) {
                broker.produce("filler", 0, TestBrokers.batch(clock.getAsLong(), "x".repeat(12 * 1024)),
                        i == 17 ? Acks.DURABLE : Acks.LEADER).join();
            }
            clock.advance(11 * MINUTE_MS);
            if (!args[2].equals("none")) {
                broker.snapshotQueueGroups().join();
            }
            broker.store().enforceRetention();
            System.out.println("READY " + broker.store().startOffset(STATE_QUEUE));
            Thread.sleep(60_000);
        }
    }
}
