package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/** LIST_TOPICS response: every topic. */
public record ListTopicsResponse(
        ErrorCode errorCode,
        String errorMessage,
        List<Topic> topics) implements Response {
    public ListTopicsResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        topics = List.copyOf(topics);
    }

    /** A successful response. */
    public static ListTopicsResponse success(List<Topic> topics) {
        return new ListTopicsResponse(ErrorCode.NONE, null, topics);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static ListTopicsResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new ListTopicsResponse(errorCode, errorMessage, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_TOPICS;
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
    public static ListTopicsResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "LIST_TOPICS response");
            return error(header.errorCode(), header.errorMessage());
        }
        List<Topic> topics =
                Fields.readArray(in, "ListTopicsResponse.topics", Topic.BYTES_MIN, Topic::decode);
        Fields.checkConsumed(in, "LIST_TOPICS response");
        return success(topics);
    }

    /** One topic and its queue count. */
    public record Topic(String topic, int queueCount) {
        static final int BYTES_MIN = 6;

        public Topic {
            Objects.requireNonNull(topic, "topic");
        }

        void encode(ByteBuf out) {
            Fields.writeString(out, topic, "ListTopicsResponse.Topic.topic");
            out.writeInt(queueCount);
        }

        static Topic decode(ByteBuf in) {
            String topic = Fields.readString(in, "ListTopicsResponse.Topic.topic");
            int queueCount = Fields.readInt32(in, "ListTopicsResponse.Topic.queueCount");
            return new Topic(topic, queueCount);
        }
    }
}
