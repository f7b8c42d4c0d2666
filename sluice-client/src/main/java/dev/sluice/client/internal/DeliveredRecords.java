package dev.sluice.client.internal;

import dev.sluice.client.Header;
import dev.sluice.client.QueueMessage;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.QueueReceiveResponse;
import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.record.RecordBatchReader;
import dev.sluice.record.RecordCursor;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A QUEUE_RECEIVE answer turned into messages: only the delivered offsets of each queue's batches
 * (the batches may hold other records, acquired by other consumers or done), each with its delivery
 * count. Made on the event loop while the frame is alive, as {@link FetchedQueue}: keys and values
 * are copied once, straight from the frame.
 *
 * @param messages the delivered messages, per queue in offset order
 * @param errors per-queue errors, by queue
 * @param missingCount deliveries whose record was not in the batches (a broker fault: those messages
 *     come back after their visibility timeout)
 */
public record DeliveredRecords(List<QueueMessage> messages, Map<Integer, QueueError> errors, int missingCount) {

    /** A queue's error in a receive answer. */
    public record QueueError(ErrorCode errorCode, String errorMessage) {}

    /**
     * Parses a receive answer; an error-header answer throws its exception, and so does a corrupt
     * batch.
     */
    public static DeliveredRecords parse(QueueReceiveResponse response, String topic) {
        Errors.check(response);
        List<QueueMessage> messages = new ArrayList<>();
        Map<Integer, QueueError> errors = new HashMap<>();
        int missing = 0;
        for (QueueReceiveResponse.Queue queue : response.queues()) {
            if (queue.errorCode() != ErrorCode.NONE) {
                errors.put(queue.queue(), new QueueError(queue.errorCode(), queue.errorMessage()));
                continue;
            }
            if (queue.deliveries().isEmpty()) {
                continue;
            }
            Map<Long, Integer> counts = new HashMap<>(queue.deliveries().size() * 2);
            for (QueueReceiveResponse.Delivery delivery : queue.deliveries()) {
                counts.put(delivery.offset(), delivery.deliveryCount());
            }
            ByteBuf records = queue.records();
            if (records.isReadable()) {
                parse(topic, queue.queue(), records.nioBuffer(records.readerIndex(), records.readableBytes()), counts,
                        messages);
            }
            missing += counts.size(); // what parse did not take
        }
        return new DeliveredRecords(messages, errors, missing);
    }

    private static void parse(String topic, int queue, ByteBuffer records, Map<Long, Integer> counts,
            List<QueueMessage> out) {
        int start = records.position();
        while (records.limit() - start >= RecordBatchDescriptor.HEADER_BYTES) {
            int size = RecordBatchDescriptor.sizeInBytes(records, start);
            if (size < RecordBatchDescriptor.HEADER_BYTES || size > records.limit() - start) {
                break; // a partial batch at the end: the broker sends whole batches, so none is expected
            }
            RecordBatchDescriptor.check(records, start, size, size);
            RecordCursor cursor = RecordBatchReader.cursor(records.duplicate().limit(start + size), start);
            while (cursor.next()) {
                Integer deliveryCount = counts.remove(cursor.offset());
                if (deliveryCount != null) {
                    out.add(toMessage(topic, queue, cursor, deliveryCount));
                }
            }
            start += size;
        }
    }

    private static QueueMessage toMessage(String topic, int queue, RecordCursor record, int deliveryCount) {
        List<Header> headers;
        if (record.headerCount() == 0) {
            headers = List.of();
        } else {
            List<Header> collected = new ArrayList<>(record.headerCount());
            record.forEachHeader((key, value) -> collected.add(new Header(key, value)));
            headers = collected;
        }
        return new QueueMessage(topic, queue, record.offset(), record.timestamp(), record.key(), record.value(),
                headers, deliveryCount);
    }
}
