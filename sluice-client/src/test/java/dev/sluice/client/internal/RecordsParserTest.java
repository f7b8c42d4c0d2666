package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.Header;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.record.Compression;
import dev.sluice.record.InvalidBatchException;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.record.RecordBatchDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordsParserTest {

    private static ByteBuffer batch(long baseOffset, Compression compression, String... values) {
        RecordBatchBuilder builder = RecordBatchBuilder.create(compression, 1_000);
        for (String value : values) {
            builder.append(1_000, "k".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
                    List.of(Record.Header.of("h", "x".getBytes(StandardCharsets.UTF_8))));
        }
        ByteBuffer batch = builder.build();
        RecordBatchDescriptor.baseOffset(batch, 0, baseOffset);
        return batch;
    }

    private static ByteBuffer concat(ByteBuffer... batches) {
        int size = 0;
        for (ByteBuffer batch : batches) {
            size += batch.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (ByteBuffer batch : batches) {
            all.put(batch.duplicate());
        }
        return all.flip();
    }

    @Test
    void skipsRecordsBeforeThePositionInABatchThatStartsEarlier() {
        ByteBuffer records = concat(batch(10, Compression.NONE, "a", "b", "c"), batch(13, Compression.GZIP, "d"));
        List<ReceivedMessage> out = new ArrayList<>();

        long next = RecordsParser.parse("t", 2, records, 11, 100, out);

        assertThat(next).isEqualTo(14);
        assertThat(out).extracting(ReceivedMessage::offset).containsExactly(11L, 12L, 13L);
        assertThat(out).extracting(ReceivedMessage::valueAsString).containsExactly("b", "c", "d");
        assertThat(out.get(0).keyAsString()).isEqualTo("k");
        assertThat(out.get(0).headers()).containsExactly(Header.of("h", "x"));
        assertThat(out.get(0).queue()).isEqualTo(2);
    }

    @Test
    void stopsAtTheCountAskedAndReturnsTheOffsetAfterTheLastMessageTaken() {
        ByteBuffer records = batch(0, Compression.NONE, "a", "b", "c");
        List<ReceivedMessage> out = new ArrayList<>();
        assertThat(RecordsParser.parse("t", 0, records, 0, 2, out)).isEqualTo(2);
        assertThat(out).hasSize(2);
    }

    @Test
    void refusesACorruptBatch() {
        ByteBuffer records = batch(0, Compression.NONE, "a");
        records.put(records.limit() - 1, (byte) (records.get(records.limit() - 1) ^ 1));
        assertThatThrownBy(() -> RecordsParser.parse("t", 0, records, 0, 10, new ArrayList<>()))
                .isInstanceOf(InvalidBatchException.class);
    }
}
