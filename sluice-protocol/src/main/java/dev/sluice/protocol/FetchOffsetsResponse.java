package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** FETCH_OFFSETS response: one entry per queue. */
public record FetchOffsetsResponse(
        ErrorCode errorCode,
        String errorMessage,
        List<Entry> entries) implements Response {
    /** {@code offset} meaning "nothing committed". */
    public static final long NO_OFFSET = -1;

    public FetchOffsetsResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        entries = List.copyOf(entries);
    }

    /** A successful response. */
    public static FetchOffsetsResponse success(List<Entry> entries) {
        return new FetchOffsetsResponse(ErrorCode.NONE, null, entries);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static FetchOffsetsResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new FetchOffsetsResponse(errorCode, errorMessage, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FETCH_OFFSETS;
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
    public static FetchOffsetsResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "FETCH_OFFSETS response");
            return error(header.errorCode(), header.errorMessage());
        }
        List<Entry> entries =
                Fields.readArray(
                        in, "FetchOffsetsResponse.entries", Entry.BYTES_MIN, Entry::decode);
        Fields.checkConsumed(in, "FETCH_OFFSETS response");
        return success(entries);
    }

    /**
     * A queue and its committed offset ({@link FetchOffsetsResponse#NO_OFFSET}: nothing committed).
     */
    public record Entry(int queue, long offset) {
        static final int BYTES_MIN = 12;

        void encode(ByteBuf out) {
            out.writeInt(queue);
            out.writeLong(offset);
        }

        static Entry decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "FetchOffsetsResponse.Entry.queue");
            long offset = Fields.readInt64(in, "FetchOffsetsResponse.Entry.offset");
            return new Entry(queue, offset);
        }
    }
}
