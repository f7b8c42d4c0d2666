package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;

/** LIST_GROUPS request: an empty body. */
public record ListGroupsRequest() implements Request {
    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_GROUPS;
    }

    @Override
    public void encode(ByteBuf out) {
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static ListGroupsRequest decode(ByteBuf in) {
        Fields.checkConsumed(in, "LIST_GROUPS request");
        return new ListGroupsRequest();
    }
}
