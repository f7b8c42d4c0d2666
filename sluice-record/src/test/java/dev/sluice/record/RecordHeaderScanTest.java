package dev.sluice.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordHeaderScanTest {
    private static final String KEY = ReservedHeaders.MESSAGE_ID;

    private static ByteBuffer batch(Compression compression, String... ids) {
        RecordBatchBuilder builder = RecordBatchBuilder.create(compression, 1_000);
        for (String id : ids) {
            List<Record.Header> headers = id == null ? List.of(Record.Header.of("other", new byte[] {1}))
                    : List.of(Record.Header.of("sluice.message-ix", new byte[] {9}), Record.Header.of(KEY, bytes(id)),
                            Record.Header.of(KEY, bytes("second")));
            builder.append(1_000, bytes("k"), bytes("value"), headers);
        }
        return builder.build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findsTheFirstValueOfTheHeaderInEachRecord() {
        for (Compression compression : List.of(Compression.NONE, Compression.GZIP)) {
            byte[][] values = RecordHeaderScan.valuesOf(batch(compression, "a", null, "ccc"), 0, KEY);

            assertThat(values).hasNumberOfRows(3);
            assertThat(values[0]).isEqualTo(bytes("a"));
            assertThat(values[1]).isNull();
            assertThat(values[2]).isEqualTo(bytes("ccc"));
        }
    }

    @Test
    void aBatchWithoutTheHeaderGivesNull() {
        assertThat(RecordHeaderScan.valuesOf(batch(Compression.NONE, null, null), 0, KEY)).isNull();
        assertThat(RecordHeaderScan.valuesOf(batch(Compression.GZIP, null, null), 0, KEY)).isNull();
    }

    @Test
    void codecsSluiceCannotDecodeAreReportedUndecodable() {
        ByteBuffer batch = batch(Compression.NONE, "a");
        batch.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short) Compression.ZSTD.id());

        assertThat(RecordHeaderScan.undecodable(RecordHeaderScan.valuesOf(batch, 0, KEY))).isTrue();
    }

    @Test
    void aHeaderLengthPastTheRecordIsBadRecordsNotAnOutOfBoundsRead() {
        ByteBuffer batch = batch(Compression.NONE, "a");
        // The last header's value length varint sits 8 bytes before the end ("second" is 6 bytes).
        int at = batch.limit() - 7;
        assertThat(batch.get(at)).isEqualTo((byte) Varint.zigZagEncode(6));
        batch.put(at, (byte) Varint.zigZagEncode(60));

        assertThatThrownBy(() -> RecordHeaderScan.valuesOf(batch, 0, KEY)).isInstanceOf(InvalidBatchException.class)
                .hasMessageContaining("record 0");
    }
}
