package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** DESCRIBE_TOPIC request: one topic's settings and queues. */
public record DescribeTopicRequest(String topic) implements Request {
    public DescribeTopicRequest {
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_TOPIC;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, topic, "DescribeTopicRequest.topic");
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static DescribeTopicRequest decode(ByteBuf in) {
        String topic = Fields.readString(in, "DescribeTopicRequest.topic");
        Fields.checkConsumed(in, "DESCRIBE_TOPIC request");
        return new DescribeTopicRequest(topic);
    }
}
