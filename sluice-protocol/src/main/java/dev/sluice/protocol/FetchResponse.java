package dev.sluice.protocol;

import dev.sluice.protocol.internal.BodyWriter;
import dev.sluice.protocol.internal.Fields;
import dev.sluice.protocol.internal.RecordsBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * FETCH response. Encoded by {@link Frames#encodeResponse} without copying records of 1 KiB or
 * more: build entries with {@link #entry(String, int, long, long, List)} from read-only views of
 * mapped files. Decoded records are slices of the frame buffer: not copied, not retained.
 */
public record FetchResponse(
        ErrorCode errorCode,
        String errorMessage,
        List<Entry> entries) implements Response {
    public FetchResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        entries = List.copyOf(entries);
    }

    /** A successful response. */
    public static FetchResponse success(List<Entry> entries) {
        return new FetchResponse(ErrorCode.NONE, null, entries);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static FetchResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new FetchResponse(errorCode, errorMessage, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FETCH;
    }

    @Override
    public void encode(ByteBuf out) {
        encode(BodyWriter.copying(out));
    }

    /** Encodes into {@code writer}: records go through {@link BodyWriter#writeRecords}. */
    void encode(BodyWriter writer) {
        if (!Fields.writeErrorHeader(writer.out(), errorCode, errorMessage)) {
            return;
        }
        writer.out().writeInt(entries.size());
        for (Entry element : entries) {
            element.encode(writer);
        }
    }

    /**
     * Decodes a response body, consuming {@code in} exactly. Records are a slice of {@code in}:
     * not copied, not retained.
     */
    public static FetchResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "FETCH response");
            return error(header.errorCode(), header.errorMessage());
        }
        List<Entry> entries =
                Fields.readArray(in, "FetchResponse.entries", Entry.BYTES_MIN, Entry::decode);
        Fields.checkConsumed(in, "FETCH response");
        return success(entries);
    }

    /**
     * A successful entry whose records are {@code batches} back to back, wrapped without a copy
     * (each ByteBuffer's remaining bytes; positions and limits are not changed). The buffers must
     * stay valid until the frame holding them is written.
     */
    public static Entry entry(
            String topic, int queue, long startOffset, long endOffset, List<ByteBuffer> batches) {
        return new Entry(
                topic, queue, ErrorCode.NONE, null, startOffset, endOffset,
                RecordsBuffers.wrap(batches));
    }

    /** An entry for a queue that failed: no records. */
    public static Entry errorEntry(
            String topic,
            int queue,
            ErrorCode errorCode,
            String errorMessage) {
        return new Entry(topic, queue, errorCode, errorMessage, -1, -1, Unpooled.EMPTY_BUFFER);
    }

    /**
     * One queue's answer: whole batches in {@code records} (the first may start before the offset
     * asked for: skip its earlier records), the queue's start and end offsets, or an error.
     */
    public record Entry(
            String topic,
            int queue,
            ErrorCode errorCode,
            String errorMessage,
            long startOffset,
            long endOffset,
            ByteBuf records) {
        static final int BYTES_MIN = 30;

        public Entry {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(errorCode, "errorCode");
            Objects.requireNonNull(records, "records");
        }

        void encode(BodyWriter writer) {
            Fields.writeString(writer.out(), topic, "FetchResponse.Entry.topic");
            writer.out().writeInt(queue);
            writer.out().writeShort(errorCode.code());
            Fields.writeNullableString(
                    writer.out(), errorMessage, "FetchResponse.Entry.errorMessage");
            writer.out().writeLong(startOffset);
            writer.out().writeLong(endOffset);
            writer.writeRecords(records, "FetchResponse.Entry.records");
        }

        static Entry decode(ByteBuf in) {
            String topic = Fields.readString(in, "FetchResponse.Entry.topic");
            int queue = Fields.readInt32(in, "FetchResponse.Entry.queue");
            ErrorCode errorCode = Fields.readErrorCode(in, "FetchResponse.Entry.errorCode");
            String errorMessage = Fields.readNullableString(in, "FetchResponse.Entry.errorMessage");
            long startOffset = Fields.readInt64(in, "FetchResponse.Entry.startOffset");
            long endOffset = Fields.readInt64(in, "FetchResponse.Entry.endOffset");
            ByteBuf records = Fields.readBytes(in, "FetchResponse.Entry.records");
            return new Entry(
                    topic, queue, errorCode, errorMessage, startOffset, endOffset, records);
        }
    }
}
