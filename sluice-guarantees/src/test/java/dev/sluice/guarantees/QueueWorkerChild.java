package dev.sluice.guarantees;

import dev.sluice.client.QueueConsumer;
import dev.sluice.client.QueueConsumerConfig;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A queue-mode consumer process for the queue-mode guarantee tests, killed with {@code kill -9} by
 * them: {@code QueueWorkerChild <bootstrap> <topic> <group> <maxAttempts> <messageGroups> <failEvery>
 * <holdAt>}. Its handler reads the message value {@code "<key>:<sequence>:<id>"}, prints
 * {@code HANDLED <id> <key> <sequence> <deliveryCount> <epoch micros>} when it starts handling, and
 * throws for ids divisible by {@code failEvery} (0: never); the listener then acks or nacks. The
 * {@code holdAt}-th handling prints {@code HOLDING <id>} and never returns, so that the test kills the
 * process in the middle of handling a message.
 */
public final class QueueWorkerChild {
    private QueueWorkerChild() {}

    public static void main(String[] args) throws InterruptedException {
        QueueConsumer consumer = QueueConsumer.create(QueueConsumerConfig.builder(args[0]).group(args[2])
                .maxAttempts(Integer.parseInt(args[3])).messageGroups(Boolean.parseBoolean(args[4]))
                .visibilityTimeoutMs(QueueGuarantees.VISIBILITY_TIMEOUT_MS).redeliveryDelayMs(10)
                .redeliveryDelayMaxMs(50).maxPollMessages(20).build());
        consumer.subscribe(args[1]);
        int failEvery = Integer.parseInt(args[5]);
        int holdAt = Integer.parseInt(args[6]);
        AtomicInteger handlings = new AtomicInteger();
        consumer.listen(message -> {
            QueueGuarantees.Handling handling = QueueGuarantees.parse(message, Instant.now());
            System.out.println("HANDLED " + handling.line());
            System.out.flush();
            if (handlings.incrementAndGet() == holdAt) {
                System.out.println("HOLDING " + handling.id());
                System.out.flush();
                new CountDownLatch(1).await();
            }
            if (failEvery > 0 && handling.id() % failEvery == 0) {
                throw new IllegalStateException("handler fails id " + handling.id() + " on purpose");
            }
        });
        System.out.println("LISTENING");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
