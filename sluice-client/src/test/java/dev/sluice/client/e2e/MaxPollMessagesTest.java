package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.ReceivedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages fetched past maxPollMessages wait in the consumer for the next poll instead of being fetched again. */
@EndToEnd
class MaxPollMessagesTest {
    @TempDir
    Path dir;

    @Test
    void messagesPastMaxPollMessagesAreKeptForTheNextPollNotFetchedAgain() {
        int count = 100;
        try (TestServer server = TestServer.start(dir, Map.of());
                Admin admin = Admin.create(server.bootstrap());
                Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).build());
                Consumer consumer = Consumer.create(ConsumerConfig.builder(server.bootstrap()).group("g")
                        .autoOffsetReset(OffsetReset.EARLIEST).maxPollMessages(10).build())) {
            admin.createTopic("t", 1);
            for (int i = 0; i < count; i++) {
                producer.send(Message.of("t", "m-" + i));
            }
            producer.flush();
            consumer.subscribe("t");

            List<ReceivedMessage> received = new ArrayList<>();
            long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (received.size() < count && System.nanoTime() - deadlineNs < 0) {
                List<ReceivedMessage> batch = consumer.poll(Duration.ofMillis(200));
                assertThat(batch.size()).isLessThanOrEqualTo(10);
                received.addAll(batch);
            }

            assertThat(received).extracting(ReceivedMessage::offset)
                    .containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
            assertThat(consumer.position(0)).isEqualTo(count);
            long bytesIn = server.health().bytesIn();
            long bytesOut = server.health().bytesOut();
            System.out.printf("maxPollMessages 10: %,d messages, %,d bytes stored, %,d bytes fetched%n", count,
                    bytesIn, bytesOut);
            assertThat(bytesOut).as("bytes fetched for %,d bytes stored", bytesIn).isLessThan(2 * bytesIn);
        }
    }

    @Test
    void aSeekDropsTheMessagesKeptForTheNextPoll() {
        try (TestServer server = TestServer.start(dir, Map.of());
                Admin admin = Admin.create(server.bootstrap());
                Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).build());
                Consumer consumer = Consumer.create(ConsumerConfig.builder(server.bootstrap()).group("g")
                        .autoOffsetReset(OffsetReset.EARLIEST).maxPollMessages(10).build())) {
            admin.createTopic("t", 1);
            for (int i = 0; i < 50; i++) {
                producer.send(Message.of("t", "m-" + i));
            }
            producer.flush();
            consumer.subscribe("t");
            PositionsAndOffsetsTest.pollCount(consumer, 10);

            consumer.seek(0, 40);

            assertThat(PositionsAndOffsetsTest.pollCount(consumer, 10)).extracting(ReceivedMessage::offset)
                    .containsExactlyElementsOf(LongStream.range(40, 50).boxed().toList());
        }
    }
}
