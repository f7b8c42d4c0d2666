package dev.sluice.client;

import dev.sluice.protocol.ErrorCode;

/**
 * A message is larger than the producer's {@code messageBytesMax}, or the broker refused its
 * batch as larger than its {@code batchBytesMax} ({@link ErrorCode#BATCH_TOO_LARGE}). Not
 * retriable.
 */
public class RecordTooLargeException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** The client's own check; the message gives the size and the limit. */
    public RecordTooLargeException(String message) {
        super(message, false);
    }

    /** The broker's answer. */
    public RecordTooLargeException(ErrorCode errorCode, String message) {
        super(errorCode, message);
    }
}
