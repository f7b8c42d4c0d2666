package dev.sluice.client.internal;

import dev.sluice.client.Header;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.record.RecordBatchReader;
import dev.sluice.record.RecordCursor;
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
            RecordCursor cursor = RecordBatchReader.cursor(batch, start);
            while (cursor.next()) {
                if (cursor.offset() < next) {
                    continue; // before the position: not copied
                }
                if (out.size() >= countMax) {
                    break;
                }
                out.add(toMessage(topic, queue, cursor));
                next = cursor.offset() + 1;
            }
            start += size;
        }
        return next;
    }

    /** The cursor's record with its key and value copied once, straight from the fetched bytes. */
    private static ReceivedMessage toMessage(String topic, int queue, RecordCursor record) {
        List<Header> headers;
        if (record.headerCount() == 0) {
            headers = List.of();
        } else {
            List<Header> collected = new ArrayList<>(record.headerCount());
            record.forEachHeader((key, value) -> collected.add(new Header(key, value)));
            headers = collected;
        }
        return new ReceivedMessage(topic, queue, record.offset(), record.timestamp(), record.key(), record.value(),
                headers);
    }
}
