package dev.sluice.client;

import dev.sluice.protocol.ErrorCode;

/**
 * The base of every exception the Sluice client throws for a failed operation (arguments the
 * caller got wrong are {@link IllegalArgumentException}s, use after close an
 * {@link IllegalStateException}).
 *
 * <p>{@link #retriable()} says whether the same operation may succeed if tried again later;
 * the producer has already retried retriable failures until its {@code deliveryTimeoutMs} when
 * it reports one.
 */
public class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;
    private final boolean retriable;

    /** An exception from the client itself (no broker error code). */
    public SluiceException(String message, boolean retriable) {
        this(message, retriable, null);
    }

    /** An exception from the client itself (no broker error code), with a cause. */
    public SluiceException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.errorCode = null;
        this.retriable = retriable;
    }

    /** An error the broker answered with; retriable as the code says. */
    public SluiceException(ErrorCode errorCode, String message) {
        super(errorCode + ": " + (message == null ? errorCode.defaultMessage() : message));
        this.errorCode = errorCode;
        this.retriable = errorCode.retriable();
    }

    /** The broker's error code, or {@code null} when the failure arose in the client. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** Whether the same operation may succeed if tried again later. */
    public boolean retriable() {
        return retriable;
    }
}
