package dev.sluice.storage;

import java.util.List;

/**
 * What recovery found and did when the store was opened. Logged once (INFO when clean, WARN when
 * anything was truncated or rebuilt).
 *
 * @param cleanShutdown the previous run closed the store; nothing needed scanning
 * @param scannedFromPosition where the scan of the commit log started (the checkpoint, or the log's
 *     start when an index had to be rebuilt)
 * @param scannedBytes bytes of log verified (CRC checked)
 * @param scannedEntryCount entries verified
 * @param truncatedAtPosition the position the log was cut at, or -1 when nothing was cut
 * @param truncatedBytes bytes of log removed (the rest of the damaged segment that held data, and
 *     every later segment)
 * @param truncationReason why the entry at {@code truncatedAtPosition} was rejected, or null
 * @param rebuiltQueues queues whose index was missing, damaged or short and was rebuilt from the log
 * @param durationMs how long recovery took
 */
public record RecoveryReport(
        boolean cleanShutdown,
        long scannedFromPosition,
        long scannedBytes,
        long scannedEntryCount,
        long truncatedAtPosition,
        long truncatedBytes,
        String truncationReason,
        List<QueueId> rebuiltQueues,
        long durationMs) {

    public boolean truncated() {
        return truncatedAtPosition >= 0;
    }
}
