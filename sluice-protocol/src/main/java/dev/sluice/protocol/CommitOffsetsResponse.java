package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * COMMIT_OFFSETS response: one entry per request entry; commits are fsynced before the answer.
 */
public record CommitOffsetsResponse(
        ErrorCode errorCode,
        String errorMessage,
        List<Entry> entries) implements Response {
    public CommitOffsetsResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        entries = List.copyOf(entries);
    }

    /** A successful response. */
    public static CommitOffsetsResponse success(List<Entry> entries) {
        return new CommitOffsetsResponse(ErrorCode.NONE, null, entries);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static CommitOffsetsResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new CommitOffsetsResponse(errorCode, errorMessage, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.COMMIT_OFFSETS;
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
    public static CommitOffsetsResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "COMMIT_OFFSETS response");
            return error(header.errorCode(), header.errorMessage());
        }
        List<Entry> entries =
                Fields.readArray(
                        in, "CommitOffsetsResponse.entries", Entry.BYTES_MIN, Entry::decode);
        Fields.checkConsumed(in, "COMMIT_OFFSETS response");
        return success(entries);
    }

    /** One queue's outcome. */
    public record Entry(int queue, ErrorCode errorCode) {
        static final int BYTES_MIN = 6;

        public Entry {
            Objects.requireNonNull(errorCode, "errorCode");
        }

        void encode(ByteBuf out) {
            out.writeInt(queue);
            out.writeShort(errorCode.code());
        }

        static Entry decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "CommitOffsetsResponse.Entry.queue");
            ErrorCode errorCode = Fields.readErrorCode(in, "CommitOffsetsResponse.Entry.errorCode");
            return new Entry(queue, errorCode);
        }
    }
}
