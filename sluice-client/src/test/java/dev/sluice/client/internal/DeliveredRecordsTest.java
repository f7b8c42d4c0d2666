package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.QueueMessage;
import dev.sluice.client.UnknownTopicException;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.QueueReceiveResponse;
import dev.sluice.protocol.QueueReceiveResponse.Delivery;
import dev.sluice.record.Compression;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.record.RecordBatchDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveredRecordsTest {

    private static ByteBuffer batch(long baseOffset, String... values) {
        RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, 1_000);
        for (String value : values) {
            builder.append(1_000, "k".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
                    List.of(Record.Header.of("h", "x".getBytes(StandardCharsets.UTF_8))));
        }
        ByteBuffer batch = builder.build();
        RecordBatchDescriptor.baseOffset(batch, 0, baseOffset);
        return batch;
    }

    @Test
    void keepsOnlyTheDeliveredOffsetsWithTheirDeliveryCounts() {
        QueueReceiveResponse response = QueueReceiveResponse.success(List.of(
                QueueReceiveResponse.queue(3, List.of(new Delivery(11, 1), new Delivery(13, 4)),
                        List.of(batch(10, "a", "b", "c"), batch(13, "d", "e")))));

        DeliveredRecords delivered = DeliveredRecords.parse(response, "t");

        assertThat(delivered.messages()).extracting(QueueMessage::offset).containsExactly(11L, 13L);
        assertThat(delivered.messages()).extracting(QueueMessage::valueAsString).containsExactly("b", "d");
        assertThat(delivered.messages()).extracting(QueueMessage::deliveryCount).containsExactly(1, 4);
        assertThat(delivered.messages().get(0).queue()).isEqualTo(3);
        assertThat(delivered.messages().get(0).header("h")).isEqualTo("x");
        assertThat(delivered.missingCount()).isZero();
    }

    @Test
    void countsDeliveriesWhoseRecordIsMissingAndKeepsQueueErrors() {
        QueueReceiveResponse response = QueueReceiveResponse.success(List.of(
                QueueReceiveResponse.queue(0, List.of(new Delivery(1, 1), new Delivery(7, 1)), List.of(batch(0, "a", "b"))),
                QueueReceiveResponse.errorQueue(1, ErrorCode.STORAGE_FAILED, "log failed")));

        DeliveredRecords delivered = DeliveredRecords.parse(response, "t");

        assertThat(delivered.messages()).extracting(QueueMessage::offset).containsExactly(1L);
        assertThat(delivered.missingCount()).isEqualTo(1);
        assertThat(delivered.errors()).containsEntry(1,
                new DeliveredRecords.QueueError(ErrorCode.STORAGE_FAILED, "log failed"));
    }

    @Test
    void anErrorAnswerThrowsItsException() {
        assertThatThrownBy(() -> DeliveredRecords.parse(
                QueueReceiveResponse.error(ErrorCode.UNKNOWN_TOPIC, "no topic t"), "t"))
                .isInstanceOf(UnknownTopicException.class).hasMessageContaining("no topic t");
    }
}
