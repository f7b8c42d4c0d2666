package dev.sluice.client;

/**
 * The delivery guarantee a consumer asks for (see {@code docs/guarantees.md}).
 *
 * <ul>
 *   <li>{@link #AT_MOST_ONCE}: the message is acknowledged before the application processes it; a
 *       crash while processing loses it, nothing is ever delivered twice.
 *   <li>{@link #AT_LEAST_ONCE}: the message is acknowledged after the application has processed
 *       it; a crash before the ack delivers it again, nothing acknowledged by the producer is lost.
 *       The default.
 *   <li>{@link #EXACTLY_ONCE}: at-least-once delivery plus consumer-side de-duplication: the
 *       application's effect and the record "this message id was processed" commit in one
 *       transaction, so a redelivered message is acknowledged without processing it again. Only an
 *       {@code IdempotentConsumer} provides it.
 * </ul>
 */
public enum DeliveryMode {
    AT_MOST_ONCE,
    AT_LEAST_ONCE,
    EXACTLY_ONCE
}
