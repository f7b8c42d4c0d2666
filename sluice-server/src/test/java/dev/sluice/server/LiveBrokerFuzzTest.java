package dev.sluice.server;

import static dev.sluice.server.NativeProtocolTest.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.protocol.Acks;
import dev.sluice.protocol.CommitOffsetsRequest;
import dev.sluice.protocol.CreateTopicRequest;
import dev.sluice.protocol.CreditRequest;
import dev.sluice.protocol.DescribeQueueGroupRequest;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FetchRequest;
import dev.sluice.protocol.FetchResponse;
import dev.sluice.protocol.Frames;
import dev.sluice.protocol.HeartbeatRequest;
import dev.sluice.protocol.ListTopicsRequest;
import dev.sluice.protocol.ProduceRequest;
import dev.sluice.protocol.ProduceResponse;
import dev.sluice.protocol.QueueAckRequest;
import dev.sluice.protocol.QueueAckType;
import dev.sluice.protocol.QueueReceiveRequest;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.SubscribeRequest;
import dev.sluice.protocol.TopicFlushPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Throws random and mutated frames at a live broker, then checks that a well-behaved client on
 * another connection still works and that no stored record was damaged.
 */
class LiveBrokerFuzzTest {
    private static Path dir;
    private static SluiceServer server;
    private static ByteBuffer firstBatch;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("sluice-fuzz");
        server = SluiceServer.start(ServerConfig.loopback(BrokerConfig.builder(dir).build()).withoutHttp());
        firstBatch = batch("first", "the record that must survive");
        try (RawConnection connection = new RawConnection(server.nativeAddress())) {
            connection.call(new CreateTopicRequest("keep", 1, -1, TopicFlushPolicy.BROKER_DEFAULT));
            connection.call(new ProduceRequest("keep", Acks.DURABLE, 5_000,
                    List.of(new ProduceRequest.Entry(0, Unpooled.wrappedBuffer(firstBatch.duplicate())))));
        }
    }

    @AfterContainer
    static void stop() throws IOException {
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Property
    void badFramesNeitherStopTheBrokerNorDamageData(@ForAll("streams") List<byte[]> frames) throws IOException {
        try (RawConnection attacker = new RawConnection(server.nativeAddress())) {
            for (byte[] frame : frames) {
                attacker.writeRaw(frame);
            }
        } catch (IOException e) {
            // The broker may close the connection mid-stream: that is one of the allowed answers.
        }

        try (RawConnection client = new RawConnection(server.nativeAddress())) {
            assertThat(client.call(new ListTopicsRequest()).body().errorCode()).isEqualTo(ErrorCode.NONE);
            ProduceResponse produced = (ProduceResponse) client.call(new ProduceRequest("keep", Acks.LEADER, 5_000,
                    List.of(new ProduceRequest.Entry(0, Unpooled.wrappedBuffer(batch("k", "after")))))).body();
            assertThat(produced.entries().get(0).errorCode()).isEqualTo(ErrorCode.NONE);
            FetchResponse first = (FetchResponse) client.call(new FetchRequest(0, 0, 1 << 20,
                    List.of(new FetchRequest.Entry("keep", 0, 0, 1)))).body();
            byte[] stored = ByteBufUtil.getBytes(first.entries().get(0).records());
            byte[] expected = new byte[firstBatch.remaining()];
            firstBatch.duplicate().get(expected);
            // Offsets are patched into the stored batch; the first batch was stored at offset 0, as built.
            assertThat(stored).isEqualTo(expected);
            FetchResponse latest = (FetchResponse) client.call(new FetchRequest(0, 0, 1 << 20,
                    List.of(new FetchRequest.Entry("keep", 0, produced.entries().get(0).baseOffset(), 1 << 20)))).body();
            assertThat(NativeProtocolTest.values(latest.entries().get(0).records())).contains("after");
        }
        assertThat(server.broker().health().ok()).isTrue();
    }

    @Provide
    Arbitrary<List<byte[]>> streams() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(64);
        Arbitrary<byte[]> mutated = Combinators.combine(validFrames(), Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 3)).as(LiveBrokerFuzzTest::mutate);
        return Arbitraries.oneOf(random, mutated, validFrames()).list().ofMinSize(1).ofMaxSize(8);
    }

    private static Arbitrary<byte[]> validFrames() {
        return Arbitraries.of(
                        new ProduceRequest("keep", Acks.LEADER, 1_000, List.of(new ProduceRequest.Entry(0,
                                Unpooled.wrappedBuffer(batch("fuzz", "value"))))),
                        new FetchRequest(50, 1, 1 << 20, List.of(new FetchRequest.Entry("keep", 0, 0, 1 << 20))),
                        new CreateTopicRequest("fuzz-topic", 2, -1, TopicFlushPolicy.ASYNC),
                        new HeartbeatRequest("fuzz-group", "keep", "", "fuzzer", 1_000, List.of()),
                        new CommitOffsetsRequest("fuzz-group", "", "keep", List.of(new CommitOffsetsRequest.Entry(0, 1))),
                        new SubscribeRequest("keep", 0, 0, 4_096),
                        new QueueReceiveRequest("fuzz-queue-group", "keep", 10, 1 << 20, 1_000, 50, 2, null, false),
                        new QueueAckRequest("fuzz-queue-group", "keep", List.of(
                                new QueueAckRequest.Entry(0, 0, 1, QueueAckType.NACK, 0, null),
                                new QueueAckRequest.Entry(0, 1, 1, QueueAckType.REJECT, 0, "fuzz"))),
                        new DescribeQueueGroupRequest("fuzz-queue-group"))
                .map(LiveBrokerFuzzTest::encode);
    }

    private static byte[] encode(Request request) {
        ByteBuf frame = Frames.encodeRequest(ByteBufAllocator.DEFAULT, 7, request);
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    private static byte[] onewayCredit() {
        ByteBuf frame = Frames.encodeOnewayRequest(ByteBufAllocator.DEFAULT, 8, new CreditRequest(1, 1 << 20));
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    /** Kind 0 flips one byte, 1 truncates, 2 rewrites the length field, 3 sends a oneway CREDIT first. */
    private static byte[] mutate(byte[] frame, int position, int value, int kind) {
        byte[] out = frame.clone();
        int at = position % out.length;
        switch (kind) {
            case 0 -> out[at] = (byte) (out[at] ^ (value | 1));
            case 1 -> out = java.util.Arrays.copyOf(out, at);
            case 2 -> ByteBuffer.wrap(out).putInt(0, value * 64);
            default -> {
                byte[] credit = onewayCredit();
                byte[] both = java.util.Arrays.copyOf(credit, credit.length + out.length);
                System.arraycopy(out, 0, both, credit.length, out.length);
                out = both;
            }
        }
        return out;
    }
}
