package dev.sluice.protocol;

import dev.sluice.protocol.internal.BodyWriter;
import dev.sluice.protocol.internal.Fields;
import dev.sluice.protocol.internal.RecordsBuffers;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * PUSH_RECORDS body (broker to client, flag PUSH, correlation id = subscription id): whole batches
 * and the offset after them. An error frame ends the subscription. Encoded by {@link
 * Frames#encodePush} without copying records of 1 KiB or more; decoded records are slices of the
 * frame buffer: not copied, not retained.
 */
public record PushRecords(
        ErrorCode errorCode,
        String errorMessage,
        long nextOffset,
        ByteBuf records) implements Response {
    public PushRecords {
        Fields.checkErrorHeader(errorCode, errorMessage);
        if (errorCode == ErrorCode.NONE) {
            Objects.requireNonNull(records, "records");
        }
    }

    /** A successful push. */
    public static PushRecords success(long nextOffset, ByteBuf records) {
        return new PushRecords(ErrorCode.NONE, null, nextOffset, records);
    }

    /**
     * An error-only push frame, which ends the subscription: the body ends after the error header.
     * The other fields are empty lists, zeros and nulls.
     */
    public static PushRecords error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new PushRecords(errorCode, errorMessage, 0L, null);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.PUSH_RECORDS;
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
        writer.out().writeLong(nextOffset);
        writer.writeRecords(records, "PushRecords.records");
    }

    /**
     * Decodes a PUSH_RECORDS body, consuming {@code in} exactly. Records are a slice of {@code
     * in}: not copied, not retained.
     */
    public static PushRecords decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "PUSH_RECORDS push");
            return error(header.errorCode(), header.errorMessage());
        }
        long nextOffset = Fields.readInt64(in, "PushRecords.nextOffset");
        ByteBuf records = Fields.readBytes(in, "PushRecords.records");
        Fields.checkConsumed(in, "PUSH_RECORDS push");
        return success(nextOffset, records);
    }

    /**
     * A push of {@code batches} back to back, wrapped without a copy (each ByteBuffer's remaining
     * bytes; positions and limits are not changed). The buffers must stay valid until the frame
     * holding them is written.
     */
    public static PushRecords of(long nextOffset, List<ByteBuffer> batches) {
        return success(nextOffset, RecordsBuffers.wrap(batches));
    }
}
