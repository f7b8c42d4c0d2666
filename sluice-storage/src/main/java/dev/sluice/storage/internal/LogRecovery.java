package dev.sluice.storage.internal;

import dev.sluice.storage.CorruptLogException;
import dev.sluice.storage.QueueId;
import dev.sluice.storage.RecoveryReport;
import dev.sluice.storage.StorageConfig;
import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.record.RecordKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a data directory after a clean close or a crash, in one routine: read the checkpoint,
 * open the queue indexes and cut them back to it, scan the commit log from it verifying every
 * entry's CRCs and offsets, truncate the log at the first bad entry past the checkpoint, append
 * index entries for what the scan accepts, and report what was done.
 *
 * <p>An index that is missing, damaged or disagrees with the checkpoint is deleted and rebuilt
 * from the whole log (the log names each entry's queue). Damage found before the checkpoint is
 * never truncated: that data was acknowledged and verified once, so recovery refuses with a
 * {@link CorruptLogException} naming the file and position instead of silently dropping it.
 */
public final class LogRecovery {
    private static final Logger LOGGER = LoggerFactory.getLogger(LogRecovery.class);
    public static final String LOG_DIRECTORY = "log";
    public static final String QUEUES_DIRECTORY = "queues";

    /** What recovery hands to the store: the files, the indexes and where the log ends. */
    public record Recovered(CommitLogFiles files, Map<QueueId, QueueIndex> queues, KeyIndex keyIndex, long endPosition,
            RecoveryReport report) {}

    private final StorageConfig config;
    private final Path queuesDirectory;
    private final Map<QueueId, QueueIndex> queues = new HashMap<>();
    private final Set<QueueId> rebuilt = new TreeSet<>();
    private final Map<QueueId, Long> floors = new HashMap<>();
    private CommitLogFiles files;
    private long checkpointPosition;
    private long scannedBytes;
    private long scannedEntryCount;
    private long truncatedAtPosition = -1;
    private long truncatedBytes;
    private String truncationReason;

    private LogRecovery(StorageConfig config) {
        this.config = config;
        this.queuesDirectory = config.directory().resolve(QUEUES_DIRECTORY);
    }

    /** Recovers the store in {@code config.directory()}; the caller holds its lock. */
    public static Recovered recover(StorageConfig config) throws IOException {
        return new LogRecovery(config).run();
    }

    private Recovered run() throws IOException {
        long startNs = System.nanoTime();
        files = CommitLogFiles.open(config.directory().resolve(LOG_DIRECTORY), (int) config.segmentBytes(),
                config.segmentZeroFill());
        try {
            Checkpoint checkpoint = readCheckpoint();
            long logStart = files.startPosition();
            checkpointPosition = checkpoint == null ? logStart : Math.max(checkpoint.logPosition(), logStart);
            if (checkpointPosition > files.last().endPosition()) {
                throw new CorruptLogException("checkpoint says the log reaches position " + checkpointPosition
                        + " but its last segment, " + files.last().path() + ", ends at " + files.last().endPosition()
                        + "; segments are missing from " + files.first().path().getParent());
            }
            openIndexes(checkpoint);
            boolean fullScan = checkpoint == null || !rebuilt.isEmpty();
            long scanFrom = fullScan ? logStart : checkpointPosition;
            long endPosition = scan(scanFrom);
            if (endPosition < checkpointPosition) {
                throw new CorruptLogException("the commit log ends at position " + endPosition
                        + ", before the checkpoint at " + checkpointPosition + ": acknowledged entries were zeroed or "
                        + "lost. Restore the log from a replica or backup, or move the data directory aside.");
            }
            keepEmptyQueues();
            boolean nothingPastCheckpoint = checkpoint != null && checkpoint.clean() && scanFrom == endPosition;
            KeyIndex keyIndex = config.keyIndexEntriesPerSegment() > 0
                    ? recoverKeyIndex(nothingPastCheckpoint ? Long.MAX_VALUE : scanFrom, endPosition)
                    : null;
            for (QueueIndex queue : queues.values()) {
                queue.trimBelow(logStart);
                queue.publish(queue.nextOffset());
            }
            makeDurable(scanFrom, endPosition);
            if (keyIndex != null) {
                for (KeyIndexFile file : keyIndex.takeDirty()) {
                    file.force();
                }
            }
            RecoveryReport report = new RecoveryReport(checkpoint != null && checkpoint.clean()
                            && checkpoint.logPosition() == endPosition, scanFrom, scannedBytes, scannedEntryCount,
                    truncatedAtPosition, truncatedBytes, truncationReason, List.copyOf(rebuilt),
                    (System.nanoTime() - startNs) / 1_000_000);
            log(report);
            return new Recovered(files, queues, keyIndex, endPosition, report);
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
    }

    /**
     * Opens the key index of every segment wholly before {@code trustedBefore} (forced at the
     * checkpoint) and rebuilds the others, and any missing or damaged, from their entries.
     */
    private KeyIndex recoverKeyIndex(long trustedBefore, long endPosition) throws IOException {
        Path logDirectory = config.directory().resolve(LOG_DIRECTORY);
        deleteOrphanKeyFiles(logDirectory);
        KeyIndex keys = new KeyIndex(logDirectory, config.keyIndexEntriesPerSegment(), config.segmentBytes());
        for (Segment segment : files.segments()) {
            if (segment.endPosition() <= trustedBefore && keys.open(segment)) {
                continue;
            }
            try {
                keys.create(segment);
            } catch (IOException e) {
                // Derived data: a store on a full disk still opens, its keys there are not found.
                LOGGER.warn("no key index for segment {}: {}", segment.path(), e.toString());
                keys.delete(segment.basePosition());
                continue;
            }
            ByteBuffer view = segment.view();
            int at = 0;
            while (at + LogEntryDescriptor.HEADER_FIXED_BYTES <= segment.capacity()
                    && segment.basePosition() + at < endPosition && LogEntryDescriptor.entryBytes(view, at) > 0) {
                int entryBytes = LogEntryDescriptor.entryBytes(view, at);
                try {
                    QueueId id = new QueueId(LogEntryDescriptor.topic(view, at), LogEntryDescriptor.queue(view, at));
                    int batchStart = at + LogEntryDescriptor.headerBytes(LogEntryDescriptor.topicLength(view, at));
                    keys.add(segment, id, segment.basePosition() + at, RecordBatchDescriptor.baseOffset(view, batchStart),
                            RecordKeys.keyHashes(view, batchStart));
                } catch (IOException e) {
                    LOGGER.warn("key index of segment {} cannot grow, its later keys are not indexed: {}", segment.path(),
                            e.toString());
                    break;
                } catch (RuntimeException e) {
                    LOGGER.warn("key index: entry at position {} skipped: {}", segment.basePosition() + at, e.toString());
                }
                at += entryBytes;
            }
        }
        return keys;
    }

    private void deleteOrphanKeyFiles(Path logDirectory) throws IOException {
        Set<Path> wanted = new HashSet<>();
        for (Segment segment : files.segments()) {
            wanted.add(KeyIndexFile.pathFor(logDirectory, segment.basePosition()));
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(logDirectory, "*" + KeyIndexFile.SUFFIX)) {
            for (Path file : stream) {
                if (!wanted.contains(file)) {
                    Files.delete(file);
                }
            }
        }
    }

    private Checkpoint readCheckpoint() {
        try {
            return Checkpoint.read(config.directory());
        } catch (IOException e) {
            LOGGER.warn("checkpoint unreadable, rebuilding every index from the log: {}", e.getMessage());
            return null;
        }
    }

    private void openIndexes(Checkpoint checkpoint) throws IOException {
        Files.createDirectories(queuesDirectory);
        List<Path> directories = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(queuesDirectory, Files::isDirectory)) {
            stream.forEach(directories::add);
        }
        Set<QueueId> known = new HashSet<>();
        for (Path directory : directories) {
            QueueId id;
            try {
                id = QueueId.parseDirectoryName(directory.getFileName().toString());
            } catch (IllegalArgumentException e) {
                LOGGER.warn("ignoring {}: not a queue index directory", directory);
                continue;
            }
            known.add(id);
            QueueIndex queue = openIndex(directory, id);
            Long expected = checkpoint == null ? null : checkpoint.nextOffsets().get(id);
            // Offsets below what the index or checkpoint ever gave out are never given out again,
            // even when retention left no batch of the queue to rebuild it from.
            long floor = Math.max(expected == null ? 0 : expected, queue == null ? 0 : queue.indexedEndOffset());
            if (queue != null) {
                queue.truncateFromPosition(checkpointPosition);
            }
            if (checkpoint != null && queue != null && expected != null && queue.nextOffset() == expected) {
                queues.put(id, queue);
            } else if (checkpoint != null && expected == null) {
                // Created after the checkpoint's snapshot, which lists every queue then: all its
                // entries lie past the checkpoint, so the scan from it rebuilds the index.
                QueueIndex.deleteDirectory(directory);
                floors.put(id, floor);
            } else {
                // Damaged, short, or never checkpointed: rebuilt from the whole log.
                QueueIndex.deleteDirectory(directory);
                rebuilt.add(id);
                floors.put(id, floor);
            }
        }
        if (checkpoint != null) {
            for (Map.Entry<QueueId, Long> entry : checkpoint.nextOffsets().entrySet()) {
                if (!known.contains(entry.getKey())) {
                    rebuilt.add(entry.getKey());
                    floors.put(entry.getKey(), entry.getValue());
                }
            }
        }
    }

    /** Recreates, empty at their floor, rebuilt queues whose batches retention has all deleted. */
    private void keepEmptyQueues() throws IOException {
        for (Map.Entry<QueueId, Long> entry : floors.entrySet()) {
            if (!queues.containsKey(entry.getKey())) {
                queues.put(entry.getKey(), QueueIndex.create(queuesDirectory, entry.getKey(), entry.getValue(),
                        config.indexSegmentEntries()));
            }
        }
    }

    private QueueIndex openIndex(Path directory, QueueId id) {
        try {
            return QueueIndex.open(directory, id, config.indexSegmentEntries());
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("index of queue {} unreadable, rebuilding it: {}", id, e.getMessage());
            return null;
        }
    }

    /** Scans from {@code scanFrom}; returns the end of the valid log. */
    private long scan(long scanFrom) throws IOException {
        Segment[] segments = files.segments();
        Segment first = files.segmentFor(scanFrom);
        if (first == null) {
            return scanFrom;
        }
        long end = scanFrom;
        for (int index = indexOf(segments, first); index < segments.length; index++) {
            Segment segment = segments[index];
            ByteBuffer view = segment.view();
            int at = segment == first ? (int) (scanFrom - segment.basePosition()) : 0;
            while (at + LogEntryDescriptor.HEADER_FIXED_BYTES <= segment.capacity()
                    && LogEntryDescriptor.entryBytes(view, at) != 0) {
                long position = segment.basePosition() + at;
                String problem = accept(view, at, position, segment.capacity());
                if (problem != null) {
                    truncate(segment, position, problem + followingEntries(view, at, segment.capacity()));
                    return position;
                }
                at += LogEntryDescriptor.entryBytes(view, at);
            }
            int dirty = firstNonZero(view, at, segment.capacity());
            if (dirty >= 0) {
                // A zero entry size followed by data is damage (a zeroed size field, a lost block),
                // not the end of the log: the writer leaves nothing but zeros after its last entry.
                long position = segment.basePosition() + at;
                String problem = "entryBytes is 0 but non-zero bytes follow at byte " + dirty + " of the segment";
                refuseBeforeCheckpoint(position, problem);
                truncate(segment, position, problem);
                return position;
            }
            // The writer only ever writes in the last segment; earlier ones end in unused zeros.
            end = segment.basePosition() + at;
        }
        return end;
    }

    /** Verifies the entry at {@code at} and indexes it when its queue needs it; returns a problem or null. */
    private String accept(ByteBuffer view, int at, long position, int capacity) throws IOException {
        // The format's limit, not batchBytesMax: lowering that limit must not reject stored batches.
        String problem = LogEntryDescriptor.check(view, at, capacity, capacity);
        QueueId id = null;
        if (problem == null) {
            try {
                id = new QueueId(LogEntryDescriptor.topic(view, at), LogEntryDescriptor.queue(view, at));
            } catch (IllegalArgumentException e) {
                problem = "entry names no valid queue: " + e.getMessage();
            }
        }
        int entryBytes = LogEntryDescriptor.entryBytes(view, at);
        int batchStart = at + (problem == null ? LogEntryDescriptor.headerBytes(LogEntryDescriptor.topicLength(view, at)) : 0);
        QueueIndex queue = id == null ? null : queues.get(id);
        boolean index = problem == null && (position >= checkpointPosition || rebuilt.contains(id));
        if (index) {
            long baseOffset = RecordBatchDescriptor.baseOffset(view, batchStart);
            if (queue != null && baseOffset != queue.nextOffset()) {
                problem = "batch of queue " + id + " has base offset " + baseOffset + " where the queue expects "
                        + queue.nextOffset();
            } else {
                if (queue == null) {
                    if (queues.size() >= config.queueCountMax()) {
                        throw new CorruptLogException("the log holds more than queueCountMax "
                                + config.queueCountMax() + " queues; raise queueCountMax to open it");
                    }
                    queue = QueueIndex.create(queuesDirectory, id, baseOffset, config.indexSegmentEntries());
                    queues.put(id, queue);
                }
                queue.reserve(RecordBatchDescriptor.recordCount(view, batchStart));
                queue.prepareAppend();
                queue.append(baseOffset, position, RecordBatchDescriptor.maxTimestamp(view, batchStart), entryBytes,
                        RecordBatchDescriptor.recordCount(view, batchStart));
            }
        }
        if (problem != null) {
            refuseBeforeCheckpoint(position, problem);
            return problem;
        }
        scannedBytes += entryBytes;
        scannedEntryCount++;
        return null;
    }

    private void refuseBeforeCheckpoint(long position, String problem) {
        if (position < checkpointPosition) {
            throw new CorruptLogException(String.format(
                        "commit log damaged at position %d (%s, byte %d), before the checkpoint at %d: %s. "
                                + "Data past this point was acknowledged; recovery will not drop it. Restore the "
                                + "segment from a replica or backup, or move the data directory aside.",
                    position, files.segmentFor(position).path(), position - files.segmentFor(position).basePosition(),
                    checkpointPosition, problem));
        }
    }

    /**
     * How many whole, sound entries follow a bad one, for the report: none after a torn tail;
     * some after bit rot, or after a torn write whose later pages the disk wrote first.
     */
    private static String followingEntries(ByteBuffer view, int at, int capacity) {
        int entryBytes = LogEntryDescriptor.entryBytes(view, at);
        int count = 0;
        int next = at + entryBytes;
        while (entryBytes > 0 && next < capacity && LogEntryDescriptor.check(view, next, capacity, capacity) == null) {
            count++;
            next += LogEntryDescriptor.entryBytes(view, next);
        }
        return count == 0 ? "" : "; " + count + " sound entries followed it and were cut with it";
    }

    /** The first non-zero byte in the window after {@code at} where the next entry would start, or -1. */
    private int firstNonZero(ByteBuffer view, int at, int capacity) {
        int end = (int) Math.min(capacity, (long) at + Math.max(config.entryBytesMax(), 16 << 20));
        int i = at;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            if (view.getLong(i) != 0) {
                break;
            }
        }
        for (; i < end; i++) {
            if (view.get(i) != 0) {
                return i;
            }
        }
        return -1;
    }

    private void truncate(Segment segment, long position, String problem) throws IOException {
        long removed = 0;
        for (Segment later : files.segments()) {
            if (later.basePosition() > segment.basePosition()) {
                removed += later.capacity();
            }
        }
        removed += segment.endPosition() - position;
        segment.truncateTo(position);
        files.removeAfter(segment);
        truncatedAtPosition = position;
        truncatedBytes = removed;
        truncationReason = problem;
    }

    private void makeDurable(long fromPosition, long endPosition) throws IOException {
        files.forceRange(fromPosition, endPosition + 1);
        Map<QueueId, Long> nextOffsets = new HashMap<>();
        for (QueueIndex queue : queues.values()) {
            queue.force();
            nextOffsets.put(queue.id(), queue.nextOffset());
        }
        new Checkpoint(false, endPosition, nextOffsets).write(config.directory());
    }

    private static int indexOf(Segment[] segments, Segment segment) {
        for (int i = 0; i < segments.length; i++) {
            if (segments[i] == segment) {
                return i;
            }
        }
        throw new IllegalStateException("segment " + segment + " is not in the log");
    }

    private static void log(RecoveryReport report) {
        if (report.truncated() || !report.rebuiltQueues().isEmpty()) {
            LOGGER.warn("recovery: scannedFromPosition={} scannedBytes={} scannedEntryCount={} truncatedAtPosition={} "
                            + "truncatedBytes={} truncationReason=\"{}\" rebuiltQueues={} durationMs={}",
                    report.scannedFromPosition(), report.scannedBytes(), report.scannedEntryCount(),
                    report.truncatedAtPosition(), report.truncatedBytes(), report.truncationReason(),
                    report.rebuiltQueues(), report.durationMs());
        } else {
            LOGGER.info("recovery: cleanShutdown={} scannedFromPosition={} scannedBytes={} scannedEntryCount={} "
                            + "durationMs={}", report.cleanShutdown(), report.scannedFromPosition(),
                    report.scannedBytes(), report.scannedEntryCount(), report.durationMs());
        }
    }
}
