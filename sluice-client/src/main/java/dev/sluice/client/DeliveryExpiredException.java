package dev.sluice.client;

import dev.sluice.protocol.ErrorCode;

/**
 * An acknowledgement (ack, nack, reject or visibility extension) for a delivery the group no longer
 * holds under that delivery count: its visibility timeout ran out (the message may be delivered
 * again, to anyone: make processing idempotent, or extend the visibility in time), or it was settled
 * already. Not retriable.
 */
public class DeliveryExpiredException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** The broker's DELIVERY_EXPIRED answer. */
    public DeliveryExpiredException(String message) {
        super(ErrorCode.DELIVERY_EXPIRED, message);
    }
}
