package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.Message;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.SendResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Message ids over TCP: a restarted producer (a new producer id) resends the same ids and the topic holds each once. */
@EndToEnd
class MessageIdTest {
    private static final int MESSAGE_COUNT = 2_000;

    @TempDir
    Path dir;

    private static List<SendResult> sendAll(String bootstrap, int from, int to) {
        try (Producer producer = Producer.create(ProducerConfig.builder(bootstrap).lingerMs(2).build())) {
            List<CompletableFuture<SendResult>> sends = new ArrayList<>();
            for (int i = from; i < to; i++) {
                // Keys spread over queues; the second run sends with other keys, so ids meet on other queues.
                sends.add(producer.send(Message.builder("payments").key("k-" + (i % 7 + from))
                        .value("payment " + i).messageId("payment-" + i).build()));
            }
            producer.flush();
            return sends.stream().map(CompletableFuture::join).toList();
        }
    }

    @Test
    void aRestartedProducerResendingTheSameIdsLeavesEachMessageStoredOnce() {
        try (TestServer server = TestServer.start(dir, Map.of())) {
            List<SendResult> first = sendAll(server.bootstrap(), 0, MESSAGE_COUNT);
            // A new producer instance (new producer id) resends everything, and 100 messages more.
            List<SendResult> second = sendAll(server.bootstrap(), 0, MESSAGE_COUNT + 100);

            assertThat(first).noneMatch(SendResult::duplicate);
            assertThat(second.subList(0, MESSAGE_COUNT)).allMatch(SendResult::duplicate);
            assertThat(second.subList(MESSAGE_COUNT, MESSAGE_COUNT + 100)).noneMatch(SendResult::duplicate);
            for (int i = 0; i < MESSAGE_COUNT; i++) {
                assertThat(second.get(i).queue()).isEqualTo(first.get(i).queue());
                assertThat(second.get(i).offset()).isEqualTo(first.get(i).offset());
            }
            assertThat(server.endOffsetSum("payments")).isEqualTo(MESSAGE_COUNT + 100);
        }
    }

    @Test
    void messageIdIsCheckedAndReadBack() {
        assertThat(Message.builder("t").messageId("order-17").build().messageId()).isEqualTo("order-17");
        assertThat(Message.of("t", "v").messageId()).isNull();
        assertThatThrownBy(() -> Message.builder("t").messageId("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Message.builder("t").messageId("é".repeat(128)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256 UTF-8 bytes");
    }
}
