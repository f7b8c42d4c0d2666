package dev.sluice.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the storage engine is told, validated once here. Build with {@link #builder(Path)};
 * defaults suit a production broker. Only the server's config package reads files or the
 * environment; this record is plain values.
 *
 * @param directory the data directory (created if missing, locked while open)
 * @param segmentBytes size of each commit-log segment file, preallocated; 1 GiB by default
 * @param batchBytesMax the largest batch accepted; 1 MiB by default
 * @param flushPolicy {@link FlushPolicy#SYNC} by default: every acknowledged append is on disk
 * @param flushIntervalMs under ASYNC, how often the flusher fsyncs unflushed data
 * @param checkpointIntervalMs how often index state is forced and checkpointed; recovery scans the
 *     log from the last checkpoint
 * @param retentionMs delete a non-active segment whose last write is older than this; -1 keeps all
 * @param retentionBytes delete the oldest non-active segments while the log is larger; -1 keeps all
 * @param retentionCheckIntervalMs how often retention runs
 * @param indexSegmentEntries entries (one per batch, 32 bytes each) in one queue-index file
 * @param appendQueueDepth append requests waiting for the writer before {@code append} blocks
 * @param writeBufferBytes the writer's buffer: appends drained together are written with one call
 * @param queueCountMax the most queues the store will index (each maps an index file)
 * @param diskFreeBytesMin refuse to start a new segment when the disk has less usable space
 * @param keyIndexEntriesPerSegment record keys indexed per segment (24 bytes each, sparse); 0, the
 *     default, turns the key index off: it costs appends CPU (see docs/benchmarks.md), so it is for
 *     stores that look records up by key; 2,097,152 suits 1 GiB segments
 * @param segmentZeroFill prepare each next segment as written zeros on a background thread, so that
 *     fsyncs need not commit block allocations (faster SYNC flush, twice the bytes written); by
 *     default on under SYNC flush, off under ASYNC
 */
public record StorageConfig(
        Path directory,
        long segmentBytes,
        int batchBytesMax,
        FlushPolicy flushPolicy,
        long flushIntervalMs,
        long checkpointIntervalMs,
        long retentionMs,
        long retentionBytes,
        long retentionCheckIntervalMs,
        int indexSegmentEntries,
        int appendQueueDepth,
        int writeBufferBytes,
        int queueCountMax,
        long diskFreeBytesMin,
        int keyIndexEntriesPerSegment,
        boolean segmentZeroFill) {

    public static final long SEGMENT_BYTES_MIN = 64 * 1024;
    /** Segments are mapped whole for reads; a Java mapping is at most 2 GiB - 1. */
    public static final long SEGMENT_BYTES_MAX = Integer.MAX_VALUE;
    /** Index files are mapped whole; a Java mapping is at most 2 GiB - 1 of 32-byte entries. */
    public static final int INDEX_SEGMENT_ENTRIES_MAX = Integer.MAX_VALUE / 32;
    /** Key index files are mapped whole: entries of 24 bytes plus slots within 2 GiB - 1. */
    public static final int KEY_INDEX_ENTRIES_MAX = 64 << 20;
    /** The largest log-entry header: fixed part plus the longest topic name. */
    public static final int ENTRY_HEADER_BYTES_MAX = 16 + QueueId.TOPIC_LENGTH_MAX;

    public StorageConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(flushPolicy, "flushPolicy");
        check(segmentBytes >= SEGMENT_BYTES_MIN && segmentBytes <= SEGMENT_BYTES_MAX,
                "segmentBytes", segmentBytes, "between " + SEGMENT_BYTES_MIN + " and " + SEGMENT_BYTES_MAX);
        check(batchBytesMax >= 61, "batchBytesMax", batchBytesMax, "at least 61 (one batch header)");
        check(batchBytesMax + (long) ENTRY_HEADER_BYTES_MAX <= segmentBytes,
                "batchBytesMax", batchBytesMax, "at most segmentBytes - " + ENTRY_HEADER_BYTES_MAX + " (" + segmentBytes + ")");
        check(flushIntervalMs > 0, "flushIntervalMs", flushIntervalMs, "positive");
        check(checkpointIntervalMs > 0, "checkpointIntervalMs", checkpointIntervalMs, "positive");
        check(retentionMs == -1 || retentionMs > 0, "retentionMs", retentionMs, "positive or -1 (keep all)");
        check(retentionBytes == -1 || retentionBytes > 0, "retentionBytes", retentionBytes, "positive or -1 (keep all)");
        check(retentionCheckIntervalMs > 0, "retentionCheckIntervalMs", retentionCheckIntervalMs, "positive");
        check(indexSegmentEntries >= 16 && indexSegmentEntries <= INDEX_SEGMENT_ENTRIES_MAX, "indexSegmentEntries",
                indexSegmentEntries, "between 16 and " + INDEX_SEGMENT_ENTRIES_MAX + " (a mapping of 32-byte entries)");
        check(appendQueueDepth >= 1, "appendQueueDepth", appendQueueDepth, "at least 1");
        check(writeBufferBytes >= batchBytesMax + ENTRY_HEADER_BYTES_MAX,
                "writeBufferBytes", writeBufferBytes, "at least batchBytesMax + " + ENTRY_HEADER_BYTES_MAX);
        check(queueCountMax >= 1, "queueCountMax", queueCountMax, "at least 1");
        check(diskFreeBytesMin >= 0, "diskFreeBytesMin", diskFreeBytesMin, "0 or more");
        check(keyIndexEntriesPerSegment >= 0 && keyIndexEntriesPerSegment <= KEY_INDEX_ENTRIES_MAX,
                "keyIndexEntriesPerSegment", keyIndexEntriesPerSegment, "between 0 (off) and " + KEY_INDEX_ENTRIES_MAX);
    }

    private static void check(boolean ok, String key, long actual, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(String.format("%s is %,d; it must be %s", key, actual, rule));
        }
    }

    /** The largest commit-log entry: header plus the largest batch. */
    public int entryBytesMax() {
        return batchBytesMax + ENTRY_HEADER_BYTES_MAX;
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Fluent builder; every setter has the record component's name. Not thread-safe. */
    public static final class Builder {
        private final Path directory;
        private long segmentBytes = 1L << 30;
        private int batchBytesMax = 1 << 20;
        private FlushPolicy flushPolicy = FlushPolicy.SYNC;
        private long flushIntervalMs = 1_000;
        private long checkpointIntervalMs = 60_000;
        private long retentionMs = 7L * 24 * 3600 * 1000;
        private long retentionBytes = -1;
        private long retentionCheckIntervalMs = 60_000;
        private int indexSegmentEntries = 65_536;
        private int appendQueueDepth = 4_096;
        private int writeBufferBytes = 4 << 20;
        private int queueCountMax = 50_000;
        private long diskFreeBytesMin = 64L << 20;
        private Boolean segmentZeroFill;
        private int keyIndexEntriesPerSegment = 0;

        private Builder(Path directory) {
            this.directory = directory;
        }

        public Builder segmentBytes(long value) {
            segmentBytes = value;
            return this;
        }

        public Builder batchBytesMax(int value) {
            batchBytesMax = value;
            return this;
        }

        public Builder flushPolicy(FlushPolicy value) {
            flushPolicy = value;
            return this;
        }

        public Builder flushIntervalMs(long value) {
            flushIntervalMs = value;
            return this;
        }

        public Builder checkpointIntervalMs(long value) {
            checkpointIntervalMs = value;
            return this;
        }

        public Builder retentionMs(long value) {
            retentionMs = value;
            return this;
        }

        public Builder retentionBytes(long value) {
            retentionBytes = value;
            return this;
        }

        public Builder retentionCheckIntervalMs(long value) {
            retentionCheckIntervalMs = value;
            return this;
        }

        public Builder indexSegmentEntries(int value) {
            indexSegmentEntries = value;
            return this;
        }

        public Builder appendQueueDepth(int value) {
            appendQueueDepth = value;
            return this;
        }

        public Builder writeBufferBytes(int value) {
            writeBufferBytes = value;
            return this;
        }

        public Builder queueCountMax(int value) {
            queueCountMax = value;
            return this;
        }

        public Builder diskFreeBytesMin(long value) {
            diskFreeBytesMin = value;
            return this;
        }

        public Builder keyIndexEntriesPerSegment(int value) {
            keyIndexEntriesPerSegment = value;
            return this;
        }

        /** Unset: on under SYNC flush, off under ASYNC. */
        public Builder segmentZeroFill(boolean value) {
            segmentZeroFill = value;
            return this;
        }

        public StorageConfig build() {
            boolean zeroFill = segmentZeroFill != null ? segmentZeroFill : flushPolicy == FlushPolicy.SYNC;
            return new StorageConfig(directory, segmentBytes, batchBytesMax, flushPolicy, flushIntervalMs,
                    checkpointIntervalMs, retentionMs, retentionBytes, retentionCheckIntervalMs,
                    indexSegmentEntries, appendQueueDepth, writeBufferBytes, queueCountMax, diskFreeBytesMin, keyIndexEntriesPerSegment, zeroFill);
        }
    }
}
