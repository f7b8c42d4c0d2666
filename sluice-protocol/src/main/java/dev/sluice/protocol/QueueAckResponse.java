package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * QUEUE_ACK response: one entry per request entry, in request order. {@code DELIVERY_EXPIRED}
 * for a delivery the group no longer holds under that delivery count.
 */
public record QueueAckResponse(
        ErrorCode errorCode,
        String errorMessage,
        List<Entry> entries) implements Response {
    public QueueAckResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        entries = List.copyOf(entries);
    }

    /** A successful response. */
    public static QueueAckResponse success(List<Entry> entries) {
        return new QueueAckResponse(ErrorCode.NONE, null, entries);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static QueueAckResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new QueueAckResponse(errorCode, errorMessage, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.QUEUE_ACK;
    }

    @Override
    public void encode(ByteBuf out) {
        if (!Fields.writeErrorHeader(out, errorCode, errorMessage)) {
            return;
        }
        out.writeInt(entries.size());
        for (Entry element : entries) {
            element.encode(out);
        }
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static QueueAckResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "QUEUE_ACK response");
            return error(header.errorCode(), header.errorMessage());
        }
        List<Entry> entries =
                Fields.readArray(in, "QueueAckResponse.entries", Entry.BYTES_MIN, Entry::decode);
        Fields.checkConsumed(in, "QUEUE_ACK response");
        return success(entries);
    }

    /** One delivery's outcome: {@code NONE} when applied. */
    public record Entry(int queue, long offset, ErrorCode errorCode, String errorMessage) {
        static final int BYTES_MIN = 16;

        public Entry {
            Objects.requireNonNull(errorCode, "errorCode");
        }

        void encode(ByteBuf out) {
            out.writeInt(queue);
            out.writeLong(offset);
            out.writeShort(errorCode.code());
            Fields.writeNullableString(out, errorMessage, "QueueAckResponse.Entry.errorMessage");
        }

        static Entry decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "QueueAckResponse.Entry.queue");
            long offset = Fields.readInt64(in, "QueueAckResponse.Entry.offset");
            ErrorCode errorCode = Fields.readErrorCode(in, "QueueAckResponse.Entry.errorCode");
            String errorMessage = Fields.readNullableString(in, "QueueAckResponse.Entry.errorMessage");
            return new Entry(queue, offset, errorCode, errorMessage);
        }
    }
}
