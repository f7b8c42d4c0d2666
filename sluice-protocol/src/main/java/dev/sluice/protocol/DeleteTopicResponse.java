package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;

/** DELETE_TOPIC response: the error header only. */
public record DeleteTopicResponse(ErrorCode errorCode, String errorMessage) implements Response {
    public DeleteTopicResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
    }

    /** A successful response. */
    public static DeleteTopicResponse success() {
        return new DeleteTopicResponse(ErrorCode.NONE, null);
    }

    /** An error-only response: the body ends after the error header. */
    public static DeleteTopicResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new DeleteTopicResponse(errorCode, errorMessage);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_TOPIC;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeErrorHeader(out, errorCode, errorMessage);
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static DeleteTopicResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "DELETE_TOPIC response");
            return error(header.errorCode(), header.errorMessage());
        }
        Fields.checkConsumed(in, "DELETE_TOPIC response");
        return success();
    }
}
