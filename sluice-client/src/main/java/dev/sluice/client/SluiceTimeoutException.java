package dev.sluice.client;

/**
 * An operation did not complete within its time limit ({@code requestTimeoutMs},
 * {@code deliveryTimeoutMs}, {@code maxBlockMs} or a close timeout); the message names the limit.
 * Retriable: the same operation may succeed later. For a send, the message may or may not have
 * been stored.
 */
public class SluiceTimeoutException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** A timeout with a message naming the limit. */
    public SluiceTimeoutException(String message) {
        super(message, true);
    }

    /** A timeout with a message naming the limit and the last failure seen. */
    public SluiceTimeoutException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
