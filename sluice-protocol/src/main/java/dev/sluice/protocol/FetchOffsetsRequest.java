package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** FETCH_OFFSETS request: a group's committed offsets for a topic. */
public record FetchOffsetsRequest(String group, String topic) implements Request {
    public FetchOffsetsRequest {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FETCH_OFFSETS;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, group, "FetchOffsetsRequest.group");
        Fields.writeString(out, topic, "FetchOffsetsRequest.topic");
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static FetchOffsetsRequest decode(ByteBuf in) {
        String group = Fields.readString(in, "FetchOffsetsRequest.group");
        String topic = Fields.readString(in, "FetchOffsetsRequest.topic");
        Fields.checkConsumed(in, "FETCH_OFFSETS request");
        return new FetchOffsetsRequest(group, topic);
    }
}
