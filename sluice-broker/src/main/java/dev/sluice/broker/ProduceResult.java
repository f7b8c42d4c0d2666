package dev.sluice.broker;

/**
 * Where a produced batch landed. Immutable.
 *
 * @param baseOffset the offset of its first record
 * @param lastOffset the offset of its last record
 * @param appendTimeMs the broker clock when it was appended
 */
public record ProduceResult(long baseOffset, long lastOffset, long appendTimeMs) {}
