package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.BufferExhaustedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class BufferMemoryTest {

    @Test
    void reserveFailsAfterMaxBlockWhenTheBudgetIsSpent() {
        BufferMemory memory = new BufferMemory(100);
        assertThatThrownBy(() -> {
            memory.reserve(100, 0);
            memory.reserve(1, 20);
        }).isInstanceOf(BufferExhaustedException.class).hasMessageContaining("maxBlockMs 20");
        assertThat(memory.usedBytes()).isEqualTo(100);
    }

    @Test
    void aWaitingReserveProceedsWhenBytesAreReleased() throws Exception {
        BufferMemory memory = new BufferMemory(100);
        memory.reserve(80, 0);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                memory.reserve(50, 10_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waiting).isNotDone();
        memory.release(80);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
        assertThat(memory.usedBytes()).isEqualTo(50);
    }

    @Test
    void aMessageLargerThanTheWholeBudgetIsRefusedAtOnce() {
        BufferMemory memory = new BufferMemory(100);
        assertThatThrownBy(() -> memory.reserve(101, 1_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bufferBytesMax 100");
    }
}
