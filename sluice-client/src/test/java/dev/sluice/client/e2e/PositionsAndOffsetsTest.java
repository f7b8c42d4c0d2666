package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.AckMode;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.EmbeddedSluice;
import dev.sluice.client.GroupNotEmptyException;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.Sluice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seeks move what the next poll reads; the admin sees commits as lag and resets offsets of an empty group only. */
@EndToEnd
class PositionsAndOffsetsTest {
    private static final long BASE_TIMESTAMP_MS = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void seeksByOffsetTimeAndEndsMoveTheNextPoll() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir); Admin admin = sluice.admin()) {
            admin.createTopic("t", 1);
            Producer producer = sluice.producer();
            produce(producer, 0, 10);
            Consumer consumer = sluice.consumer(b -> b.group("g").ackMode(AckMode.MANUAL)
                    .autoOffsetReset(OffsetReset.EARLIEST));
            consumer.subscribe("t");
            assertThat(offsets(pollCount(consumer, 10))).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);

            consumer.seek(0, 5);
            assertThat(offsets(pollCount(consumer, 5))).containsExactly(5L, 6L, 7L, 8L, 9L);

            consumer.seekToTime(BASE_TIMESTAMP_MS + 3_000);
            assertThat(consumer.position(0)).isEqualTo(3);
            assertThat(offsets(pollCount(consumer, 7))).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);

            consumer.seekToBeginning();
            assertThat(offsets(pollCount(consumer, 10))).hasSize(10).startsWith(0L).endsWith(9L);

            consumer.seekToEnd();
            assertThat(consumer.position(0)).isEqualTo(10);
            produce(producer, 10, 1);
            assertThat(offsets(pollCount(consumer, 1))).containsExactly(10L);
        }
    }

    @Test
    void lagIsEndMinusCommittedAndOffsetsResetOnlyWhenTheGroupIsEmpty() {
        try (EmbeddedSluice sluice = Sluice.embedded(dir); Admin admin = sluice.admin()) {
            admin.createTopic("t", 1);
            produce(sluice.producer(), 0, 10);
            Consumer consumer = sluice.consumer(b -> b.group("g").ackMode(AckMode.MANUAL)
                    .autoOffsetReset(OffsetReset.EARLIEST));
            consumer.subscribe("t");
            pollCount(consumer, 10);

            consumer.commit(Map.of(0, 4L));
            Admin.QueueLag lag = admin.describeGroup("g").queues().get(0);
            assertThat(lag.committedOffset()).isEqualTo(4);
            assertThat(lag.endOffset()).isEqualTo(10);
            assertThat(lag.lag()).isEqualTo(lag.endOffset() - lag.committedOffset()).isEqualTo(6);

            assertThatThrownBy(() -> admin.resetOffsets("g", "t", OffsetReset.EARLIEST))
                    .isInstanceOf(GroupNotEmptyException.class);

            consumer.close();
            admin.resetOffsets("g", "t", OffsetReset.EARLIEST);
            Admin.QueueLag afterReset = admin.describeGroup("g").queues().get(0);
            assertThat(afterReset.committedOffset()).isZero();
            assertThat(afterReset.lag()).isEqualTo(10);
        }
    }

    private static void produce(Producer producer, int from, int count) {
        for (int i = from; i < from + count; i++) {
            producer.send(Message.builder("t").value("m-" + i).timestampMs(BASE_TIMESTAMP_MS + 1_000L * i).build());
        }
        producer.flush();
    }

    /** Polls until {@code count} messages came (or 10 s passed) and returns them. */
    static List<ReceivedMessage> pollCount(Consumer consumer, int count) {
        List<ReceivedMessage> received = new ArrayList<>();
        long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (received.size() < count && System.nanoTime() - deadlineNs < 0) {
            received.addAll(consumer.poll(Duration.ofMillis(200)));
        }
        assertThat(received).hasSize(count);
        return received;
    }

    private static List<Long> offsets(List<ReceivedMessage> messages) {
        return messages.stream().map(ReceivedMessage::offset).toList();
    }
}
