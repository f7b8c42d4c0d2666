package dev.sluice.protocol;

import java.util.Objects;

/**
 * A frame or body that breaks the protocol: its {@link #errorCode()} is what the broker answers
 * with ({@link ErrorCode#CORRUPT_FRAME}, {@link ErrorCode#UNSUPPORTED_API},
 * {@link ErrorCode#UNSUPPORTED_VERSION}, {@link ErrorCode#INVALID_REQUEST}), or, from
 * {@link FrameDecoder}, why the connection must close ({@link ErrorCode#FRAME_TOO_LARGE} or
 * {@link ErrorCode#CORRUPT_FRAME} for a length that cannot be trusted).
 *
 * <p>The message names the rule and the value, and is fit to send back as {@code errorMessage}.
 * Decoding any input throws this exception and no other. It has no stack trace: it always comes
 * from a decoder, the message says what was wrong, and a peer sending garbage should not make
 * the broker walk stacks.
 */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    public ProtocolException(ErrorCode errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        if (errorCode == ErrorCode.NONE) {
            throw new IllegalArgumentException("a ProtocolException needs an error, not NONE");
        }
    }

    /** The error to answer with. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** A {@link ErrorCode#CORRUPT_FRAME} with a message formatted by {@link String#format}. */
    public static ProtocolException corruptFrame(String format, Object... arguments) {
        return new ProtocolException(ErrorCode.CORRUPT_FRAME, String.format(format, arguments));
    }
}
