package dev.sluice.storage.internal;

import dev.sluice.storage.StorageConfig;
import java.io.IOException;

/**
 * Which commit-log segments retention deletes: whole segments, oldest first, never the active
 * (last) one and never one holding unflushed data. By age: the segment's last write (file
 * modification time) is older than {@code retentionMs}. By size: the log would still hold at least
 * {@code retentionBytes} without it.
 */
final class Retention {
    private Retention() {}

    static boolean shouldDelete(StorageConfig config, CommitLogFiles files, long flushedPosition, long nowMs)
            throws IOException {
        Segment[] segments = files.segments();
        if (segments.length < 2) {
            return false;
        }
        Segment oldest = segments[0];
        if (oldest.endPosition() > flushedPosition) {
            return false;
        }
        boolean expired = config.retentionMs() > 0 && nowMs - oldest.lastModifiedMs() > config.retentionMs();
        boolean oversize = config.retentionBytes() > 0 && files.totalBytes() - oldest.capacity() >= config.retentionBytes();
        return expired || oversize;
    }
}
