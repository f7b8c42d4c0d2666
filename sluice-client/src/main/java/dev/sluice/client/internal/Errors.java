package dev.sluice.client.internal;

import dev.sluice.client.DeliveryExpiredException;
import dev.sluice.client.GroupNotEmptyException;
import dev.sluice.client.RecordTooLargeException;
import dev.sluice.client.SluiceException;
import dev.sluice.client.UnknownTopicException;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.Response;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns broker error codes into the client's exceptions. Stateless. */
public final class Errors {
    private Errors() {}

    /** The exception for a broker error. */
    public static SluiceException toException(ErrorCode errorCode, String message) {
        switch (errorCode) {
            case UNKNOWN_TOPIC:
                return new UnknownTopicException(message);
            case BATCH_TOO_LARGE:
            case FRAME_TOO_LARGE:
                return new RecordTooLargeException(errorCode, message);
            case GROUP_NOT_EMPTY:
                return new GroupNotEmptyException(message);
            case DELIVERY_EXPIRED:
                return new DeliveryExpiredException(message);
            default:
                return new SluiceException(errorCode, message);
        }
    }

    /** Throws the exception for a response's error header, if it has an error. */
    public static <R extends Response> R check(R response) {
        if (response.isError()) {
            throw toException(response.errorCode(), response.errorMessage());
        }
        return response;
    }

    /** The cause inside a future's wrapper exceptions. */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Whether a failure may go away on retry. */
    public static boolean retriable(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof SluiceException sluice && sluice.retriable();
    }

    /** The failure as a runtime exception for a synchronous API: a SluiceException where possible. */
    public static RuntimeException asRuntime(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new SluiceException(cause.toString(), false, cause);
    }
}
