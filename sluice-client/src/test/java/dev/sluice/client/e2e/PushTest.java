package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.internal.SluiceConsumer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push mode: the credit window holds back a blocked listener's broker; subscriptions survive a broker restart. */
@EndToEnd
class PushTest {
    private static final int CREDIT_BYTES = 32 * 1024;
    private static final int PRODUCER_BATCH_BYTES = 2 * 1024;
    /** A batch of the producer above: its batchBytes, or one message past it, plus the batch header. */
    private static final int BATCH_BYTES_MAX = 2 * PRODUCER_BATCH_BYTES + 128;

    @TempDir
    Path dir;

    @Test
    void aBlockedListenerHoldsAtMostTheCreditWindowPlusOneBatchThenGetsEveryMessageOnce() throws Exception {
        int count = 500;
        MessageLedger ledger = new MessageLedger();
        CountDownLatch release = new CountDownLatch(1);
        try (TestServer server = TestServer.start(dir, Map.of());
                Admin admin = Admin.create(server.bootstrap());
                Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap())
                        .batchBytes(PRODUCER_BATCH_BYTES).build());
                SluiceConsumer consumer = (SluiceConsumer) Consumer.create(ConsumerConfig.builder(server.bootstrap())
                        .group("g").autoOffsetReset(OffsetReset.EARLIEST).pushCreditBytes(CREDIT_BYTES).build())) {
            admin.createTopic("t", 1);
            byte[] value = new byte[1_000];
            for (int i = 0; i < count; i++) {
                Arrays.fill(value, (byte) i);
                producer.send(Message.builder("t").value(value.clone()).build());
            }
            producer.flush();
            consumer.subscribe("t");

            consumer.listen(message -> {
                ledger.record(message);
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.pushBacklogBytes() >= CREDIT_BYTES);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> consumer.pushBacklogBytes() <= CREDIT_BYTES + BATCH_BYTES_MAX);
            long heldBytes = consumer.pushBacklogBytes();
            assertThat(ledger.distinctCount()).isEqualTo(1);

            release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> ledger.distinctCount() >= count);
            assertThat(ledger.distinctCount()).isEqualTo(count);
            assertThat(ledger.duplicateCount()).isZero();
            System.out.printf("push back-pressure: %,d bytes held by a blocked listener (window %,d); %,d messages, "
                    + "%,d duplicates%n", heldBytes, CREDIT_BYTES, ledger.distinctCount(), ledger.duplicateCount());
        }
    }

    @Test
    void pushResumesAfterTheBrokerRestarts() {
        try (TestServer server = TestServer.start(dir, Map.of());
                Admin admin = Admin.create(server.bootstrap());
                Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).build());
                Consumer consumer = Consumer.create(ConsumerConfig.builder(server.bootstrap()).group("g")
                        .autoOffsetReset(OffsetReset.EARLIEST).sessionTimeoutMs(1_000).build())) {
            admin.createTopic("t", 2);
            MessageLedger ledger = new MessageLedger();
            consumer.subscribe("t");
            consumer.listen(ledger::record);
            for (int i = 0; i < 100; i++) {
                producer.send(Message.of("t", "k-" + (i % 8), "before-" + i));
            }
            producer.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.distinctCount() >= 100);

            server.stop();
            server.startAgain();
            for (int i = 0; i < 100; i++) {
                producer.send(Message.of("t", "k-" + (i % 8), "after-" + i));
            }
            producer.flush();

            await().atMost(Duration.ofSeconds(20)).until(() -> ledger.distinctCount() >= 200);
            assertThat(ledger.distinctCount()).isEqualTo(200);
            System.out.printf("push across a broker restart: %,d messages, %,d duplicates (at-least-once)%n",
                    ledger.distinctCount(), ledger.duplicateCount());
        }
    }
}
