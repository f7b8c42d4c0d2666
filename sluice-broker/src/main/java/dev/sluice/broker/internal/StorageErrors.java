package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.record.InvalidBatchException;
import dev.sluice.storage.CorruptLogException;
import dev.sluice.storage.StorageClosedException;
import dev.sluice.storage.StorageException;
import dev.sluice.storage.StorageFailedException;
import dev.sluice.storage.StorageFullException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps the storage engine's exceptions to client-facing {@link BrokerException}s. Stateless. */
public final class StorageErrors {
    private StorageErrors() {}

    /** The broker exception for {@code failure}, unwrapping completion wrappers; keeps the cause. */
    public static BrokerException toBrokerException(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof BrokerException broker) {
            return broker;
        }
        return new BrokerException(errorOf(cause), String.valueOf(cause.getMessage()), cause);
    }

    /** The message of the cause under completion wrappers. */
    public static String unwrapMessage(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** The cause under {@link CompletionException} and {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static BrokerError errorOf(Throwable cause) {
        if (cause instanceof InvalidBatchException invalid) {
            return invalid.reason() == InvalidBatchException.Reason.TOO_LARGE ? BrokerError.BATCH_TOO_LARGE
                    : BrokerError.INVALID_BATCH;
        }
        if (cause instanceof StorageFullException) {
            return BrokerError.STORAGE_FULL;
        }
        if (cause instanceof StorageFailedException || cause instanceof CorruptLogException) {
            return BrokerError.STORAGE_FAILED;
        }
        if (cause instanceof StorageClosedException) {
            return BrokerError.SHUTTING_DOWN;
        }
        if (cause instanceof StorageException) {
            // The storage engine's plain StorageException is a limit (queueCountMax).
            return BrokerError.BROKER_BUSY;
        }
        return BrokerError.UNKNOWN_SERVER_ERROR;
    }
}
