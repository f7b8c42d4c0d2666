package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** API_VERSIONS request: the first request on a connection, naming the client. */
public record ApiVersionsRequest(String clientId) implements Request {
    public ApiVersionsRequest {
        Objects.requireNonNull(clientId, "clientId");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.API_VERSIONS;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, clientId, "ApiVersionsRequest.clientId");
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static ApiVersionsRequest decode(ByteBuf in) {
        String clientId = Fields.readString(in, "ApiVersionsRequest.clientId");
        Fields.checkConsumed(in, "API_VERSIONS request");
        return new ApiVersionsRequest(clientId);
    }
}
