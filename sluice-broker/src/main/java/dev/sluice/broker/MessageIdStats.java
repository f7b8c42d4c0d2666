package dev.sluice.broker;

/**
 * The message-id window's counters, for metrics. Immutable; counters count since open.
 *
 * @param idsKept message ids remembered now, across every topic
 * @param duplicatesDropped records acknowledged and not stored because their id was in the window
 * @param idsEvicted ids that left before their window ended because {@code messageIdsMax} was reached
 * @param batchesUndecodable batches compressed with a codec Sluice cannot decode (snappy, lz4, zstd),
 *     stored without looking for message ids
 */
public record MessageIdStats(long idsKept, long duplicatesDropped, long idsEvicted, long batchesUndecodable) {}
