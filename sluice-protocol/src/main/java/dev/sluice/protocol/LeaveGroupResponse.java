package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;

/** LEAVE_GROUP response: the error header only. */
public record LeaveGroupResponse(ErrorCode errorCode, String errorMessage) implements Response {
    public LeaveGroupResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
    }

    /** A successful response. */
    public static LeaveGroupResponse success() {
        return new LeaveGroupResponse(ErrorCode.NONE, null);
    }

    /** An error-only response: the body ends after the error header. */
    public static LeaveGroupResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new LeaveGroupResponse(errorCode, errorMessage);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LEAVE_GROUP;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeErrorHeader(out, errorCode, errorMessage);
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static LeaveGroupResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "LEAVE_GROUP response");
            return error(header.errorCode(), header.errorMessage());
        }
        Fields.checkConsumed(in, "LEAVE_GROUP response");
        return success();
    }
}
