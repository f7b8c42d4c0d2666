package dev.sluice.broker.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The record format of committed offsets in the offsets topic ({@code __offsets}, queue 0). One
 * record per (group, topic, queue); the latest record of a key wins; a null value is a tombstone
 * (the topic was deleted).
 *
 * <pre>
 *   key:   version int8 (1) | groupLength int16 | group UTF-8 | topicLength int16 | topic ASCII | queue int32
 *   value: version int8 (1) | offset int64 | commitTimeMs int64
 * </pre>
 *
 * Stateless.
 */
final class OffsetRecords {
    static final byte VERSION = 1;
    static final int VALUE_BYTES = 1 + 8 + 8;

    private OffsetRecords() {}

    /** A committed offset's key. */
    record Key(String group, String topic, int queue) {}

    static byte[] key(Key key) {
        byte[] group = key.group().getBytes(StandardCharsets.UTF_8);
        byte[] topic = key.topic().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(1 + 2 + group.length + 2 + topic.length + 4);
        buffer.put(VERSION).putShort((short) group.length).put(group).putShort((short) topic.length).put(topic)
                .putInt(key.queue());
        return buffer.array();
    }

    static byte[] value(long offset, long commitTimeMs) {
        return ByteBuffer.allocate(VALUE_BYTES).put(VERSION).putLong(offset).putLong(commitTimeMs).array();
    }

    /** Encoded key length, for batch sizing. */
    static int keyBytes(Key key) {
        return 9 + key.group().getBytes(StandardCharsets.UTF_8).length + key.topic().length();
    }

    static Key parseKey(ByteBuffer key) {
        ByteBuffer buffer = key.duplicate();
        check(buffer.get() == VERSION, "key version");
        byte[] group = new byte[buffer.getShort()];
        buffer.get(group);
        byte[] topic = new byte[buffer.getShort()];
        buffer.get(topic);
        int queue = buffer.getInt();
        check(!buffer.hasRemaining(), "key length");
        return new Key(new String(group, StandardCharsets.UTF_8), new String(topic, StandardCharsets.US_ASCII), queue);
    }

    /** The committed offset in {@code value}. */
    static long parseOffset(ByteBuffer value) {
        ByteBuffer buffer = value.duplicate();
        check(buffer.remaining() == VALUE_BYTES && buffer.get() == VERSION, "value version or length");
        return buffer.getLong();
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("offsets topic record has a bad " + what);
        }
    }
}
