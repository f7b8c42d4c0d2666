package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/** DESCRIBE_GROUP response: the group's topic, generation, members and queues. */
public record DescribeGroupResponse(
        ErrorCode errorCode,
        String errorMessage,
        String topic,
        int generation,
        List<Member> members,
        List<Queue> queues) implements Response {
    public DescribeGroupResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        members = List.copyOf(members);
        queues = List.copyOf(queues);
        if (errorCode == ErrorCode.NONE) {
            Objects.requireNonNull(topic, "topic");
        }
    }

    /** A successful response. */
    public static DescribeGroupResponse success(
            String topic,
            int generation,
            List<Member> members,
            List<Queue> queues) {
        return new DescribeGroupResponse(ErrorCode.NONE, null, topic, generation, members, queues);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static DescribeGroupResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new DescribeGroupResponse(errorCode, errorMessage, null, 0, List.of(), List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_GROUP;
    }

    @Override
    public void encode(ByteBuf out) {
        if (!Fields.writeErrorHeader(out, errorCode, errorMessage)) {
            return;
        }
        Fields.writeString(out, topic, "DescribeGroupResponse.topic");
        out.writeInt(generation);
        out.writeInt(members.size());
        for (Member element : members) {
            element.encode(out);
        }
        out.writeInt(queues.size());
        for (Queue element : queues) {
            element.encode(out);
        }
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static DescribeGroupResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "DESCRIBE_GROUP response");
            return error(header.errorCode(), header.errorMessage());
        }
        String topic = Fields.readString(in, "DescribeGroupResponse.topic");
        int generation = Fields.readInt32(in, "DescribeGroupResponse.generation");
        List<Member> members =
                Fields.readArray(
                        in, "DescribeGroupResponse.members", Member.BYTES_MIN, Member::decode);
        List<Queue> queues =
                Fields.readArray(
                        in, "DescribeGroupResponse.queues", Queue.BYTES_MIN, Queue::decode);
        Fields.checkConsumed(in, "DESCRIBE_GROUP response");
        return success(topic, generation, members, queues);
    }

    /** One member: its id, client id, host and owned queues. */
    public record Member(String memberId, String clientId, String host, List<Integer> queues) {
        static final int BYTES_MIN = 10;

        public Member {
            Objects.requireNonNull(memberId, "memberId");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(host, "host");
            queues = List.copyOf(queues);
        }

        void encode(ByteBuf out) {
            Fields.writeString(out, memberId, "DescribeGroupResponse.Member.memberId");
            Fields.writeString(out, clientId, "DescribeGroupResponse.Member.clientId");
            Fields.writeString(out, host, "DescribeGroupResponse.Member.host");
            Fields.writeInt32Array(out, queues);
        }

        static Member decode(ByteBuf in) {
            String memberId = Fields.readString(in, "DescribeGroupResponse.Member.memberId");
            String clientId = Fields.readString(in, "DescribeGroupResponse.Member.clientId");
            String host = Fields.readString(in, "DescribeGroupResponse.Member.host");
            List<Integer> queues = Fields.readInt32Array(in, "DescribeGroupResponse.Member.queues");
            return new Member(memberId, clientId, host, queues);
        }
    }

    /**
     * One queue of the group's topic: its owner (
             null: none), committed offset (-1: none), end offset
     * and lag.
     */
    public record Queue(int queue, String owner, long committedOffset, long endOffset, long lag) {
        static final int BYTES_MIN = 30;

        void encode(ByteBuf out) {
            out.writeInt(queue);
            Fields.writeNullableString(out, owner, "DescribeGroupResponse.Queue.owner");
            out.writeLong(committedOffset);
            out.writeLong(endOffset);
            out.writeLong(lag);
        }

        static Queue decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "DescribeGroupResponse.Queue.queue");
            String owner = Fields.readNullableString(in, "DescribeGroupResponse.Queue.owner");
            long committedOffset =
                    Fields.readInt64(in, "DescribeGroupResponse.Queue.committedOffset");
            long endOffset = Fields.readInt64(in, "DescribeGroupResponse.Queue.endOffset");
            long lag = Fields.readInt64(in, "DescribeGroupResponse.Queue.lag");
            return new Queue(queue, owner, committedOffset, endOffset, lag);
        }
    }
}
