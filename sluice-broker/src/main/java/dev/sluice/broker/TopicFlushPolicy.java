package dev.sluice.broker;

/**
 * A topic's flush policy. Immutable.
 *
 * <p>{@link #SYNC} makes every append to the topic wait for an fsync, whatever the producer's acks.
 * {@link #ASYNC} and {@link #DEFAULT} leave it to the producer's acks; neither can weaken a broker
 * whose storage flush policy is {@code SYNC}.
 */
public enum TopicFlushPolicy {
    /** The broker's storage flush policy decides. */
    DEFAULT,
    /** Appends complete when written unless the producer asks for {@link Acks#DURABLE}. */
    ASYNC,
    /** Every append waits for an fsync (group commit). */
    SYNC
}
