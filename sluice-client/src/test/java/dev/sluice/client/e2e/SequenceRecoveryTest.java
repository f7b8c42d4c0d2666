package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.CompressionType;
import dev.sluice.client.Message;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.SendResult;
import dev.sluice.client.SluiceException;
import dev.sluice.protocol.ErrorCode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a batch of a queue fails for good, the idempotent producer's later batches of that queue
 * are stored (the queue's epoch is bumped and its sequences restart), not failed with
 * OUT_OF_ORDER_SEQUENCE.
 */
@EndToEnd
class SequenceRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void laterBatchesOfAQueueAreStoredAfterOneFailsTerminally() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of("storage.batchBytesMax", "64k"));
                Producer producer = Producer.create(ProducerConfig.builder(server.bootstrap()).lingerMs(0)
                        .compression(CompressionType.GZIP).requestTimeoutMs(5_000).deliveryTimeoutMs(20_000).build())) {
            producer.sendSync(Message.builder("t").queue(0).value("first").build());
            // Given a gzip batch that the broker rejects for good (too large once compressed: random bytes)
            byte[] incompressible = new byte[200 * 1024];
            new Random(7).nextBytes(incompressible);
            CompletableFuture<SendResult> rejected = producer.send(Message.builder("t").queue(0).value(incompressible).build());
            assertThatThrownBy(() -> rejected.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(SluiceException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BATCH_TOO_LARGE));

            // When the producer sends more to that queue
            SendResult after = producer.sendSync(Message.builder("t").queue(0).value("after").build());
            SendResult more = producer.sendSync(Message.builder("t").queue(0).value("more").build());

            // Then they are stored after the first, in order
            assertThat(after.offset()).isEqualTo(1);
            assertThat(more.offset()).isEqualTo(2);
            assertThat(server.endOffsetSum("t")).isEqualTo(3);
        }
    }
}
