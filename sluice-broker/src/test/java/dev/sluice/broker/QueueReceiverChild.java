package dev.sluice.broker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link QueueModeCrashIT}: opens a broker (the first time: a topic of
 * {@link #QUEUE_COUNT} queues with {@link #RECORDS_PER_QUEUE} records each), then receives from a
 * queue-mode group in a loop and for each delivery, at random, acks it, nacks it or leaves it to its
 * visibility timeout. Prints {@code RECV <queue> <offset> <count>} for each delivery once the receive
 * completed, and {@code ACKED <queue> <offset> <count>} once an ack's future completed. The parent
 * kills it with SIGKILL. Bounded: stops by itself after 60 seconds.
 */
public final class QueueReceiverChild {
    static final String TOPIC = "jobs";
    static final String GROUP = "crash-workers";
    static final int QUEUE_COUNT = 2;
    static final int RECORDS_PER_QUEUE = 300;
    static final long VISIBILITY_MS = 1_000;
    private static final long RUN_MS_MAX = 60_000;

    private QueueReceiverChild() {}

    static QueueReceiveRequest request(int maxMessages) {
        return new QueueReceiveRequest(GROUP, TOPIC, new QueueGroupSettings(1_000, null, false), maxMessages, 1 << 20,
                VISIBILITY_MS, 100);
    }

    public static void main(String[] args) {
        Path directory = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        long deadlineNs = System.nanoTime() + RUN_MS_MAX * 1_000_000;
        try (Broker broker = Broker.open(TestBrokers.config(directory).build())) {
            if (broker.topics().isEmpty()) {
                broker.createTopic(TopicSpec.of(TOPIC, QUEUE_COUNT));
                for (int queue = 0; queue < QUEUE_COUNT; queue++) {
                    for (int i = 0; i < RECORDS_PER_QUEUE; i += 10) {
                        String[] values = new String[10];
                        for (int j = 0; j < values.length; j++) {
                            values[j] = queue + "-" + (i + j);
                        }
                        broker.produce(TOPIC, queue, TestBrokers.batch(values), Acks.DURABLE).join();
                    }
                }
            }
            System.out.println("OPEN");
            while (System.nanoTime() < deadlineNs) {
                QueueReceiveResult result = broker.queueGroups().receive(request(1 + random.nextInt(8)))
                        .get(10, TimeUnit.SECONDS);
                List<CompletableFuture<?>> acks = new ArrayList<>();
                for (QueueDeliveries queue : result.queues()) {
                    for (QueueDelivery delivery : queue.deliveries()) {
                        System.out.println("RECV " + queue.queue() + " " + delivery.offset() + " "
                                + delivery.deliveryCount());
                        int choice = random.nextInt(10);
                        if (choice < 7) {
                            acks.add(broker.queueGroups().acknowledge(GROUP, TOPIC,
                                    List.of(QueueAck.ack(queue.queue(), delivery.offset(), delivery.deliveryCount())))
                                    .thenAccept(results -> {
                                        if (results.get(0).error() == null) {
                                            System.out.println("ACKED " + queue.queue() + " " + delivery.offset() + " "
                                                    + delivery.deliveryCount());
                                        }
                                    }));
                        } else if (choice < 9) {
                            acks.add(broker.queueGroups().acknowledge(GROUP, TOPIC, List.of(
                                    QueueAck.nack(queue.queue(), delivery.offset(), delivery.deliveryCount(), 0))));
                        }
                    }
                }
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println("DONE");
    }
}
