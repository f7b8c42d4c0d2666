package dev.sluice.storage;

/** The log or an index holds bytes that fail their checks where the engine may not repair them silently: the message names the file, the position and the check that failed. */
public final class CorruptLogException extends StorageException {
    private static final long serialVersionUID = 1L;

    public CorruptLogException(String message) {
        super(message);
    }

    public CorruptLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
