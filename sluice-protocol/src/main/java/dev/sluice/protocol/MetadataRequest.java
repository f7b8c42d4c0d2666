package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * METADATA request: the queue counts of {@code topics}; with {@code allowAutoCreate}, missing
 * topics are created if the broker's topics.autoCreate is on.
 */
public record MetadataRequest(List<String> topics, boolean allowAutoCreate) implements Request {
    public MetadataRequest {
        topics = List.copyOf(topics);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.METADATA;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeStringArray(out, topics, "MetadataRequest.topics");
        Fields.writeBoolean(out, allowAutoCreate);
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static MetadataRequest decode(ByteBuf in) {
        List<String> topics = Fields.readStringArray(in, "MetadataRequest.topics");
        boolean allowAutoCreate = Fields.readBoolean(in, "MetadataRequest.allowAutoCreate");
        Fields.checkConsumed(in, "METADATA request");
        return new MetadataRequest(topics, allowAutoCreate);
    }
}
