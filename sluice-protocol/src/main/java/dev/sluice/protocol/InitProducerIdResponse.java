package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;

/** INIT_PRODUCER_ID response: the producer id (unique for the broker's lifetime) and its epoch. */
public record InitProducerIdResponse(
        ErrorCode errorCode,
        String errorMessage,
        long producerId,
        short producerEpoch) implements Response {
    public InitProducerIdResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
    }

    /** A successful response. */
    public static InitProducerIdResponse success(long producerId, short producerEpoch) {
        return new InitProducerIdResponse(ErrorCode.NONE, null, producerId, producerEpoch);
    }

    /** An error-only response: the body ends after the error header; the id is -1. */
    public static InitProducerIdResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new InitProducerIdResponse(errorCode, errorMessage, -1, (short) -1);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.INIT_PRODUCER_ID;
    }

    @Override
    public void encode(ByteBuf out) {
        if (!Fields.writeErrorHeader(out, errorCode, errorMessage)) {
            return;
        }
        out.writeLong(producerId);
        out.writeShort(producerEpoch);
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static InitProducerIdResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "INIT_PRODUCER_ID response");
            return error(header.errorCode(), header.errorMessage());
        }
        long producerId = Fields.readInt64(in, "InitProducerIdResponse.producerId");
        short producerEpoch = Fields.readInt16(in, "InitProducerIdResponse.producerEpoch");
        Fields.checkConsumed(in, "INIT_PRODUCER_ID response");
        return success(producerId, producerEpoch);
    }
}
