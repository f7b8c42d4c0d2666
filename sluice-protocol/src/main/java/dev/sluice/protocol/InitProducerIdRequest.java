package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;

/**
 * INIT_PRODUCER_ID request: asks the broker for a new producer id (epoch 0) for an idempotent
 * producer. {@code transactionalId} is reserved for transactions and must be null for now.
 */
public record InitProducerIdRequest(String transactionalId) implements Request {
    @Override
    public ApiKey apiKey() {
        return ApiKey.INIT_PRODUCER_ID;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeNullableString(out, transactionalId, "InitProducerIdRequest.transactionalId");
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static InitProducerIdRequest decode(ByteBuf in) {
        String transactionalId = Fields.readNullableString(in, "InitProducerIdRequest.transactionalId");
        Fields.checkConsumed(in, "INIT_PRODUCER_ID request");
        return new InitProducerIdRequest(transactionalId);
    }
}
