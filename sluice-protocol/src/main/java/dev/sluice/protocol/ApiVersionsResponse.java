package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * API_VERSIONS response: the apis and versions the broker speaks, its version string, and the
 * frame and batch limits a client must respect.
 */
public record ApiVersionsResponse(
        ErrorCode errorCode,
        String errorMessage,
        List<Api> apis,
        String brokerVersion,
        int frameBytesMax,
        int batchBytesMax) implements Response {
    public ApiVersionsResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        apis = List.copyOf(apis);
        if (errorCode == ErrorCode.NONE) {
            Objects.requireNonNull(brokerVersion, "brokerVersion");
        }
    }

    /** A successful response. */
    public static ApiVersionsResponse success(
            List<Api> apis,
            String brokerVersion,
            int frameBytesMax,
            int batchBytesMax) {
        return new ApiVersionsResponse(
                ErrorCode.NONE, null, apis, brokerVersion, frameBytesMax, batchBytesMax);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static ApiVersionsResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new ApiVersionsResponse(errorCode, errorMessage, List.of(), null, 0, 0);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.API_VERSIONS;
    }

    @Override
    public void encode(ByteBuf out) {
        if (!Fields.writeErrorHeader(out, errorCode, errorMessage)) {
            return;
        }
        out.writeInt(apis.size());
        for (Api element : apis) {
            element.encode(out);
        }
        Fields.writeString(out, brokerVersion, "ApiVersionsResponse.brokerVersion");
        out.writeInt(frameBytesMax);
        out.writeInt(batchBytesMax);
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static ApiVersionsResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "API_VERSIONS response");
            return error(header.errorCode(), header.errorMessage());
        }
        List<Api> apis =
                Fields.readArray(in, "ApiVersionsResponse.apis", Api.BYTES_MIN, Api::decode);
        String brokerVersion = Fields.readString(in, "ApiVersionsResponse.brokerVersion");
        int frameBytesMax = Fields.readInt32(in, "ApiVersionsResponse.frameBytesMax");
        int batchBytesMax = Fields.readInt32(in, "ApiVersionsResponse.batchBytesMax");
        Fields.checkConsumed(in, "API_VERSIONS response");
        return success(apis, brokerVersion, frameBytesMax, batchBytesMax);
    }

    /** One api the broker speaks and its version range. */
    public record Api(short api, short minVersion, short maxVersion) {
        static final int BYTES_MIN = 6;

        void encode(ByteBuf out) {
            out.writeShort(api);
            out.writeShort(minVersion);
            out.writeShort(maxVersion);
        }

        static Api decode(ByteBuf in) {
            short api = Fields.readInt16(in, "ApiVersionsResponse.Api.api");
            short minVersion = Fields.readInt16(in, "ApiVersionsResponse.Api.minVersion");
            short maxVersion = Fields.readInt16(in, "ApiVersionsResponse.Api.maxVersion");
            return new Api(api, minVersion, maxVersion);
        }
    }
}
