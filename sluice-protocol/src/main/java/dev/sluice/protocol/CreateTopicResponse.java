package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;

/** CREATE_TOPIC response: the error header only. */
public record CreateTopicResponse(ErrorCode errorCode, String errorMessage) implements Response {
    public CreateTopicResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
    }

    /** A successful response. */
    public static CreateTopicResponse success() {
        return new CreateTopicResponse(ErrorCode.NONE, null);
    }

    /** An error-only response: the body ends after the error header. */
    public static CreateTopicResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new CreateTopicResponse(errorCode, errorMessage);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_TOPIC;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeErrorHeader(out, errorCode, errorMessage);
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static CreateTopicResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "CREATE_TOPIC response");
            return error(header.errorCode(), header.errorMessage());
        }
        Fields.checkConsumed(in, "CREATE_TOPIC response");
        return success();
    }
}
