package dev.sluice.storage.internal;

import dev.sluice.storage.QueueId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The recovery checkpoint: the log position up to which the commit log is fsynced and every queue
 * index is forced, and each queue's next offset at that position. Recovery trusts the indexes up to
 * it and scans the log from it.
 *
 * <pre>
 *  magic "SLCK" (int32) | version 1 (int32) | clean (int8) | logPosition (int64) | queueCount (int32)
 *  queueCount x [ topicLength (int16) | topic (ASCII) | queue (int32) | nextOffset (int64) ]
 *  crc (int32, CRC32C of everything before it)
 * </pre>
 *
 * <p>Replaced atomically: written to a temporary file, fsynced, renamed over the old one, and the
 * directory fsynced, so a crash leaves the old or the new checkpoint, never a torn one.
 *
 * @param clean written by a clean close: the log ends exactly at {@code logPosition}
 * @param logPosition log and indexes are durable up to here
 * @param nextOffsets every queue's next offset at {@code logPosition}
 */
public record Checkpoint(boolean clean, long logPosition, Map<QueueId, Long> nextOffsets) {
    static final String FILE_NAME = "checkpoint";
    private static final int MAGIC = 0x534c434b;
    private static final int VERSION = 1;

    void write(Path directory) throws IOException {
        int size = 4 + 4 + 1 + 8 + 4 + 4;
        for (QueueId queue : nextOffsets.keySet()) {
            size += 2 + queue.topic().length() + 4 + 8;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putInt(MAGIC).putInt(VERSION).put((byte) (clean ? 1 : 0)).putLong(logPosition);
        buffer.putInt(nextOffsets.size());
        for (Map.Entry<QueueId, Long> entry : nextOffsets.entrySet()) {
            byte[] topic = entry.getKey().topicBytes();
            buffer.putShort((short) topic.length).put(topic).putInt(entry.getKey().queue()).putLong(entry.getValue());
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        buffer.flip();
        Path temporary = directory.resolve(FILE_NAME + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, directory.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        CommitLogFiles.fsyncDirectory(directory);
    }

    /**
     * Reads the checkpoint in {@code directory}.
     *
     * @return null when there is none
     * @throws IOException when it exists but fails its checks (the message says which)
     */
    static Checkpoint read(Path directory) throws IOException {
        Path path = directory.resolve(FILE_NAME);
        if (!Files.exists(path)) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(path));
        try {
            if (buffer.remaining() < 25 || buffer.getInt() != MAGIC || buffer.getInt() != VERSION) {
                throw new IOException("checkpoint " + path + " has a bad magic, version or size");
            }
            CRC32C crc = new CRC32C();
            crc.update(buffer.array(), 0, buffer.limit() - 4);
            if ((int) crc.getValue() != buffer.getInt(buffer.limit() - 4)) {
                throw new IOException("checkpoint " + path + " fails its crc");
            }
            boolean clean = buffer.get() == 1;
            long logPosition = buffer.getLong();
            int queueCount = buffer.getInt();
            Map<QueueId, Long> nextOffsets = new LinkedHashMap<>();
            for (int i = 0; i < queueCount; i++) {
                byte[] topic = new byte[buffer.getShort()];
                buffer.get(topic);
                QueueId queue = new QueueId(new String(topic, StandardCharsets.US_ASCII), buffer.getInt());
                nextOffsets.put(queue, buffer.getLong());
            }
            return new Checkpoint(clean, logPosition, nextOffsets);
        } catch (RuntimeException e) {
            throw new IOException("checkpoint " + path + " is malformed: " + e.getMessage(), e);
        }
    }
}
