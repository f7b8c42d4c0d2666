package dev.sluice.storage.internal;

import dev.sluice.storage.QueueId;
import dev.sluice.record.RecordKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit log's key index: one {@link KeyIndexFile} per segment, so that retention deletes a
 * segment's keys with it and only the newest files change. A key is indexed under the hash of the
 * key mixed with its queue, so lookups are per queue.
 *
 * <p>Thread-safety: files are added, filled and deleted by the writer (or recovery); lookups from
 * any thread.
 */
final class KeyIndex {
    private static final Logger LOGGER = LoggerFactory.getLogger(KeyIndex.class);

    private final Path logDirectory;
    private final int entriesPerSegment;
    private final ConcurrentSkipListMap<Long, KeyIndexFile> files = new ConcurrentSkipListMap<>();
    private long skippedCount;
    private long growthFailures;

    /**
     * @param entriesPerSegment the configured entries, capped at {@code segmentBytes / 16}: no
     *     segment holds more records than that, so small segments get small key files
     */
    KeyIndex(Path logDirectory, int entriesPerSegment, long segmentBytes) {
        this.logDirectory = logDirectory;
        this.entriesPerSegment = (int) Math.max(16, Math.min(entriesPerSegment, segmentBytes / 16));
    }

    /** The hash a record key is indexed under: the key's hash mixed with its queue. */
    static int hash(QueueId queue, int keyHash) {
        int h = keyHash ^ (queue.hashCode() * 0x9e3779b9);
        h ^= h >>> 15;
        h *= 0x2c1b3c6d;
        h ^= h >>> 12;
        return h;
    }

    /** Opens the file of an existing segment; false when it is missing or damaged. */
    boolean open(Segment segment) throws IOException {
        KeyIndexFile file = KeyIndexFile.open(KeyIndexFile.pathFor(logDirectory, segment.basePosition()));
        if (file != null) {
            files.put(segment.basePosition(), file);
        }
        return file != null;
    }

    /** Starts an empty file for a segment (replacing any). Writer thread or recovery. */
    void create(Segment segment) throws IOException {
        files.put(segment.basePosition(),
                KeyIndexFile.create(KeyIndexFile.pathFor(logDirectory, segment.basePosition()), entriesPerSegment));
    }

    /** Indexes the keys of the batch whose log entry is at {@code logPosition}. Writer thread or recovery. */
    void add(Segment segment, QueueId queue, long logPosition, long baseOffset, long[] keyHashes) throws IOException {
        KeyIndexFile file = files.get(segment.basePosition());
        if (file == null || keyHashes.length == 0) {
            return;
        }
        for (long packed : keyHashes) {
            if (!file.add(hash(queue, RecordKeys.hashOf(packed)), logPosition, baseOffset + RecordKeys.offsetDeltaOf(packed))) {
                if (skippedCount++ == 0) {
                    LOGGER.warn("key index {} is full: later keys of its segment are not indexed (raise "
                            + "keyIndexEntriesPerSegment)", file.path());
                }
                return;
            }
        }
    }

    /**
     * As {@link #add}, but the key index being derived data, a file that cannot grow (a full disk)
     * only costs the keys: one WARN, and the append still succeeds. Writer thread.
     */
    void addOrSkip(Segment segment, QueueId queue, long logPosition, long baseOffset, long[] keyHashes) {
        try {
            add(segment, queue, logPosition, baseOffset, keyHashes);
        } catch (IOException e) {
            if (growthFailures++ == 0) {
                LOGGER.warn("key index of segment {} cannot grow, its later keys are not indexed: {}", segment.path(),
                        e.toString());
            }
        }
    }

    /** Deletes a segment's file. Writer thread (retention) or recovery. */
    void delete(long segmentBasePosition) throws IOException {
        KeyIndexFile file = files.remove(segmentBasePosition);
        if (file != null) {
            file.delete();
        } else {
            java.nio.file.Files.deleteIfExists(KeyIndexFile.pathFor(logDirectory, segmentBasePosition));
        }
    }

    /** Files changed since the last call, for a checkpoint to force. Writer thread. */
    List<KeyIndexFile> takeDirty() {
        List<KeyIndexFile> dirty = new ArrayList<>();
        for (KeyIndexFile file : files.values()) {
            if (file.takeDirty()) {
                dirty.add(file);
            }
        }
        return dirty;
    }

    /** Visits candidates for {@code queue}'s key, newest segment first. Any thread. */
    void visit(QueueId queue, ByteBuffer key, KeyIndexFile.CandidateVisitor visitor) {
        int hash = hash(queue, RecordKeys.hash(key));
        for (KeyIndexFile file : files.descendingMap().values()) {
            if (!file.visit(hash, visitor)) {
                return;
            }
        }
    }
}
