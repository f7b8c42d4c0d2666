package dev.sluice.client;

/**
 * A message is larger than the producer's {@code messageBytesMax} (or the broker refused its
 * batch as larger than its {@code batchBytesMax}). Not retriable.
 */
public class RecordTooLargeException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** An exception whose message gives the size and the limit. */
    public RecordTooLargeException(String message) {
        super(message, false);
    }
}
