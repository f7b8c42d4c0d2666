package dev.sluice.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.internal.ProducerStateTable.Outcome;
import dev.sluice.broker.ProduceResult;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ProducerStateTableTest {
    private final ProducerStateTable table = new ProducerStateTable();
    private long nextOffset;

    private ProducerStateTable.Check send(long producerId, int epoch, int baseSequence, int recordCount) {
        return table.checkAndAppend(producerId, (short) epoch, baseSequence, recordCount - 1, 0, () -> {
            long base = nextOffset;
            nextOffset += recordCount;
            return CompletableFuture.completedFuture(new ProduceResult(base, nextOffset - 1, 0));
        });
    }

    @Test
    void acceptsConsecutiveSequencesAndAnswersDuplicatesOfTheLastFiveBatches() {
        for (int batch = 0; batch < 6; batch++) {
            assertThat(send(7, 0, batch * 2, 2).outcome()).isEqualTo(Outcome.APPEND);
        }
        ProducerStateTable.Check duplicate = send(7, 0, 2, 2);

        assertThat(duplicate.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(duplicate.duplicateOf().join().baseOffset()).isEqualTo(2);
        // The first batch fell out of the five kept: no longer known as a duplicate.
        assertThat(send(7, 0, 0, 2).outcome()).isEqualTo(Outcome.OUT_OF_ORDER_SEQUENCE);
        assertThat(nextOffset).isEqualTo(12);
    }

    @Test
    void rejectsGapsAndOlderEpochsAndResetsOnNewerEpoch() {
        send(7, 1, 0, 1);

        assertThat(send(7, 1, 2, 1).outcome()).isEqualTo(Outcome.OUT_OF_ORDER_SEQUENCE);
        assertThat(send(7, 0, 1, 1).outcome()).isEqualTo(Outcome.INVALID_PRODUCER_EPOCH);
        assertThat(send(7, 2, 5, 1).outcome()).isEqualTo(Outcome.OUT_OF_ORDER_SEQUENCE);
        assertThat(send(7, 2, 0, 1).outcome()).isEqualTo(Outcome.APPEND);
        assertThat(send(8, 0, 0, 1).outcome()).isEqualTo(Outcome.APPEND);
    }

    @Test
    void sequencesWrapAtIntegerMaxValue() {
        assertThat(ProducerStateTable.lastSequence(Integer.MAX_VALUE - 1, 2)).isZero();
        send(7, 0, Integer.MAX_VALUE - 1, 3); // sequences MAX-1, MAX, 0

        assertThat(send(7, 0, 1, 1).outcome()).isEqualTo(Outcome.APPEND);
    }

    @Test
    void failedAppendRollsTheSequenceBack() {
        send(7, 0, 0, 1);
        CompletableFuture<ProduceResult> failed = new CompletableFuture<>();
        table.checkAndAppend(7, (short) 0, 1, 0, 0, () -> failed);

        table.onAppendFailed(7, 1, failed);

        assertThat(send(7, 0, 1, 1).outcome()).isEqualTo(Outcome.APPEND);
    }

    @Test
    void aRetryWithTheSameLastSequenceAndMoreRecordsIsADuplicateOfAShortenedStoredBatch() {
        // As rebuilt from the log: the window dropped the first two of five records, base sequence moved to 2.
        table.onRecoveredBatch(7, (short) 0, 2, 2, new ProduceResult(10, 12, 0));

        ProducerStateTable.Check retry = send(7, 0, 0, 5);

        assertThat(retry.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(retry.duplicateRecordCount()).isEqualTo(3);
        assertThat(send(7, 0, 4, 1).outcome()).isEqualTo(Outcome.OUT_OF_ORDER_SEQUENCE);
        assertThat(send(7, 0, 5, 1).outcome()).isEqualTo(Outcome.APPEND);
    }

    @Test
    void idleProducersExpire() {
        table.checkAndAppend(7, (short) 0, 0, 0, 100, () -> CompletableFuture.completedFuture(
                new ProduceResult(0, 0, 0)));

        assertThat(table.expire(100)).isZero();
        assertThat(table.expire(101)).isEqualTo(1);
        assertThat(table.producerCount()).isZero();
    }
}
