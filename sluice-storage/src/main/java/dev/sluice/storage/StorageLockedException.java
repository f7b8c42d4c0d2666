package dev.sluice.storage;

/** The data directory is in use by another process (or another store in this JVM). */
public final class StorageLockedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StorageLockedException(String message) {
        super(message);
    }

    public StorageLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
