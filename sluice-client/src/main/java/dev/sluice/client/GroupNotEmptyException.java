package dev.sluice.client;

import dev.sluice.protocol.ErrorCode;

/**
 * An offset reset or delete of a consumer group that still has members
 * ({@link ErrorCode#GROUP_NOT_EMPTY}): stop its consumers first. Not retriable as such.
 */
public class GroupNotEmptyException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** The broker's answer. */
    public GroupNotEmptyException(String message) {
        super(ErrorCode.GROUP_NOT_EMPTY, message);
    }
}
