package dev.sluice.storage.internal;

import dev.sluice.storage.StorageFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit log's sticky failure: the first IO or fsync error (or broken invariant) on the
 * writer or flusher makes the log FAILED, and every later append fails with that cause. An fsync is
 * never retried: after a failed fsync the kernel may have dropped the dirty pages.
 */
public final class LogHealth {
    private static final Logger LOGGER = LoggerFactory.getLogger(LogHealth.class);
    private volatile Throwable failure;

    /** Records the first failure and logs it once at ERROR; later ones are ignored. */
    public synchronized void fail(String what, Throwable cause) {
        if (failure == null) {
            failure = cause;
            LOGGER.error("commit log FAILED, no more appends until the store is reopened: {}", what, cause);
        }
    }

    public boolean failed() {
        return failure != null;
    }

    public StorageFailedException failedException() {
        return new StorageFailedException("commit log is FAILED after: " + failure, failure);
    }
}
