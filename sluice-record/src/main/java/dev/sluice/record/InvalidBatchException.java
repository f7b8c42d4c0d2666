package dev.sluice.record;

/**
 * A record batch that breaks a rule of the RecordBatch v2 format or a configured limit. The
 * message names the rule and the actual value; the batch was not stored.
 */
public final class InvalidBatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which rule the batch broke; stable names for error mapping at the protocol edge. */
    public enum Reason {
        TOO_SHORT,
        LENGTH_MISMATCH,
        TOO_LARGE,
        BAD_MAGIC,
        CRC_MISMATCH,
        BAD_RECORD_COUNT,
        BAD_COMPRESSION,
        BAD_RECORDS
    }

    private final Reason reason;

    public InvalidBatchException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
