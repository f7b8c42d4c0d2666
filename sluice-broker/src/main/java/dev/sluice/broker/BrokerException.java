package dev.sluice.broker;

import java.util.Objects;

/**
 * A request the broker refused or could not complete: {@link #error()} says which rule, the
 * message names the rule and the actual value. Thrown by the broker's methods, or the cause of a
 * failed future.
 */
public class BrokerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final BrokerError error;

    public BrokerException(BrokerError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error, "error");
    }

    public BrokerException(BrokerError error, String message, Throwable cause) {
        super(message, cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    public BrokerError error() {
        return error;
    }
}
