package dev.sluice.storage;

/** Base of the storage engine's operating errors: the message names the path, position or limit involved. */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
