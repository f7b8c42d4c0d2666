package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;

/**
 * SUBSCRIBE response: the subscription id, unique on the connection; PUSH_RECORDS frames carry it
 * as their correlation id.
 */
public record SubscribeResponse(
        ErrorCode errorCode,
        String errorMessage,
        int subscriptionId) implements Response {
    public SubscribeResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
    }

    /** A successful response. */
    public static SubscribeResponse success(int subscriptionId) {
        return new SubscribeResponse(ErrorCode.NONE, null, subscriptionId);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static SubscribeResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new SubscribeResponse(errorCode, errorMessage, 0);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SUBSCRIBE;
    }

    @Override
    public void encode(ByteBuf out) {
        if (!Fields.writeErrorHeader(out, errorCode, errorMessage)) {
            return;
        }
        out.writeInt(subscriptionId);
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static SubscribeResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "SUBSCRIBE response");
            return error(header.errorCode(), header.errorMessage());
        }
        int subscriptionId = Fields.readInt32(in, "SubscribeResponse.subscriptionId");
        Fields.checkConsumed(in, "SUBSCRIBE response");
        return success(subscriptionId);
    }
}
