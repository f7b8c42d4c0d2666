package dev.sluice.client;

import dev.sluice.protocol.ErrorCode;

/** The topic does not exist (and was not created automatically). Not retriable. */
public class UnknownTopicException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** The broker's {@link ErrorCode#UNKNOWN_TOPIC} answer. */
    public UnknownTopicException(String message) {
        super(ErrorCode.UNKNOWN_TOPIC, message);
    }
}
