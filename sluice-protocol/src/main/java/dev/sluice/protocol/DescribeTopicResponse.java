package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * DESCRIBE_TOPIC response: the topic's settings and each queue's offsets; {@code messageIdWindowMs}
 * as the topic was created (-1: the broker's window, 0: off).
 */
public record DescribeTopicResponse(
        ErrorCode errorCode,
        String errorMessage,
        int queueCount,
        long retentionMs,
        TopicFlushPolicy flushPolicy,
        long createdAtMs,
        long messageIdWindowMs,
        List<Queue> queues) implements Response {
    public DescribeTopicResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        queues = List.copyOf(queues);
        if (errorCode == ErrorCode.NONE) {
            Objects.requireNonNull(flushPolicy, "flushPolicy");
        }
    }

    /** A successful response for a topic with the broker's message-id window. */
    public static DescribeTopicResponse success(
            int queueCount,
            long retentionMs,
            TopicFlushPolicy flushPolicy,
            long createdAtMs,
            List<Queue> queues) {
        return success(queueCount, retentionMs, flushPolicy, createdAtMs, -1, queues);
    }

    /** A successful response. */
    public static DescribeTopicResponse success(
            int queueCount,
            long retentionMs,
            TopicFlushPolicy flushPolicy,
            long createdAtMs,
            long messageIdWindowMs,
            List<Queue> queues) {
        return new DescribeTopicResponse(
                ErrorCode.NONE, null, queueCount, retentionMs, flushPolicy, createdAtMs, messageIdWindowMs, queues);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static DescribeTopicResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new DescribeTopicResponse(errorCode, errorMessage, 0, 0L, null, 0L, 0L, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_TOPIC;
    }

    @Override
    public void encode(ByteBuf out) {
        if (!Fields.writeErrorHeader(out, errorCode, errorMessage)) {
            return;
        }
        out.writeInt(queueCount);
        out.writeLong(retentionMs);
        out.writeByte(flushPolicy.value());
        out.writeLong(createdAtMs);
        out.writeLong(messageIdWindowMs);
        out.writeInt(queues.size());
        for (Queue element : queues) {
            element.encode(out);
        }
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static DescribeTopicResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "DESCRIBE_TOPIC response");
            return error(header.errorCode(), header.errorMessage());
        }
        int queueCount = Fields.readInt32(in, "DescribeTopicResponse.queueCount");
        long retentionMs = Fields.readInt64(in, "DescribeTopicResponse.retentionMs");
        TopicFlushPolicy flushPolicy =
                TopicFlushPolicy.forValue(Fields.readInt8(in, "DescribeTopicResponse.flushPolicy"));
        long createdAtMs = Fields.readInt64(in, "DescribeTopicResponse.createdAtMs");
        long messageIdWindowMs = Fields.readInt64(in, "DescribeTopicResponse.messageIdWindowMs");
        List<Queue> queues =
                Fields.readArray(
                        in, "DescribeTopicResponse.queues", Queue.BYTES_MIN, Queue::decode);
        Fields.checkConsumed(in, "DESCRIBE_TOPIC response");
        return success(queueCount, retentionMs, flushPolicy, createdAtMs, messageIdWindowMs, queues);
    }

    /** One queue: its start offset (first readable) and end offset (the next record's). */
    public record Queue(int queue, long startOffset, long endOffset) {
        static final int BYTES_MIN = 20;

        void encode(ByteBuf out) {
            out.writeInt(queue);
            out.writeLong(startOffset);
            out.writeLong(endOffset);
        }

        static Queue decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "DescribeTopicResponse.Queue.queue");
            long startOffset = Fields.readInt64(in, "DescribeTopicResponse.Queue.startOffset");
            long endOffset = Fields.readInt64(in, "DescribeTopicResponse.Queue.endOffset");
            return new Queue(queue, startOffset, endOffset);
        }
    }
}
