package dev.sluice.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.QueueGroupSettings;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins the {@code __queue_groups} record format byte for byte, and its round trip. */
class QueueGroupRecordsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void keysValuesAndTrackerRecordsHaveTheDocumentedLayout() {
        byte[] key = QueueGroupRecords.key(new QueueGroupRecords.Key(QueueGroupRecords.TYPE_TRACKER, "g", 3));
        byte[] group = QueueGroupRecords.groupValue(new QueueGroupRecords.GroupValue("t",
                new QueueGroupSettings(5, "d", true), 258));
        byte[] tracker = QueueGroupRecords.trackerValue(QueueGroupRecords.KIND_SNAPSHOT, 7, 2,
                List.of(new QueueGroupRecords.EntryValue(9, QueueGroupRecords.ACQUIRED, 4, 1_000)));

        assertThat(HEX.formatHex(key)).isEqualTo("0102" + "0001" + "67" + "00000003");
        assertThat(HEX.formatHex(group)).isEqualTo("01" + "0001" + "74" + "00000005" + "0001" + "64" + "01"
                + "0000000000000102");
        assertThat(HEX.formatHex(tracker)).isEqualTo("01" + "01" + "0000000000000007" + "0000000000000002" + "00000001"
                + "0000000000000009" + "01" + "00000004" + "00000000000003e8");
        assertThat(QueueGroupRecords.parseKey(ByteBuffer.wrap(key)))
                .isEqualTo(new QueueGroupRecords.Key(QueueGroupRecords.TYPE_TRACKER, "g", 3));
        assertThat(QueueGroupRecords.parseGroupValue(ByteBuffer.wrap(group))).isEqualTo(
                new QueueGroupRecords.GroupValue("t", new QueueGroupSettings(5, "d", true), 258));
        assertThat(QueueGroupRecords.parseTrackerValue(ByteBuffer.wrap(tracker))).isEqualTo(
                new QueueGroupRecords.TrackerValue(QueueGroupRecords.KIND_SNAPSHOT, 7, 2,
                        List.of(new QueueGroupRecords.EntryValue(9, QueueGroupRecords.ACQUIRED, 4, 1_000))));
    }

    @Test
    void aDamagedRecordFailsLoudly() {
        byte[] tracker = QueueGroupRecords.trackerValue(QueueGroupRecords.KIND_DELTA, 0, 0, List.of());
        tracker[tracker.length - 1] = 1;

        assertThatThrownBy(() -> QueueGroupRecords.parseTrackerValue(ByteBuffer.wrap(tracker)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tracker value length");
    }

    @Test
    void aSnapshotAppliedToAFreshTrackerRebuildsTheState() {
        AckTracker tracker = new AckTracker(0);
        for (long offset = 0; offset < 5; offset++) {
            tracker.acquire(offset, 1_000);
        }
        tracker.markDone(0);
        tracker.markDone(2);
        tracker.release(3, 500);
        tracker.drainDirty();

        AckTracker rebuilt = new AckTracker(42);
        rebuilt.apply(new QueueGroupRecords.TrackerValue(QueueGroupRecords.KIND_SNAPSHOT, tracker.startOffset(),
                tracker.deadLetteredCount(), tracker.snapshotEntries()));
        rebuilt.afterLoad();

        assertThat(rebuilt.startOffset()).isEqualTo(1);
        assertThat(rebuilt.snapshotEntries()).isEqualTo(tracker.snapshotEntries());
        assertThat(rebuilt.select(600, 10, 100, 100, 5, null)).containsExactly(3L, 5L, 6L, 7L, 8L, 9L);
        assertThat(rebuilt.acquired(1, 1, 600)).isNotNull();
        assertThat(rebuilt.acquired(1, 1, 1_000)).as("deadline reached").isNull();
    }
}
