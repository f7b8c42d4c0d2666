package dev.sluice.storage;

/** The commit log hit an IO or fsync error and stopped taking appends (fail stop). Every later append fails with this, carrying the first error as cause. Reopen the store after fixing the disk; recovery repairs the tail. */
public final class StorageFailedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StorageFailedException(String message) {
        super(message);
    }

    public StorageFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
