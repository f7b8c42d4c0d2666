package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** DESCRIBE_QUEUE_GROUP request: one queue-mode group's settings and per-queue figures. */
public record DescribeQueueGroupRequest(String group) implements Request {
    public DescribeQueueGroupRequest {
        Objects.requireNonNull(group, "group");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_QUEUE_GROUP;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, group, "DescribeQueueGroupRequest.group");
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static DescribeQueueGroupRequest decode(ByteBuf in) {
        String group = Fields.readString(in, "DescribeQueueGroupRequest.group");
        Fields.checkConsumed(in, "DESCRIBE_QUEUE_GROUP request");
        return new DescribeQueueGroupRequest(group);
    }
}
