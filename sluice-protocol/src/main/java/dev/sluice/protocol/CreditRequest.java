package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;

/**
 * CREDIT (client to broker, always flag ONEWAY): adds {@code creditBytes} to a subscription's
 * window.
 */
public record CreditRequest(int subscriptionId, int creditBytes) implements Request {
    @Override
    public ApiKey apiKey() {
        return ApiKey.CREDIT;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeInt(subscriptionId);
        out.writeInt(creditBytes);
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static CreditRequest decode(ByteBuf in) {
        int subscriptionId = Fields.readInt32(in, "CreditRequest.subscriptionId");
        int creditBytes = Fields.readInt32(in, "CreditRequest.creditBytes");
        Fields.checkConsumed(in, "CREDIT request");
        return new CreditRequest(subscriptionId, creditBytes);
    }
}
