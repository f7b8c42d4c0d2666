package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/** METADATA response: one entry per topic asked for. */
public record MetadataResponse(
        ErrorCode errorCode,
        String errorMessage,
        List<Topic> topics) implements Response {
    public MetadataResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        topics = List.copyOf(topics);
    }

    /** A successful response. */
    public static MetadataResponse success(List<Topic> topics) {
        return new MetadataResponse(ErrorCode.NONE, null, topics);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static MetadataResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new MetadataResponse(errorCode, errorMessage, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.METADATA;
    }

    @Override
    public void encode(ByteBuf out) {
        if (!Fields.writeErrorHeader(out, errorCode, errorMessage)) {
            return;
        }
        out.writeInt(topics.size());
        for (Topic element : topics) {
            element.encode(out);
        }
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static MetadataResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "METADATA response");
            return error(header.errorCode(), header.errorMessage());
        }
        List<Topic> topics =
                Fields.readArray(in, "MetadataResponse.topics", Topic.BYTES_MIN, Topic::decode);
        Fields.checkConsumed(in, "METADATA response");
        return success(topics);
    }

    /** One topic asked for: its error (UNKNOWN_TOPIC, INVALID_TOPIC...) and its queue count. */
    public record Topic(String topic, ErrorCode errorCode, int queueCount) {
        static final int BYTES_MIN = 8;

        public Topic {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(errorCode, "errorCode");
        }

        void encode(ByteBuf out) {
            Fields.writeString(out, topic, "MetadataResponse.Topic.topic");
            out.writeShort(errorCode.code());
            out.writeInt(queueCount);
        }

        static Topic decode(ByteBuf in) {
            String topic = Fields.readString(in, "MetadataResponse.Topic.topic");
            ErrorCode errorCode = Fields.readErrorCode(in, "MetadataResponse.Topic.errorCode");
            int queueCount = Fields.readInt32(in, "MetadataResponse.Topic.queueCount");
            return new Topic(topic, errorCode, queueCount);
        }
    }
}
