package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.EmbeddedSluice;
import dev.sluice.client.Message;
import dev.sluice.client.Producer;
import dev.sluice.client.Sluice;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** At-most-once sends arrive when nothing goes wrong. */
@EndToEnd
class OnewayTest {
    @TempDir
    Path dir;

    @Test
    void onewaySendsAreStoredInTheNormalCase() {
        int count = 1_000;
        try (EmbeddedSluice sluice = Sluice.embedded(dir); Admin admin = sluice.admin()) {
            admin.createTopic("metrics", 2);
            try (Producer producer = sluice.producer()) {
                for (int i = 0; i < count; i++) {
                    producer.sendOneway(Message.of("metrics", "cpu-" + i));
                }
                producer.flush();
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> admin.describeTopic("metrics").queues().stream()
                    .mapToLong(Admin.QueueOffsets::endOffset).sum() == count);
            MessageLedger ledger = new MessageLedger();
            var consumer = sluice.consumer(b -> b.group("g").autoOffsetReset(dev.sluice.client.OffsetReset.EARLIEST));
            consumer.subscribe("metrics");
            long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (ledger.distinctCount() < count && System.nanoTime() - deadlineNs < 0) {
                ledger.recordAll(consumer.poll(Duration.ofMillis(200)));
            }
            assertThat(ledger.distinctCount()).isEqualTo(count);
            assertThat(ledger.duplicateCount()).isZero();
        }
    }
}
