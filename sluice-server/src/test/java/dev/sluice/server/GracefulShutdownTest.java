package dev.sluice.server;

import static dev.sluice.server.NativeProtocolTest.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.protocol.Acks;
import dev.sluice.protocol.CreateTopicRequest;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FetchRequest;
import dev.sluice.protocol.FetchResponse;
import dev.sluice.protocol.ProduceRequest;
import dev.sluice.protocol.TopicFlushPolicy;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.StorageConfig;
import dev.sluice.testsupport.ThreadLeakCheck;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What docs/server.md promises of {@code SluiceServer.close()}: nothing hangs, nothing is lost, no recovery scan after. */
@ExtendWith(ThreadLeakCheck.class)
class GracefulShutdownTest {
    @TempDir
    Path dir;

    @Test
    void closeEndsParkedFetchesKeepsEveryRecordAndLeavesACleanLog() throws Exception {
        SluiceServer server = SluiceServer.start(ServerConfig.loopback(BrokerConfig.builder(dir).build()).withoutHttp());
        RawConnection producer = new RawConnection(server.nativeAddress());
        RawConnection consumer = new RawConnection(server.nativeAddress());
        producer.call(new CreateTopicRequest("ledger", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
        for (int i = 0; i < 100; i++) {
            assertThat(producer.call(new ProduceRequest("ledger", Acks.LEADER, 5_000, List.of(new ProduceRequest.Entry(0,
                    Unpooled.wrappedBuffer(batch("k", "entry-" + i)))))).body().errorCode()).isEqualTo(ErrorCode.NONE);
        }
        consumer.send(new FetchRequest(30_000, 1, 1 << 20, List.of(new FetchRequest.Entry("ledger", 0, 100, 1 << 20))));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.broker().health().parkedFetches() == 1);

        CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);

        closed.get(20, TimeUnit.SECONDS); // a parked 30-second fetch does not hold the shutdown up
        assertThat(consumer.closedByServer(5_000)).as("the parked fetch's connection is answered or closed").isTrue();
        producer.close();
        consumer.close();
        try (LogStore store = LogStore.open(StorageConfig.builder(dir).build())) {
            assertThat(store.recoveryReport().cleanShutdown()).as("no recovery scan after a graceful close").isTrue();
        }
        SluiceServer restarted = SluiceServer.start(ServerConfig.loopback(BrokerConfig.builder(dir).build()).withoutHttp());
        try (RawConnection reader = new RawConnection(restarted.nativeAddress())) {
            FetchResponse fetched = (FetchResponse) reader.call(new FetchRequest(0, 0, 1 << 20,
                    List.of(new FetchRequest.Entry("ledger", 0, 0, 1 << 20)))).body();
            assertThat(NativeProtocolTest.values(fetched.entries().get(0).records()))
                    .hasSize(100).startsWith("entry-0").endsWith("entry-99");
        } finally {
            restarted.close();
        }
    }
}
