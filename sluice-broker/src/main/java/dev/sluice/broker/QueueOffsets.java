package dev.sluice.broker;

/**
 * One queue's readable range. Immutable.
 *
 * @param queue the queue number
 * @param startOffset the first readable offset (moves up with retention)
 * @param endOffset the offset the queue's next record gets, among visible records
 */
public record QueueOffsets(int queue, long startOffset, long endOffset) {}
