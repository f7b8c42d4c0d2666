package dev.sluice.broker;

/**
 * One delivered message: its offset and how many times it has been delivered, this delivery
 * included. (queue, offset, deliveryCount) identifies the delivery in a {@link QueueAck}. Immutable.
 *
 * @param offset the record's offset in its queue
 * @param deliveryCount at least 1; counts this delivery
 */
public record QueueDelivery(long offset, int deliveryCount) {}
