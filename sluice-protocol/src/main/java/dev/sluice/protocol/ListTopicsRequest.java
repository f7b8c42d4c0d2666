package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;

/** LIST_TOPICS request: an empty body. */
public record ListTopicsRequest() implements Request {
    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_TOPICS;
    }

    @Override
    public void encode(ByteBuf out) {
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static ListTopicsRequest decode(ByteBuf in) {
        Fields.checkConsumed(in, "LIST_TOPICS request");
        return new ListTopicsRequest();
    }
}
