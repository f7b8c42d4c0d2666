package dev.sluice.broker;

/**
 * A snapshot of the broker's health and counters, for {@code /health} and Prometheus. Immutable;
 * counters count since open.
 *
 * @param status OK, STORAGE_FAILED (an IO or fsync error: appends fail until restart) or CLOSED
 * @param failureMessage why, when not OK; else null
 * @param recordsIn records appended by produce
 * @param bytesIn batch bytes appended by produce
 * @param bytesOut batch bytes returned by fetch and read
 * @param parkedFetches fetches and data waits parked now
 * @param topicCount topics (internal ones excluded)
 * @param groupCount stream-mode groups with members or committed offsets, plus queue-mode groups
 * @param storageWrittenPosition the commit-log position after the last written entry
 * @param storageFlushedPosition the commit-log position an fsync covers
 * @param fsyncCount fsyncs of the commit log since open
 */
public record BrokerHealth(Status status, String failureMessage, long recordsIn, long bytesIn, long bytesOut,
        int parkedFetches, int topicCount, int groupCount, long storageWrittenPosition, long storageFlushedPosition,
        long fsyncCount) {

    /** The broker's state. */
    public enum Status {
        OK,
        STORAGE_FAILED,
        CLOSED
    }

    public boolean ok() {
        return status == Status.OK;
    }
}
