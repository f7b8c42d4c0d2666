package dev.sluice.client.internal;

import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FetchResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One queue's part of a FETCH answer with its records copied to the heap (made on the event
 * loop, while the frame is alive).
 */
public record FetchedQueue(int queue, ErrorCode errorCode, String errorMessage, ByteBuffer records) {

    /** Copies a FETCH answer; an error-header answer throws its exception. */
    public static List<FetchedQueue> copyOf(FetchResponse response) {
        Errors.check(response);
        List<FetchedQueue> queues = new ArrayList<>(response.entries().size());
        for (FetchResponse.Entry entry : response.entries()) {
            ByteBuffer records = ByteBuffer.allocate(entry.records().readableBytes());
            entry.records().getBytes(entry.records().readerIndex(), records);
            records.flip();
            queues.add(new FetchedQueue(entry.queue(), entry.errorCode(), entry.errorMessage(), records));
        }
        return queues;
    }
}
