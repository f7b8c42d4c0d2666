package dev.sluice.client.internal;

import dev.sluice.client.Header;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.record.RecordBatchReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns fetched or pushed bytes (whole RecordBatch v2 batches back to back) into messages,
 * checking each batch's CRC first and skipping records before the position asked for (a batch
 * may start earlier). Stateless.
 */
public final class RecordsParser {
    private RecordsParser() {}

    /**
     * Appends to {@code out} the messages of {@code records} at or after {@code fromOffset}, at
     * most {@code countMax} in all in {@code out}.
     *
     * @return the offset after the last message appended, or {@code fromOffset} if none
     * @throws dev.sluice.record.InvalidBatchException if a batch is corrupt
     */
    public static long parse(String topic, int queue, ByteBuffer records, long fromOffset, int countMax,
            List<ReceivedMessage> out) {
        long next = fromOffset;
        int start = records.position();
        while (start < records.limit() && out.size() < countMax) {
            if (records.limit() - start < RecordBatchDescriptor.HEADER_BYTES) {
                break;
            }
            int size = RecordBatchDescriptor.sizeInBytes(records, start);
            if (size < RecordBatchDescriptor.HEADER_BYTES || size > records.limit() - start) {
                break; // a partial batch at the end: the broker sends whole batches, so none is expected
            }
            RecordBatchDescriptor.check(records, start, size, size);
            ByteBuffer batch = records.duplicate().limit(start + size);
            for (Record record : RecordBatchReader.records(batch, start)) {
                if (record.offset() < next) {
                    continue;
                }
                if (out.size() >= countMax) {
                    break;
                }
                out.add(toMessage(topic, queue, record));
                next = record.offset() + 1;
            }
            start += size;
        }
        return next;
    }

    private static ReceivedMessage toMessage(String topic, int queue, Record record) {
        List<Header> headers = new ArrayList<>(record.headers().size());
        for (Record.Header header : record.headers()) {
            headers.add(new Header(header.key(), bytes(header.value())));
        }
        return new ReceivedMessage(topic, queue, record.offset(), record.timestamp(), bytes(record.key()),
                bytes(record.value()), headers);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
