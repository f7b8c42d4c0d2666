package dev.sluice.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordBatchFilterTest {
    private static ByteBuffer batch(Compression compression, int baseSequence, String... values) {
        RecordBatchBuilder builder = RecordBatchBuilder.create(compression, 1_000).producer(42, (short) 3, baseSequence);
        for (int i = 0; i < values.length; i++) {
            builder.append(1_000 + i, null, values[i].getBytes(StandardCharsets.UTF_8),
                    List.of(Record.Header.of("h", new byte[] {(byte) i})));
        }
        return builder.build();
    }

    private static List<String> values(ByteBuffer batch) {
        return RecordBatchReader.records(batch, 0).stream()
                .map(record -> StandardCharsets.UTF_8.decode(record.value()).toString()).toList();
    }

    @Test
    void keptRecordsFormAValidDenseBatchWithTheSameLastSequence() {
        for (Compression compression : List.of(Compression.NONE, Compression.GZIP)) {
            ByteBuffer filtered = RecordBatchFilter.retain(batch(compression, 10, "a", "b", "c", "d"), 0,
                    new boolean[] {false, true, false, true});

            RecordBatchDescriptor.check(filtered, 0, filtered.limit(), filtered.limit());
            assertThat(values(filtered)).containsExactly("b", "d");
            assertThat(RecordBatchReader.records(filtered, 0)).extracting(Record::offset).containsExactly(0L, 1L);
            assertThat(RecordBatchReader.records(filtered, 0)).extracting(Record::timestamp).containsExactly(1_001L, 1_003L);
            assertThat(RecordBatchDescriptor.compression(filtered, 0)).isEqualTo(compression.id());
            assertThat(RecordBatchDescriptor.producerId(filtered, 0)).isEqualTo(42);
            assertThat(RecordBatchDescriptor.producerEpoch(filtered, 0)).isEqualTo((short) 3);
            assertThat(RecordBatchDescriptor.baseSequence(filtered, 0)).isEqualTo(12);
            assertThat(RecordBatchDescriptor.lastOffsetDelta(filtered, 0)).isEqualTo(1);
        }
    }

    @Test
    void baseSequenceWrapsBackAcrossIntegerMaxValue() {
        ByteBuffer filtered = RecordBatchFilter.retain(batch(Compression.NONE, Integer.MAX_VALUE, "a", "b", "c"), 0,
                new boolean[] {false, true, true});

        assertThat(RecordBatchDescriptor.baseSequence(filtered, 0)).isZero();
        assertThat(RecordBatchFilter.sequenceAfter(1, -3)).isEqualTo(Integer.MAX_VALUE - 1);
    }

    @Test
    void keepingNothingOrAWrongLengthIsRefused() {
        ByteBuffer batch = batch(Compression.NONE, 0, "a", "b");
        assertThatThrownBy(() -> RecordBatchFilter.retain(batch, 0, new boolean[] {false, false}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecordBatchFilter.retain(batch, 0, new boolean[] {true}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
