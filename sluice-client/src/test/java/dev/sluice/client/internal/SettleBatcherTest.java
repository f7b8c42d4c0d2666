package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.ConnectionException;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.QueueAckRequest;
import dev.sluice.protocol.QueueAckResponse;
import dev.sluice.protocol.QueueAckType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SettleBatcherTest {
    /** Requests as sent, each with the future its answer completes. */
    private final List<List<QueueAckRequest.Entry>> sent = new ArrayList<>();
    private final List<CompletableFuture<QueueAckResponse>> answers = new ArrayList<>();
    private final SettleBatcher batcher = new SettleBatcher(entries -> {
        sent.add(entries);
        CompletableFuture<QueueAckResponse> answer = new CompletableFuture<>();
        answers.add(answer);
        return answer;
    });

    private static QueueAckRequest.Entry ack(long offset) {
        return new QueueAckRequest.Entry(0, offset, 1, QueueAckType.ACK, 0, null);
    }

    private static QueueAckResponse answer(List<QueueAckRequest.Entry> entries, long expiredOffset) {
        return QueueAckResponse.success(entries.stream()
                .map(e -> e.offset() == expiredOffset
                        ? new QueueAckResponse.Entry(0, e.offset(), ErrorCode.DELIVERY_EXPIRED, "expired")
                        : new QueueAckResponse.Entry(0, e.offset(), ErrorCode.NONE, null))
                .toList());
    }

    @Test
    void entriesArrivingWhileARequestIsInFlightGoTogetherInTheNextOne() {
        CompletableFuture<QueueAckResponse.Entry> first = batcher.add(ack(0));
        List<CompletableFuture<QueueAckResponse.Entry>> waiting = List.of(batcher.add(ack(1)), batcher.add(ack(2)),
                batcher.add(ack(3)));
        assertThat(sent).hasSize(1);

        answers.get(0).complete(answer(sent.get(0), -1));

        assertThat(first.join().errorCode()).isEqualTo(ErrorCode.NONE);
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1)).extracting(QueueAckRequest.Entry::offset).containsExactly(1L, 2L, 3L);
        answers.get(1).complete(answer(sent.get(1), 2));
        assertThat(waiting).extracting(f -> f.join().errorCode())
                .containsExactly(ErrorCode.NONE, ErrorCode.DELIVERY_EXPIRED, ErrorCode.NONE);
        // Idle again: the next entry goes at once, alone.
        batcher.add(ack(4));
        assertThat(sent).hasSize(3);
        assertThat(sent.get(2)).hasSize(1);
    }

    @Test
    void aFailedRequestFailsItsEntriesOnlyAndTheNextBatchIsStillSent() {
        CompletableFuture<QueueAckResponse.Entry> lost = batcher.add(ack(0));
        CompletableFuture<QueueAckResponse.Entry> next = batcher.add(ack(1));

        answers.get(0).completeExceptionally(new ConnectionException("gone", null));

        assertThat(lost).isCompletedExceptionally();
        assertThat(next).isNotDone();
        assertThat(sent).hasSize(2);
        answers.get(1).complete(answer(sent.get(1), -1));
        assertThat(next.join().errorCode()).isEqualTo(ErrorCode.NONE);
    }

    @Test
    void aRequestCarriesAtMostItsLimitOfEntries() {
        batcher.add(ack(0));
        for (int i = 1; i <= SettleBatcher.ENTRIES_PER_REQUEST_MAX + 5; i++) {
            batcher.add(ack(i));
        }
        answers.get(0).complete(answer(sent.get(0), -1));
        assertThat(sent.get(1)).hasSize(SettleBatcher.ENTRIES_PER_REQUEST_MAX);
        answers.get(1).complete(answer(sent.get(1), -1));
        assertThat(sent.get(2)).hasSize(5);
    }
}
