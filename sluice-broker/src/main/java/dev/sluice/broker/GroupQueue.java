package dev.sluice.broker;

/**
 * One queue of a group's topic, as described. Immutable.
 *
 * @param queue the queue number
 * @param owner the member owning it, or null
 * @param committedOffset the group's committed offset, -1 when none
 * @param endOffset the queue's end offset
 * @param lag records between the committed offset (or the start offset when none) and the end
 */
public record GroupQueue(int queue, String owner, long committedOffset, long endOffset, long lag) {}
