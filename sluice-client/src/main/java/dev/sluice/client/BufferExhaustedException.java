package dev.sluice.client;

/**
 * {@code send} waited {@code maxBlockMs} for room in the producer's buffer
 * ({@code bufferBytesMax}) and found none: the broker (or the network) is slower than the
 * application sends. Retriable.
 */
public class BufferExhaustedException extends SluiceTimeoutException {
    private static final long serialVersionUID = 1L;

    /** An exception whose message gives the sizes and limits. */
    public BufferExhaustedException(String message) {
        super(message);
    }
}
