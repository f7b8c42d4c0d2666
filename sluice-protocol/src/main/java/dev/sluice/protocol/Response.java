package dev.sluice.protocol;

/**
 * A response body (or a PUSH_RECORDS body): it starts with the common error header. When
 * {@link #errorCode()} is not {@link ErrorCode#NONE} the body ends after the header; every
 * response type builds such an error-only response with its static {@code error(ErrorCode,
 * String)}, and ignores its other fields when encoding one.
 */
public interface Response extends Message {
    /** {@link ErrorCode#NONE} on success. */
    ErrorCode errorCode();

    /** Null when {@link #errorCode()} is NONE; else a sentence naming the rule and the value. */
    String errorMessage();

    /** Whether this is an error-only response. */
    default boolean isError() {
        return errorCode() != ErrorCode.NONE;
    }
}
