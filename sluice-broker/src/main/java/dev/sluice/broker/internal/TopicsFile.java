package dev.sluice.broker.internal;

import dev.sluice.broker.TopicFlushPolicy;
import dev.sluice.broker.TopicInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The topics metadata file, {@code <data>/broker-topics}: every topic with its settings and its
 * queues' logical start offsets. Text, UTF-8, one topic a line:
 *
 * <pre>
 *   sluice-topics 2                                      version line
 *   topic orders 3 -1 DEFAULT 1767225600000 0,0,12 -1    name queueCount retentionMs flushPolicy createdAtMs
 *                                                        startOffsets messageIdWindowMs
 *   crc 1a2b3c4d                                         CRC32C (hex) of every byte before this line
 * </pre>
 *
 * <p>Version 1 files (written before the message-id window) have no {@code messageIdWindowMs}
 * field; they are read with the broker's window (-1) and written back as version 2.
 *
 * <p>Replaced atomically: write {@code broker-topics.tmp}, fsync, rename over the file, fsync the
 * directory; after a crash the file is the old or the new one, never a mix. A file that fails its
 * version or CRC check stops the broker from opening (topics are not guessed). Not thread-safe: the
 * {@link TopicRegistry} calls it under its lock.
 */
final class TopicsFile {
    static final String FILE_NAME = "broker-topics";
    static final int VERSION = 2;
    private static final String VERSION_LINE = "sluice-topics " + VERSION;
    private static final String VERSION_1_LINE = "sluice-topics 1";

    private final Path file;
    private final Path temporary;

    TopicsFile(Path directory) {
        this.file = directory.resolve(FILE_NAME);
        this.temporary = directory.resolve(FILE_NAME + ".tmp");
    }

    Path path() {
        return file;
    }

    /** The topics in the file; none when there is no file yet. */
    List<Topic> read() throws IOException {
        Files.deleteIfExists(temporary);
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int crcLine = text.lastIndexOf("crc ");
        if (crcLine < 0 || !text.endsWith("\n")) {
            throw corrupt("no crc line");
        }
        String body = text.substring(0, crcLine);
        long expected = parseHex(text.substring(crcLine + 4, text.length() - 1));
        if (expected != crc(body)) {
            throw corrupt(String.format("crc %08x does not match the content's %08x", expected, crc(body)));
        }
        String[] lines = body.split("\n");
        boolean version1 = lines[0].equals(VERSION_1_LINE);
        if (!version1 && !lines[0].equals(VERSION_LINE)) {
            throw corrupt("version line is '" + lines[0] + "', expected '" + VERSION_LINE + "' or '" + VERSION_1_LINE
                    + "'");
        }
        List<Topic> topics = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            topics.add(parseTopic(lines[i], i + 1, version1 ? 7 : 8));
        }
        return topics;
    }

    /** Replaces the file with these topics (write temp, fsync, rename, fsync directory). */
    void write(Collection<Topic> topics) throws IOException {
        StringBuilder body = new StringBuilder(VERSION_LINE).append('\n');
        for (Topic topic : topics) {
            TopicInfo info = topic.info();
            body.append("topic ").append(info.name()).append(' ').append(info.queueCount()).append(' ')
                    .append(info.retentionMs()).append(' ').append(info.flushPolicy().name()).append(' ')
                    .append(info.createdAtMs()).append(' ');
            long[] starts = topic.logicalStartOffsets();
            for (int queue = 0; queue < starts.length; queue++) {
                body.append(queue == 0 ? "" : ",").append(starts[queue]);
            }
            body.append(' ').append(info.messageIdWindowMs()).append('\n');
        }
        String text = body + String.format("crc %08x", crc(body.toString())) + "\n";
        AtomicFiles.replace(file, text);
    }

    private Topic parseTopic(String line, int lineNumber, int fieldCount) throws IOException {
        String[] fields = line.split(" ");
        if (fields.length != fieldCount || !fields[0].equals("topic")) {
            throw corrupt("line " + lineNumber + " is not 'topic name queueCount retentionMs flushPolicy "
                    + "createdAtMs startOffsets" + (fieldCount == 8 ? " messageIdWindowMs" : "") + "': '" + line + "'");
        }
        try {
            int queueCount = Integer.parseInt(fields[2]);
            String[] startFields = fields[6].split(",");
            long[] starts = new long[startFields.length];
            for (int queue = 0; queue < starts.length; queue++) {
                starts[queue] = Long.parseLong(startFields[queue]);
            }
            long messageIdWindowMs = fieldCount == 8 ? Long.parseLong(fields[7]) : -1;
            TopicInfo info = new TopicInfo(fields[1], queueCount, Long.parseLong(fields[3]),
                    TopicFlushPolicy.valueOf(fields[4]), Long.parseLong(fields[5]), messageIdWindowMs);
            return new Topic(info, starts);
        } catch (IllegalArgumentException e) {
            throw corrupt("line " + lineNumber + " does not parse (" + e.getMessage() + "): '" + line + "'");
        }
    }

    private IOException corrupt(String why) {
        return new IOException("topics file " + file + " is damaged: " + why);
    }

    private static long parseHex(String hex) {
        try {
            return Long.parseLong(hex.trim(), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long crc(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
