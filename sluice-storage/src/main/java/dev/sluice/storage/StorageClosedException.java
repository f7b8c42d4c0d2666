package dev.sluice.storage;

/** The store is closed or closing; the append was not written. */
public final class StorageClosedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StorageClosedException(String message) {
        super(message);
    }

    public StorageClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
