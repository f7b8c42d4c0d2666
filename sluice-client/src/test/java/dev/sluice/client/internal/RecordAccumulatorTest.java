package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.Message;
import dev.sluice.client.SendResult;
import dev.sluice.record.Compression;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RecordAccumulatorTest {
    private static final int LINGER_MS = 10;
    private static final int BATCH_BYTES = 1_000;

    private final List<String> closed = new ArrayList<>();
    private final RecordAccumulator accumulator = new RecordAccumulator(
            LINGER_MS, BATCH_BYTES, Compression.NONE, (topic, queue) -> closed.add(topic + "/" + queue));

    private CompletableFuture<SendResult> append(int queue, String value, long nowMs) {
        Message message = Message.of("t", value);
        return accumulator.append("t", queue, false, message, 1_000, ProducerBatch.sizeEstimate(message), nowMs);
    }

    private static List<String> values(ProducerBatch batch) {
        ByteBuffer bytes = batch.bytes();
        List<String> values = new ArrayList<>();
        for (Record record : RecordBatchReader.records(bytes, bytes.position())) {
            values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
        }
        return values;
    }

    @Test
    void batchWaitsForLingerThenIsReady() {
        append(0, "a", 100);
        append(0, "b", 105);

        assertThat(accumulator.drain(109, 10)).isEmpty();
        assertThat(accumulator.nextReadyDelayMs(109, 1_000)).isEqualTo(1);

        List<ProducerBatch> ready = accumulator.drain(110, 10);
        assertThat(ready).hasSize(1);
        assertThat(values(ready.get(0))).containsExactly("a", "b");
    }

    @Test
    void fullBatchIsReadyAtOnceAndTheNextMessageStartsANewOne() {
        String big = "x".repeat(600);
        append(0, big, 100);
        assertThat(accumulator.drain(100, 10)).isEmpty();

        append(0, big, 100); // does not fit: the first batch closes
        assertThat(closed).containsExactly("t/0");
        List<ProducerBatch> ready = accumulator.drain(100, 10);
        assertThat(ready).hasSize(1);
        assertThat(values(ready.get(0))).containsExactly(big);
        assertThat(accumulator.incompleteCount()).isEqualTo(2);
    }

    @Test
    void aMessageLargerThanBatchBytesTravelsAloneInItsOwnBatch() {
        append(0, "y".repeat(5_000), 100);
        List<ProducerBatch> ready = accumulator.drain(100, 10);
        assertThat(ready).hasSize(1);
        assertThat(ready.get(0).messageCount()).isEqualTo(1);
    }

    @Test
    void aQueueSendsItsNextBatchOnlyAfterThePreviousCompleted() {
        String big = "x".repeat(600);
        append(0, big + "1", 100);
        append(0, big + "2", 100);
        append(0, big + "3", 100);
        append(1, "other", 100);

        List<ProducerBatch> first = accumulator.drain(200, 10);
        assertThat(first).extracting(ProducerBatch::queue).containsExactly(0, 1);
        assertThat(accumulator.drain(200, 10)).as("queue 0 has a batch in flight").isEmpty();

        accumulator.complete(first.get(0));
        List<ProducerBatch> second = accumulator.drain(200, 10);
        assertThat(second).hasSize(1);
        assertThat(values(second.get(0))).containsExactly(big + "2");
    }

    @Test
    void withRoomForTwoInFlightAQueueSendsTwoBatchesInOrderAndHoldsTheThird() {
        RecordAccumulator pipelined = new RecordAccumulator(LINGER_MS, BATCH_BYTES, Compression.NONE, null, 2);
        String big = "x".repeat(600);
        for (int i = 1; i <= 4; i++) {
            pipelined.append("t", 0, false, Message.of("t", big + i), 100, 700, 100);
        }

        List<ProducerBatch> first = pipelined.drain(200, 10);
        assertThat(first).extracting(batch -> values(batch).get(0)).containsExactly(big + "1", big + "2");
        assertThat(pipelined.drain(200, 10)).as("two of queue 0 in flight").isEmpty();

        pipelined.complete(first.get(0));
        assertThat(pipelined.drain(200, 10)).extracting(batch -> values(batch).get(0)).containsExactly(big + "3");
    }

    @Test
    void batchesOfAQueueRequeuedInAnyOrderAreSentAgainInCreationOrder() {
        RecordAccumulator pipelined = new RecordAccumulator(LINGER_MS, BATCH_BYTES, Compression.NONE, null, 3);
        String big = "x".repeat(600);
        for (int i = 1; i <= 4; i++) {
            pipelined.append("t", 0, false, Message.of("t", big + i), 100, 700, 100);
        }
        List<ProducerBatch> inFlight = pipelined.drain(200, 10);
        assertThat(inFlight).hasSize(3);

        // Answers (or a lost connection) come back in any order.
        pipelined.requeue(inFlight.get(2), 0);
        pipelined.requeue(inFlight.get(0), 0);
        pipelined.requeue(inFlight.get(1), 0);

        assertThat(pipelined.drain(200, 10)).extracting(batch -> values(batch).get(0))
                .containsExactly(big + "1", big + "2", big + "3");
    }

    @Test
    void aRetriedBatchGoesBeforeLaterBatchesOfItsQueueAfterItsBackoff() {
        String big = "x".repeat(600);
        append(0, big + "1", 100);
        append(0, big + "2", 100);
        ProducerBatch failed = accumulator.drain(100, 10).get(0);

        accumulator.requeue(failed, 150);
        assertThat(accumulator.drain(149, 10)).as("backing off").isEmpty();
        assertThat(accumulator.nextReadyDelayMs(149, 1_000)).isEqualTo(1);
        List<ProducerBatch> retry = accumulator.drain(150, 10);
        assertThat(retry).containsExactly(failed);
        assertThat(values(retry.get(0))).containsExactly(big + "1");
    }

    @Test
    void onewayBatchesAreNotHeldBackByAnInFlightBatch() {
        Message message = Message.of("t", "x");
        accumulator.append("t", 0, true, message, 1, ProducerBatch.sizeEstimate(message), 100);
        accumulator.append("t", 0, true, message, 1, ProducerBatch.sizeEstimate(message), 100);
        assertThat(accumulator.drain(200, 10)).hasSize(1);
        accumulator.append("t", 0, true, message, 1, ProducerBatch.sizeEstimate(message), 200);
        assertThat(accumulator.drain(300, 10)).hasSize(1);
    }

    @Test
    void flushMakesEveryBatchReadyAndReturnsTheirFutures() {
        CompletableFuture<SendResult> future = append(0, "a", 100);
        List<CompletableFuture<SendResult>> futures = accumulator.beginFlush();
        assertThat(futures).containsExactly(future);
        assertThat(accumulator.drain(100, 10)).hasSize(1);
        accumulator.endFlush();
    }

    @Test
    void closingMakesEveryBatchReady() {
        append(0, "a", 100);
        accumulator.beginClose();
        assertThat(accumulator.drain(100, 10)).hasSize(1);
    }

    @Test
    void batchesWaitingLongerThanTheDeliveryTimeoutExpire() {
        append(0, "a", 100);
        append(1, "b", 150);
        List<ProducerBatch> expired = accumulator.expire(1_100, 1_000);
        assertThat(expired).extracting(ProducerBatch::queue).containsExactly(0);
        assertThat(accumulator.drain(10_000, 10)).extracting(ProducerBatch::queue).containsExactly(1);
    }

    @Test
    void drainTakesAtMostTheCountAsked() {
        for (int queue = 0; queue < 5; queue++) {
            append(queue, "v", 100);
        }
        assertThat(accumulator.drain(1_000, 3)).hasSize(3);
        assertThat(accumulator.drain(1_000, 10)).hasSize(2);
    }

    @Test
    void completedBatchGivesEachMessageItsOffset() {
        CompletableFuture<SendResult> a = append(0, "a", 100);
        CompletableFuture<SendResult> b = append(0, "b", 100);
        ProducerBatch batch = accumulator.drain(1_000, 10).get(0);
        batch.complete(41);
        accumulator.complete(batch);
        assertThat(a.join()).isEqualTo(new SendResult("t", 0, 41, 1_000));
        assertThat(b.join().offset()).isEqualTo(42);
        assertThat(accumulator.isEmpty()).isTrue();
    }
}
