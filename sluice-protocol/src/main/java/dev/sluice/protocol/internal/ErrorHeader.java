package dev.sluice.protocol.internal;

import dev.sluice.protocol.ErrorCode;

/** The common error header of a response body, as read. */
public record ErrorHeader(ErrorCode errorCode, String errorMessage) {
    public boolean isError() {
        return errorCode != ErrorCode.NONE;
    }
}
