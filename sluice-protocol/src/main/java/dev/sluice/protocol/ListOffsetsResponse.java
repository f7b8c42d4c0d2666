package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/** LIST_OFFSETS response: one entry per request entry. */
public record ListOffsetsResponse(
        ErrorCode errorCode,
        String errorMessage,
        List<Entry> entries) implements Response {
    public ListOffsetsResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        entries = List.copyOf(entries);
    }

    /** A successful response. */
    public static ListOffsetsResponse success(List<Entry> entries) {
        return new ListOffsetsResponse(ErrorCode.NONE, null, entries);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static ListOffsetsResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new ListOffsetsResponse(errorCode, errorMessage, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_OFFSETS;
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
    public static ListOffsetsResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "LIST_OFFSETS response");
            return error(header.errorCode(), header.errorMessage());
        }
        List<Entry> entries =
                Fields.readArray(in, "ListOffsetsResponse.entries", Entry.BYTES_MIN, Entry::decode);
        Fields.checkConsumed(in, "LIST_OFFSETS response");
        return success(entries);
    }

    /** One queue's offset, or an error. */
    public record Entry(int queue, ErrorCode errorCode, long offset) {
        static final int BYTES_MIN = 14;

        public Entry {
            Objects.requireNonNull(errorCode, "errorCode");
        }

        void encode(ByteBuf out) {
            out.writeInt(queue);
            out.writeShort(errorCode.code());
            out.writeLong(offset);
        }

        static Entry decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "ListOffsetsResponse.Entry.queue");
            ErrorCode errorCode = Fields.readErrorCode(in, "ListOffsetsResponse.Entry.errorCode");
            long offset = Fields.readInt64(in, "ListOffsetsResponse.Entry.offset");
            return new Entry(queue, errorCode, offset);
        }
    }
}
