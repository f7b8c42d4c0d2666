package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;

/** UNSUBSCRIBE response: the error header only. */
public record UnsubscribeResponse(ErrorCode errorCode, String errorMessage) implements Response {
    public UnsubscribeResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
    }

    /** A successful response. */
    public static UnsubscribeResponse success() {
        return new UnsubscribeResponse(ErrorCode.NONE, null);
    }

    /** An error-only response: the body ends after the error header. */
    public static UnsubscribeResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new UnsubscribeResponse(errorCode, errorMessage);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.UNSUBSCRIBE;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeErrorHeader(out, errorCode, errorMessage);
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static UnsubscribeResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "UNSUBSCRIBE response");
            return error(header.errorCode(), header.errorMessage());
        }
        Fields.checkConsumed(in, "UNSUBSCRIBE response");
        return success();
    }
}
