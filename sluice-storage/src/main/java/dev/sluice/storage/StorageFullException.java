package dev.sluice.storage;

/** The disk has too little free space for the append. Retriable once space is freed; nothing already written is damaged and reads keep working. */
public final class StorageFullException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StorageFullException(String message) {
        super(message);
    }

    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
