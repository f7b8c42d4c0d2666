package dev.sluice.broker.internal;

import dev.sluice.broker.QueueGroupSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The record format of queue-mode group state in the internal topic {@code __queue_groups}, queue 0.
 * Two kinds of keys: a group's metadata (its topic and settings; a null value is a tombstone, the
 * group was deleted), and the ack tracker of one (group, queue).
 *
 * <pre>
 *   key:          version int8 (1) | type int8 (1 group, 2 tracker) | groupLength int16 | group UTF-8 | queue int32 (-1 for a group)
 *   group value:  version int8 (1) | topicLength int16 | topic ASCII | maxAttempts int32
 *                 | deadLetterTopicLength int16 | deadLetterTopic ASCII | messageGroups int8 | createTimeMs int64
 *   tracker value: version int8 (1) | kind int8 (0 delta, 1 snapshot) | startOffset int64 | deadLetteredCount int64
 *                 | entryCount int32 | entryCount x (offset int64 | state int8 | deliveryCount int32 | timeMs int64)
 * </pre>
 *
 * A tracker record carries the tracker's start offset, its dead-lettered count and the current value
 * of the entries that changed (a delta) or of every entry (a snapshot: replay clears the tracker
 * first). Entry states are {@link #AVAILABLE} (timeMs: when it may be delivered again, 0 for now)
 * and {@link #ACQUIRED} (timeMs: the absolute visibility deadline) and {@link #DONE}. Offsets below
 * the start offset are done; offsets at or past it without an entry are available, never delivered.
 * Replaying every record in log order rebuilds the trackers. Stateless.
 */
final class QueueGroupRecords {
    static final byte VERSION = 1;
    static final byte TYPE_GROUP = 1;
    static final byte TYPE_TRACKER = 2;
    static final byte KIND_DELTA = 0;
    static final byte KIND_SNAPSHOT = 1;
    static final byte AVAILABLE = 0;
    static final byte ACQUIRED = 1;
    static final byte DONE = 2;
    static final int ENTRY_BYTES = 8 + 1 + 4 + 8;
    static final int TRACKER_HEADER_BYTES = 1 + 1 + 8 + 8 + 4;

    private QueueGroupRecords() {}

    /** A record's key: a group ({@code queue} -1) or a tracker. */
    record Key(byte type, String group, int queue) {}

    /** A group's metadata. */
    record GroupValue(String topic, QueueGroupSettings settings, long createTimeMs) {}

    /** One tracked entry as stored. */
    record EntryValue(long offset, byte state, int deliveryCount, long timeMs) {}

    /** A tracker record's value. */
    record TrackerValue(byte kind, long startOffset, long deadLetteredCount, List<EntryValue> entries) {}

    static byte[] key(Key key) {
        byte[] group = key.group().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 1 + 2 + group.length + 4).put(VERSION).put(key.type())
                .putShort((short) group.length).put(group).putInt(key.queue()).array();
    }

    static int keyBytes(String group) {
        return 8 + group.getBytes(StandardCharsets.UTF_8).length;
    }

    static Key parseKey(ByteBuffer key) {
        ByteBuffer buffer = key.duplicate();
        check(buffer.get() == VERSION, "key version");
        byte type = buffer.get();
        check(type == TYPE_GROUP || type == TYPE_TRACKER, "key type");
        byte[] group = new byte[buffer.getShort()];
        buffer.get(group);
        int queue = buffer.getInt();
        check(!buffer.hasRemaining(), "key length");
        return new Key(type, new String(group, StandardCharsets.UTF_8), queue);
    }

    static byte[] groupValue(GroupValue value) {
        byte[] topic = value.topic().getBytes(StandardCharsets.US_ASCII);
        byte[] deadLetter = value.settings().deadLetterTopic().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(1 + 2 + topic.length + 4 + 2 + deadLetter.length + 1 + 8).put(VERSION)
                .putShort((short) topic.length).put(topic).putInt(value.settings().maxAttempts())
                .putShort((short) deadLetter.length).put(deadLetter)
                .put((byte) (value.settings().messageGroups() ? 1 : 0)).putLong(value.createTimeMs()).array();
    }

    static GroupValue parseGroupValue(ByteBuffer value) {
        ByteBuffer buffer = value.duplicate();
        check(buffer.get() == VERSION, "group value version");
        byte[] topic = new byte[buffer.getShort()];
        buffer.get(topic);
        int maxAttempts = buffer.getInt();
        byte[] deadLetter = new byte[buffer.getShort()];
        buffer.get(deadLetter);
        boolean messageGroups = buffer.get() == 1;
        long createTimeMs = buffer.getLong();
        check(!buffer.hasRemaining(), "group value length");
        return new GroupValue(new String(topic, StandardCharsets.US_ASCII), new QueueGroupSettings(maxAttempts,
                new String(deadLetter, StandardCharsets.US_ASCII), messageGroups), createTimeMs);
    }

    static byte[] trackerValue(byte kind, long startOffset, long deadLetteredCount, List<EntryValue> entries) {
        ByteBuffer buffer = ByteBuffer.allocate(TRACKER_HEADER_BYTES + entries.size() * ENTRY_BYTES).put(VERSION)
                .put(kind).putLong(startOffset).putLong(deadLetteredCount).putInt(entries.size());
        for (EntryValue entry : entries) {
            buffer.putLong(entry.offset()).put(entry.state()).putInt(entry.deliveryCount()).putLong(entry.timeMs());
        }
        return buffer.array();
    }

    static TrackerValue parseTrackerValue(ByteBuffer value) {
        ByteBuffer buffer = value.duplicate();
        check(buffer.get() == VERSION, "tracker value version");
        byte kind = buffer.get();
        check(kind == KIND_DELTA || kind == KIND_SNAPSHOT, "tracker value kind");
        long startOffset = buffer.getLong();
        long deadLettered = buffer.getLong();
        int count = buffer.getInt();
        check(count >= 0 && buffer.remaining() == (long) count * ENTRY_BYTES, "tracker value length");
        List<EntryValue> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long offset = buffer.getLong();
            byte state = buffer.get();
            check(state == AVAILABLE || state == ACQUIRED || state == DONE, "entry state");
            entries.add(new EntryValue(offset, state, buffer.getInt(), buffer.getLong()));
        }
        return new TrackerValue(kind, startOffset, deadLettered, entries);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("queue groups topic record has a bad " + what);
        }
    }
}
