package dev.sluice.client.internal;

import dev.sluice.client.ReceivedMessage;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FetchResponse;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One queue's part of a FETCH answer, its records already parsed into messages from the offset
 * asked for on. Made on the event loop while the frame is alive: each key and value is copied
 * once, straight from the frame into the message's own arrays (no intermediate heap copy of the
 * records), and the parsing overlaps the application's work on the poll thread.
 */
public record FetchedQueue(int queue, ErrorCode errorCode, String errorMessage, List<ReceivedMessage> messages) {

    /**
     * Parses a FETCH answer; an error-header answer throws its exception, and so does a corrupt
     * batch (as {@link RecordsParser#parse} does).
     *
     * @param asked the offset asked for per queue: records before it are skipped
     */
    public static List<FetchedQueue> parse(FetchResponse response, String topic, Map<Integer, Long> asked) {
        Errors.check(response);
        List<FetchedQueue> queues = new ArrayList<>(response.entries().size());
        for (FetchResponse.Entry entry : response.entries()) {
            List<ReceivedMessage> messages = new ArrayList<>();
            Long from = asked.get(entry.queue());
            ByteBuf records = entry.records();
            if (from != null && entry.errorCode() == ErrorCode.NONE && records.isReadable()) {
                RecordsParser.parse(topic, entry.queue(), records.nioBuffer(records.readerIndex(),
                        records.readableBytes()), from, Integer.MAX_VALUE, messages);
            }
            queues.add(new FetchedQueue(entry.queue(), entry.errorCode(), entry.errorMessage(), messages));
        }
        return queues;
    }
}
