package dev.sluice.storage;

/**
 * Where an appended batch landed.
 *
 * @param queue the queue it was appended to
 * @param baseOffset the offset the engine gave its first record
 * @param lastOffset the offset of its last record
 * @param logPosition the commit-log position of its entry
 * @param appendTimeMs the writer's clock when it was appended
 */
public record AppendResult(QueueId queue, long baseOffset, long lastOffset, long logPosition, long appendTimeMs) {}
