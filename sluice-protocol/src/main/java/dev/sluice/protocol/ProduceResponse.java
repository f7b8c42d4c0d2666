package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/** PRODUCE response: one entry per request entry, in request order. */
public record ProduceResponse(
        ErrorCode errorCode,
        String errorMessage,
        List<Entry> entries) implements Response {
    public ProduceResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        entries = List.copyOf(entries);
    }

    /** A successful response. */
    public static ProduceResponse success(List<Entry> entries) {
        return new ProduceResponse(ErrorCode.NONE, null, entries);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static ProduceResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new ProduceResponse(errorCode, errorMessage, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.PRODUCE;
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
    public static ProduceResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "PRODUCE response");
            return error(header.errorCode(), header.errorMessage());
        }
        List<Entry> entries =
                Fields.readArray(in, "ProduceResponse.entries", Entry.BYTES_MIN, Entry::decode);
        Fields.checkConsumed(in, "PRODUCE response");
        return success(entries);
    }

    /**
     * The outcome for one entry of the request, in request order: the offset given to the batch's
     * first stored record and the broker's append time, or an error; {@code duplicates} lists the
     * records the topic's message-id window dropped (the others were stored in order from
     * {@code baseOffset}; -1 when none was).
     */
    public record Entry(
            int queue,
            ErrorCode errorCode,
            String errorMessage,
            long baseOffset,
            long appendTimeMs,
            List<Duplicate> duplicates) {
        static final int BYTES_MIN = 28;

        public Entry {
            Objects.requireNonNull(errorCode, "errorCode");
            duplicates = List.copyOf(duplicates);
        }

        /** An entry without duplicates. */
        public Entry(int queue, ErrorCode errorCode, String errorMessage, long baseOffset, long appendTimeMs) {
            this(queue, errorCode, errorMessage, baseOffset, appendTimeMs, List.of());
        }

        void encode(ByteBuf out) {
            out.writeInt(queue);
            out.writeShort(errorCode.code());
            Fields.writeNullableString(out, errorMessage, "ProduceResponse.Entry.errorMessage");
            out.writeLong(baseOffset);
            out.writeLong(appendTimeMs);
            out.writeInt(duplicates.size());
            for (Duplicate duplicate : duplicates) {
                duplicate.encode(out);
            }
        }

        static Entry decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "ProduceResponse.Entry.queue");
            ErrorCode errorCode = Fields.readErrorCode(in, "ProduceResponse.Entry.errorCode");
            String errorMessage =
                    Fields.readNullableString(in, "ProduceResponse.Entry.errorMessage");
            long baseOffset = Fields.readInt64(in, "ProduceResponse.Entry.baseOffset");
            long appendTimeMs = Fields.readInt64(in, "ProduceResponse.Entry.appendTimeMs");
            List<Duplicate> duplicates =
                    Fields.readArray(in, "ProduceResponse.Entry.duplicates", Duplicate.BYTES, Duplicate::decode);
            return new Entry(queue, errorCode, errorMessage, baseOffset, appendTimeMs, duplicates);
        }
    }

    /**
     * A record the message-id window dropped: its index in the batch, and the queue and offset of
     * the earlier message with its id (offset -1 when the broker does not know it).
     */
    public record Duplicate(int index, int queue, long offset) {
        static final int BYTES = 16;

        void encode(ByteBuf out) {
            out.writeInt(index);
            out.writeInt(queue);
            out.writeLong(offset);
        }

        static Duplicate decode(ByteBuf in) {
            int index = Fields.readInt32(in, "ProduceResponse.Duplicate.index");
            int queue = Fields.readInt32(in, "ProduceResponse.Duplicate.queue");
            long offset = Fields.readInt64(in, "ProduceResponse.Duplicate.offset");
            return new Duplicate(index, queue, offset);
        }
    }
}
