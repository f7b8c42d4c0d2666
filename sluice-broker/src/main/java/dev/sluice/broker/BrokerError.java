package dev.sluice.broker;

/**
 * Client-facing errors of the broker. Names equal those of the native protocol's {@code ErrorCode}
 * (the server maps by name), so a constant is never renamed or reused. Immutable.
 */
public enum BrokerError {
    UNKNOWN_SERVER_ERROR(false),
    UNKNOWN_TOPIC(false),
    TOPIC_EXISTS(false),
    INVALID_TOPIC(false),
    INVALID_CONFIG(false),
    UNKNOWN_QUEUE(false),
    INVALID_BATCH(false),
    BATCH_TOO_LARGE(false),
    OFFSET_OUT_OF_RANGE(false),
    STORAGE_FULL(true),
    STORAGE_FAILED(false),
    BROKER_BUSY(true),
    REQUEST_TIMEOUT(true),
    UNKNOWN_MEMBER(false),
    NOT_QUEUE_OWNER(false),
    GROUP_TOPIC_MISMATCH(false),
    INVALID_REQUEST(false),
    SHUTTING_DOWN(true),
    GROUP_NOT_EMPTY(false),
    OUT_OF_ORDER_SEQUENCE(false),
    INVALID_PRODUCER_EPOCH(false),
    GROUP_MODE_MISMATCH(false),
    DELIVERY_EXPIRED(false);

    private final boolean retriable;

    BrokerError(boolean retriable) {
        this.retriable = retriable;
    }

    /** Whether the same request may succeed if sent again later. */
    public boolean retriable() {
        return retriable;
    }
}
