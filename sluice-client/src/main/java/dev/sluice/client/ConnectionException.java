package dev.sluice.client;

/**
 * The connection to the broker could not be made or was lost while a request waited for its
 * answer. Retriable: the client reconnects with back-off. A request that was sent may or may not
 * have been carried out.
 */
public class ConnectionException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** A connection failure with a message naming the broker address. */
    public ConnectionException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
