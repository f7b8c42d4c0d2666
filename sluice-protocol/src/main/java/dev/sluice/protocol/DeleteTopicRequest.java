package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * DELETE_TOPIC request: the topic's records are unreadable at once; a topic created again with the
 * same name starts at the old end offsets.
 */
public record DeleteTopicRequest(String topic) implements Request {
    public DeleteTopicRequest {
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_TOPIC;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, topic, "DeleteTopicRequest.topic");
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static DeleteTopicRequest decode(ByteBuf in) {
        String topic = Fields.readString(in, "DeleteTopicRequest.topic");
        Fields.checkConsumed(in, "DELETE_TOPIC request");
        return new DeleteTopicRequest(topic);
    }
}
