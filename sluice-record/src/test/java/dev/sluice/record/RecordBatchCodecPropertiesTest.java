package dev.sluice.record;

import static dev.sluice.record.KafkaInterop.buildWithKafka;
import static dev.sluice.record.KafkaInterop.buildWithSluice;
import static dev.sluice.record.KafkaInterop.readWithKafka;
import static dev.sluice.record.KafkaInterop.withBaseOffset;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Property tests of the codec against two models: the list of records appended, and kafka-clients.
 * jqwik prints each property's seed; a failing seed is stored under {@code target/jqwik-database}
 * and replayed first on the next run (or pass it with {@code @Property(seed = "...")}).
 */
class RecordBatchCodecPropertiesTest {
    /** 2100-01-01: Kafka's builder refuses negative timestamps other than -1 (NO_TIMESTAMP). */
    private static final long KAFKA_TIMESTAMP_MAX = 4_102_444_800_000L;

    @Property(tries = 200)
    void sluiceReaderReturnsExactlyWhatSluiceBuilderWrote(
            @ForAll("anyTimestampRecords") List<Record> records, @ForAll("supportedCodecs") Compression compression) {
        // given
        ByteBuffer batch = buildWithSluice(compression, records);

        // when
        List<Record> read = RecordBatchReader.records(batch, 0);

        // then
        RecordBatchDescriptor.check(batch, 0, batch.limit(), batch.limit());
        assertThat(read).isEqualTo(records);
    }

    @Property(tries = 200)
    void kafkaReaderAgreesWithSluiceBuilder(
            @ForAll("anyTimestampRecords") List<Record> records, @ForAll("supportedCodecs") Compression compression) {
        // given
        ByteBuffer batch = buildWithSluice(compression, records);

        // when
        List<Record> read = readWithKafka(batch);

        // then
        assertThat(read).isEqualTo(records);
    }

    @Property(tries = 200)
    void sluiceBuilderWritesTheBytesKafkasBuilderWrites(
            @ForAll("kafkaTimestampRecords") List<Record> records, @ForAll("supportedCodecs") Compression compression) {
        // given
        org.apache.kafka.common.compress.Compression kafkaCompression = compression == Compression.GZIP
                ? org.apache.kafka.common.compress.Compression.gzip().build()
                : org.apache.kafka.common.compress.Compression.NONE;
        ByteBuffer kafka = buildWithKafka(kafkaCompression, 0L, records);

        // when
        ByteBuffer sluice = buildWithSluice(compression, records);

        // then: the header and, uncompressed, every byte; gzip bytes may differ by deflate settings
        assertThat(RecordBatchReader.records(kafka, 0)).isEqualTo(records);
        if (compression == Compression.NONE) {
            assertThat(sluice).isEqualTo(kafka);
        } else {
            assertThat(headerWithoutLengthAndCrc(sluice)).isEqualTo(headerWithoutLengthAndCrc(kafka));
        }
    }

