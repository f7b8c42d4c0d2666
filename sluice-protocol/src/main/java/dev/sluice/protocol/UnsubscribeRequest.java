package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;

/** UNSUBSCRIBE request: ends a push subscription. */
public record UnsubscribeRequest(int subscriptionId) implements Request {
    @Override
    public ApiKey apiKey() {
        return ApiKey.UNSUBSCRIBE;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeInt(subscriptionId);
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static UnsubscribeRequest decode(ByteBuf in) {
        int subscriptionId = Fields.readInt32(in, "UnsubscribeRequest.subscriptionId");
        Fields.checkConsumed(in, "UNSUBSCRIBE request");
        return new UnsubscribeRequest(subscriptionId);
    }
}
