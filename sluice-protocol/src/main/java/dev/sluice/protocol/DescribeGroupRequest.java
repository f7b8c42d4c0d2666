package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** DESCRIBE_GROUP request: one group's members and queues. */
public record DescribeGroupRequest(String group) implements Request {
    public DescribeGroupRequest {
        Objects.requireNonNull(group, "group");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_GROUP;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, group, "DescribeGroupRequest.group");
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static DescribeGroupRequest decode(ByteBuf in) {
        String group = Fields.readString(in, "DescribeGroupRequest.group");
        Fields.checkConsumed(in, "DESCRIBE_GROUP request");
        return new DescribeGroupRequest(group);
    }
}
