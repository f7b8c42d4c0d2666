package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.EmbeddedSluice;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.SendResult;
import dev.sluice.client.Sluice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void producedMessagesAreConsumedByAGroup() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir)) {
            try (Admin admin = sluice.admin()) {
                admin.createTopic("orders", 4);
            }
            try (Producer producer = sluice.producer()) {
                for (int i = 0; i < 100; i++) {
                    SendResult result = producer.sendSync(Message.of("orders", "key-" + i, "value-" + i));
                    assertThat(result.topic()).isEqualTo("orders");
                }
            }
            List<ReceivedMessage> received = new ArrayList<>();
            try (Consumer consumer = sluice.consumer(builder -> builder.group("g").autoOffsetReset(OffsetReset.EARLIEST))) {
                consumer.subscribe("orders");
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (received.size() < 100 && System.nanoTime() < deadline) {
                    received.addAll(consumer.poll(Duration.ofMillis(500)));
                }
            }
            assertThat(received).hasSize(100);
        }
    }
}
