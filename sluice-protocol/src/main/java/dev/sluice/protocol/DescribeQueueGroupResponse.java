package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * DESCRIBE_QUEUE_GROUP response: the group's topic and settings ({@code deadLetterTopic} empty:
 * none) and, per queue of the topic, where the group stands.
 */
public record DescribeQueueGroupResponse(
        ErrorCode errorCode,
        String errorMessage,
        String topic,
        int maxAttempts,
        String deadLetterTopic,
        boolean messageGroups,
        List<Queue> queues) implements Response {
    public DescribeQueueGroupResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        queues = List.copyOf(queues);
        if (errorCode == ErrorCode.NONE) {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        }
    }

    /** A successful response. */
    public static DescribeQueueGroupResponse success(
            String topic,
            int maxAttempts,
            String deadLetterTopic,
            boolean messageGroups,
            List<Queue> queues) {
        return new DescribeQueueGroupResponse(
                ErrorCode.NONE, null, topic, maxAttempts, deadLetterTopic, messageGroups, queues);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static DescribeQueueGroupResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new DescribeQueueGroupResponse(
                errorCode, errorMessage, null, 0, null, false, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_QUEUE_GROUP;
    }

    @Override
    public void encode(ByteBuf out) {
        if (!Fields.writeErrorHeader(out, errorCode, errorMessage)) {
            return;
        }
        Fields.writeString(out, topic, "DescribeQueueGroupResponse.topic");
        out.writeInt(maxAttempts);
        Fields.writeString(out, deadLetterTopic, "DescribeQueueGroupResponse.deadLetterTopic");
        Fields.writeBoolean(out, messageGroups);
        out.writeInt(queues.size());
        for (Queue element : queues) {
            element.encode(out);
        }
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static DescribeQueueGroupResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "DESCRIBE_QUEUE_GROUP response");
            return error(header.errorCode(), header.errorMessage());
        }
        String topic = Fields.readString(in, "DescribeQueueGroupResponse.topic");
        int maxAttempts = Fields.readInt32(in, "DescribeQueueGroupResponse.maxAttempts");
        String deadLetterTopic = Fields.readString(in, "DescribeQueueGroupResponse.deadLetterTopic");
        boolean messageGroups = Fields.readBoolean(in, "DescribeQueueGroupResponse.messageGroups");
        List<Queue> queues =
                Fields.readArray(
                        in, "DescribeQueueGroupResponse.queues", Queue.BYTES_MIN, Queue::decode);
        Fields.checkConsumed(in, "DESCRIBE_QUEUE_GROUP response");
        return success(topic, maxAttempts, deadLetterTopic, messageGroups, queues);
    }

    /**
     * One queue: every offset below {@code startOffset} is done; {@code inFlight} acquired now,
     * {@code available} ready to deliver (untracked records up to {@code endOffset} included),
     * {@code delayed} nacked and waiting, {@code deadLettered} dead-lettered so far.
     */
    public record Queue(
            int queue,
            long startOffset,
            long endOffset,
            long inFlight,
            long available,
            long delayed,
            long deadLettered) {
        static final int BYTES_MIN = 52;

        void encode(ByteBuf out) {
            out.writeInt(queue);
            out.writeLong(startOffset);
            out.writeLong(endOffset);
            out.writeLong(inFlight);
            out.writeLong(available);
            out.writeLong(delayed);
            out.writeLong(deadLettered);
        }

        static Queue decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "DescribeQueueGroupResponse.Queue.queue");
            long startOffset = Fields.readInt64(in, "DescribeQueueGroupResponse.Queue.startOffset");
            long endOffset = Fields.readInt64(in, "DescribeQueueGroupResponse.Queue.endOffset");
            long inFlight = Fields.readInt64(in, "DescribeQueueGroupResponse.Queue.inFlight");
            long available = Fields.readInt64(in, "DescribeQueueGroupResponse.Queue.available");
            long delayed = Fields.readInt64(in, "DescribeQueueGroupResponse.Queue.delayed");
            long deadLettered = Fields.readInt64(in, "DescribeQueueGroupResponse.Queue.deadLettered");
            return new Queue(
                    queue, startOffset, endOffset, inFlight, available, delayed, deadLettered);
        }
    }
}
