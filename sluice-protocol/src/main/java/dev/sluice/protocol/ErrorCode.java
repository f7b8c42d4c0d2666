package dev.sluice.protocol;

/**
 * Every error the native protocol can answer with, with its stable numeric code (an {@code int16}
 * on the wire), whether a client may retry the same request unchanged, and a default message.
 *
 * <p>Codes are never reused or renumbered: a removed error keeps its number retired. The error
 * table in {@code docs/protocol.md} is checked against this enum by {@code ErrorCodeDocTest}.
 * Immutable and thread-safe.
 */
public enum ErrorCode {
    NONE(0, false, "success"),
    UNKNOWN_SERVER_ERROR(1, false, "a broker bug; the broker log has the cause"),
    CORRUPT_FRAME(2, false, "the body does not parse"),
    UNSUPPORTED_API(3, false, "the api number is unknown"),
    UNSUPPORTED_VERSION(4, false, "the version is outside the api's range"),
    FRAME_TOO_LARGE(5, false, "a frame or an answer would exceed frameBytesMax"),
    UNKNOWN_TOPIC(6, false, "no such topic (and auto-creation is off or not asked for)"),
    TOPIC_EXISTS(7, false, "the topic exists already"),
    INVALID_TOPIC(8, false,
            "name not 1-249 characters of [A-Za-z0-9._-], or reserved (__ prefix)"),
    INVALID_CONFIG(9, false, "a topic setting out of range"),
    UNKNOWN_QUEUE(10, false, "queue number not below the topic's queue count"),
    INVALID_BATCH(11, false, "the batch failed validation"),
    BATCH_TOO_LARGE(12, false, "the batch exceeds the broker's batchBytesMax"),
    OFFSET_OUT_OF_RANGE(13, false, "the offset is below the start or above the end offset"),
    STORAGE_FULL(14, true, "the disk is full; appends resume when space returns"),
    STORAGE_FAILED(15, false, "the log is FAILED after an IO error; the operator must act"),
    BROKER_BUSY(16, true, "a limit was reached (in-flight requests, parked fetches)"),
    REQUEST_TIMEOUT(17, true, "the request's timeoutMs passed before it completed"),
    UNKNOWN_MEMBER(18, false,
            "the member id is not in the group (session expired): join again"),
    NOT_QUEUE_OWNER(19, false, "a commit for a queue the member does not own"),
    GROUP_TOPIC_MISMATCH(20, false, "the group is bound to another topic"),
    INVALID_REQUEST(21, false, "a field out of range"),
    SHUTTING_DOWN(22, true, "the broker is stopping; try another time"),
    UNKNOWN_SUBSCRIPTION(23, false, "no such push subscription on this connection"),
    GROUP_NOT_EMPTY(24, false, "an offset reset or delete needs a group without members"),
    OUT_OF_ORDER_SEQUENCE(25, false,
            "an idempotent batch's base sequence is not the producer's last sequence + 1 on the queue"),
    INVALID_PRODUCER_EPOCH(26, false, "the batch's producer epoch is older than the queue has seen"),
    GROUP_MODE_MISMATCH(27, false,
            "the group exists in the other mode (stream or queue), or in queue mode with other settings"),
    DELIVERY_EXPIRED(28, false,
            "an ack for a delivery the group no longer holds (visibility timeout passed, or acked already)");

    private static final ErrorCode[] BY_CODE;

    static {
        ErrorCode[] values = values();
        int highest = 0;
        for (ErrorCode value : values) {
            highest = Math.max(highest, value.code);
        }
        BY_CODE = new ErrorCode[highest + 1];
        for (ErrorCode value : values) {
            if (BY_CODE[value.code] != null) {
                throw new IllegalStateException("error code " + value.code + " is used twice");
            }
            BY_CODE[value.code] = value;
        }
    }

    private final short code;
    private final boolean retriable;
    private final String defaultMessage;

    ErrorCode(int code, boolean retriable, String defaultMessage) {
        this.code = (short) code;
        this.retriable = retriable;
        this.defaultMessage = defaultMessage;
    }

    /** The number sent on the wire. */
    public short code() {
        return code;
    }

    /** Whether the same request may succeed if sent again unchanged (after a back-off). */
    public boolean retriable() {
        return retriable;
    }

    /** The message to send when there is nothing more specific to say. */
    public String defaultMessage() {
        return defaultMessage;
    }

    /**
     * The error with this code; a code this version does not know (a newer broker's) maps to
     * {@link #UNKNOWN_SERVER_ERROR}, so an old client still sees a failure.
     */
    public static ErrorCode forCode(short code) {
        if (code >= 0 && code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        return UNKNOWN_SERVER_ERROR;
    }

    /** A {@link ProtocolException} carrying this error and {@code message}. */
    public ProtocolException exception(String message) {
        return new ProtocolException(this, message);
    }
}
