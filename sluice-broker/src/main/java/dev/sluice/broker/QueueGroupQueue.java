package dev.sluice.broker;

/**
 * One queue of a queue-mode group, as described. Immutable.
 *
 * @param queue the queue number
 * @param startOffset every offset below it is done (acknowledged, dead-lettered or gone by retention)
 * @param endOffset the queue's end offset
 * @param inFlight messages acquired now
 * @param available messages ready to deliver, including not-yet-tracked records up to {@code endOffset}
 * @param delayed messages nacked with a delay, waiting
 * @param deadLettered messages dead-lettered (or dropped, without a dead-letter topic) so far
 */
public record QueueGroupQueue(int queue, long startOffset, long endOffset, long inFlight, long available,
        long delayed, long deadLettered) {}
