package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * SUBSCRIBE request: push the records of {@code topic}/{@code queue} from {@code offset} in
 * PUSH_RECORDS frames, within a window of {@code creditBytes}.
 */
public record SubscribeRequest(
        String topic,
        int queue,
        long offset,
        int creditBytes) implements Request {
    public SubscribeRequest {
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SUBSCRIBE;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, topic, "SubscribeRequest.topic");
        out.writeInt(queue);
        out.writeLong(offset);
        out.writeInt(creditBytes);
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static SubscribeRequest decode(ByteBuf in) {
        String topic = Fields.readString(in, "SubscribeRequest.topic");
        int queue = Fields.readInt32(in, "SubscribeRequest.queue");
        long offset = Fields.readInt64(in, "SubscribeRequest.offset");
        int creditBytes = Fields.readInt32(in, "SubscribeRequest.creditBytes");
        Fields.checkConsumed(in, "SUBSCRIBE request");
        return new SubscribeRequest(topic, queue, offset, creditBytes);
    }
}
