package dev.sluice.client;

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

    private final boolean retriable;

    /** An exception with a message. */
    public SluiceException(String message, boolean retriable) {
        this(message, retriable, null);
    }

    /** An exception with a message and a cause. */
    public SluiceException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    /** Whether the same operation may succeed if tried again later. */
    public boolean retriable() {
        return retriable;
    }
}