    /** The batch header with the two fields that depend on the compressed bytes zeroed. */
    private static byte[] headerWithoutLengthAndCrc(ByteBuffer batch) {
        byte[] header = new byte[RecordBatchDescriptor.HEADER_BYTES];
        batch.get(0, header);
        ByteBuffer.wrap(header).putInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET, 0).putInt(RecordBatchDescriptor.CRC_OFFSET, 0);
        return header;
    }

    @Property(tries = 200)
    void firstOffsetAtOrAfterMatchesALinearScanOfTheRecords(
            @ForAll("anyTimestampRecords") List<Record> records,
            @ForAll("supportedCodecs") Compression compression,
            @ForAll long target) {
        // given
        ByteBuffer batch = buildWithSluice(compression, records);
        RecordBatchDescriptor.baseOffset(batch, 0, 1_000L);

        // when / then: for a random target and for each record's own timestamp
        assertThat(RecordBatchReader.firstOffsetAtOrAfter(batch, 0, target)).isEqualTo(model(records, 1_000L, target));
        for (Record record : records) {
            assertThat(RecordBatchReader.firstOffsetAtOrAfter(batch, 0, record.timestamp()))
                    .isEqualTo(model(records, 1_000L, record.timestamp()));
        }
    }

    @Property(tries = 200)
    void mutatedBatchesFailOnlyWithInvalidBatchException(
            @ForAll("anyTimestampRecords") List<Record> records,
            @ForAll("supportedCodecs") Compression compression,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll boolean fixCrc,
            @ForAll("truncations") int truncatedBytes) {
        // given: a valid batch with random bytes set, the CRC fixed half the time so that the
        // record decoding (not only the CRC check) meets the damage, and possibly cut short
        ByteBuffer batch = buildWithSluice(compression, records);
        int size = batch.limit();
        for (Mutation mutation : mutations) {
            batch.put(Math.floorMod(mutation.positionSeed(), size), mutation.value());
        }
        if (fixCrc) {
            batch.putInt(RecordBatchDescriptor.CRC_OFFSET, (int) RecordBatchDescriptor.computeCrc(batch, 0, size));
        }
        batch.limit(size - truncatedBytes);

        // when / then
        String checked = failsOnlyAsInvalidBatch(
                batch, () -> RecordBatchDescriptor.check(batch, 0, batch.limit(), Integer.MAX_VALUE));
        String read = failsOnlyAsInvalidBatch(batch, () -> RecordBatchReader.records(batch, 0));
        failsOnlyAsInvalidBatch(batch, () -> RecordBatchReader.firstOffsetAtOrAfter(batch, 0, Long.MAX_VALUE));
        // Printed per property run: shows the damage reaches the record decoding, not only the CRC.
        Statistics.label("check").collect(checked);
        Statistics.label("reader").collect(read);
    }

    /**
     * Runs {@code action}, which may return or throw {@link InvalidBatchException}; an unsupported
     * codec is the one other allowed outcome, when the damage set the codec bits to 2, 3 or 4.
     *
     * @return the outcome, for the statistics
     */
    private static String failsOnlyAsInvalidBatch(ByteBuffer batch, Runnable action) {
        try {
            action.run();
            return "accepted";
        } catch (InvalidBatchException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return expected.reason().name();
        } catch (UnsupportedOperationException unsupported) {
            assertThat(RecordBatchDescriptor.compression(batch, 0)).isBetween(2, 4);
            return "unsupported codec";
        }
    }

    private static long model(List<Record> records, long baseOffset, long target) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).timestamp() >= target) {
                return baseOffset + i;
            }
        }
        return -1L;
    }

    /** A byte written at {@code floorMod(positionSeed, batchSize)}. */
    record Mutation(int positionSeed, byte value) {}

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        // A quarter of the positions fall in the 61-byte header, where one byte changes the most.
        Arbitrary<Integer> positions = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.integers().between(0, RecordBatchDescriptor.HEADER_BYTES - 1)),
                Tuple.of(3, Arbitraries.integers().greaterOrEqual(0)));
        return Combinators.combine(positions, Arbitraries.bytes()).as(Mutation::new).list().ofMinSize(1).ofMaxSize(8);
    }

    /** Bytes cut off the batch's end: none in most tries, so that the other damage is what fires. */
    @Provide
    Arbitrary<Integer> truncations() {
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 8)));
    }

    @Provide
    Arbitrary<Compression> supportedCodecs() {
        return Arbitraries.of(Compression.NONE, Compression.GZIP);
    }

    @Provide
    Arbitrary<List<Record>> anyTimestampRecords() {
        return records(Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-1L, KAFKA_TIMESTAMP_MAX)));
    }

    @Provide
    Arbitrary<List<Record>> kafkaTimestampRecords() {
        return records(Arbitraries.longs().between(-1L, KAFKA_TIMESTAMP_MAX));
    }

    private static Arbitrary<List<Record>> records(Arbitrary<Long> timestamps) {
        Arbitrary<ByteBuffer> keys = nullableBytes(200);
        Arbitrary<ByteBuffer> values = nullableBytes(2_000);
        Arbitrary<Record.Header> header = Combinators.combine(
                        // No surrogates: an unpaired one would not survive UTF-8, in Kafka either.
                        Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(20), nullableBytes(50))
                .as(Record.Header::new);
        Arbitrary<Record> record = Combinators.combine(timestamps, keys, values, header.list().ofMaxSize(4))
                .as((timestamp, key, value, headers) -> new Record(0L, timestamp, key, value, headers));
        return record.list().ofMinSize(1).ofMaxSize(40).map(list -> withBaseOffset(list, 0L));
    }

    private static Arbitrary<ByteBuffer> nullableBytes(int sizeMax) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(sizeMax).map(ByteBuffer::wrap).injectNull(0.2);
    }
}
