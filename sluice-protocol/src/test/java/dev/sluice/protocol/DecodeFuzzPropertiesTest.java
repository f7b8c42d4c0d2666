package dev.sluice.protocol;

import dev.sluice.testsupport.NettyLeaks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Decoding any input throws only {@link ProtocolException}: random bytes, and valid bodies and
 * frames mutated by bit flips, truncations, appended bytes, and huge or negative counts and
 * lengths written over their fields. A decode that succeeds has consumed its input exactly.
 */
class DecodeFuzzPropertiesTest {
    private static final int[] HUGE_INT32 = {
        Integer.MAX_VALUE, -1, Integer.MIN_VALUE, 0x7fff0000, 0x00ffffff
    };
    private static final int[] HUGE_INT16 = {Short.MAX_VALUE, -1, -2, Short.MIN_VALUE, 0x7f00};
    private static final int MUTATIONS_PER_MESSAGE = 6;
    private static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false);

    @AfterContainer
    static void noLeaks() {
        NettyLeaks.assertNoLeaks();
    }

    @Property
    void randomBodiesFailOnlyWithProtocolException(@ForAll Random random) {
        for (ApiKey api : ApiKey.values()) {
            byte[] body = new byte[random.nextInt(80)];
            random.nextBytes(body);
            decodeBodyEveryWay(api, body);
        }
    }

    @Property
    void mutatedBodiesFailOnlyWithProtocolException(@ForAll Random random) {
        RandomMessages messages = new RandomMessages(random);
        for (Message message : everyMessage(messages)) {
            byte[] body = encodeBody(message);
            for (int i = 0; i < MUTATIONS_PER_MESSAGE; i++) {
                decodeBodyEveryWay(message.apiKey(), mutate(body, random));
            }
        }
    }

    @Property
    void mutatedFramesFailOnlyWithProtocolException(@ForAll Random random) {
        RandomMessages messages = new RandomMessages(random);
        for (Message message : everyMessage(messages)) {
            byte[] frame = encodeFrame(message);
            for (int i = 0; i < MUTATIONS_PER_MESSAGE; i++) {
                decodeFrameEveryWay(mutate(frame, random));
            }
        }
    }

    private static List<Message> everyMessage(RandomMessages messages) {
        List<Message> all = new ArrayList<>();
        RandomMessages.REQUEST_TYPES.forEach(type -> all.add(messages.next(type)));
        RandomMessages.RESPONSE_TYPES.forEach(type -> all.add(messages.next(type)));
        return all;
    }

    private static byte[] encodeBody(Message message) {
        ByteBuf out = Unpooled.buffer();
        message.encode(out);
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] encodeFrame(Message message) {
        // Unpooled heap buffers are not leak-tracked: paranoid tracking here would only slow the fuzz.
        ByteBufAllocator allocator = UNTRACKED;
        ByteBuf frame;
        if (message instanceof PushRecords push) {
            frame = Frames.encodePush(allocator, 1, push);
        } else if (message instanceof Response response) {
            frame = Frames.encodeResponse(allocator, Protocol.PROTOCOL_VERSION, 1, response);
        } else if (message.apiKey().hasResponse()) {
            frame = Frames.encodeRequest(allocator, 1, (Request) message);
        } else {
            frame = Frames.encodeOnewayRequest(allocator, 1, (Request) message);
        }
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    static byte[] mutate(byte[] original, Random random) {
        byte[] bytes = original.clone();
        switch (random.nextInt(5)) {
            case 0:
                if (bytes.length > 0) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return bytes;
            case 1:
                return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            case 2:
                return Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(8));
            case 3:
                if (bytes.length >= 4) {
                    int at = random.nextInt(bytes.length - 3);
                    int value = HUGE_INT32[random.nextInt(HUGE_INT32.length)];
                    bytes[at] = (byte) (value >>> 24);
                    bytes[at + 1] = (byte) (value >>> 16);
                    bytes[at + 2] = (byte) (value >>> 8);
                    bytes[at + 3] = (byte) value;
                }
                return bytes;
            default:
                if (bytes.length >= 2) {
                    int at = random.nextInt(bytes.length - 1);
                    int value = HUGE_INT16[random.nextInt(HUGE_INT16.length)];
                    bytes[at] = (byte) (value >>> 8);
                    bytes[at + 1] = (byte) value;
                }
                return bytes;
        }
    }

    private static void decodeBodyEveryWay(ApiKey api, byte[] body) {
        expectOnlyProtocolException(api + " request", body,
                in -> Frames.decodeRequest(api, Protocol.PROTOCOL_VERSION, in));
        expectOnlyProtocolException(api + " response", body,
                in -> Frames.decodeResponse(api, Protocol.PROTOCOL_VERSION, in));
    }

    private static void decodeFrameEveryWay(byte[] frame) {
        expectOnlyProtocolException("request frame", frame,
                in -> Frames.decodeRequest(FrameHeader.decode(in), in));
        expectOnlyProtocolException("response frame", frame,
                in -> Frames.decodeResponse(FrameHeader.decode(in), in));
    }

    private interface Decoder {
        Message decode(ByteBuf in);
    }

    private static void expectOnlyProtocolException(String what, byte[] input, Decoder decoder) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        try {
            decoder.decode(in);
            assertThat(in.isReadable()).as("%s decoded with bytes left over", what).isFalse();
        } catch (ProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (Throwable unexpected) {
            fail(String.format("%s of %s threw %s", what, ByteBufUtil.hexDump(input), unexpected),
                    unexpected);
        }
    }
}
