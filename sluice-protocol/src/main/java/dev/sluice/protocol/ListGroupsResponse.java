package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/** LIST_GROUPS response: every group. */
public record ListGroupsResponse(
        ErrorCode errorCode,
        String errorMessage,
        List<Group> groups) implements Response {
    public ListGroupsResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        groups = List.copyOf(groups);
    }

    /** A successful response. */
    public static ListGroupsResponse success(List<Group> groups) {
        return new ListGroupsResponse(ErrorCode.NONE, null, groups);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static ListGroupsResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new ListGroupsResponse(errorCode, errorMessage, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_GROUPS;
    }

    @Override
    public void encode(ByteBuf out) {
        if (!Fields.writeErrorHeader(out, errorCode, errorMessage)) {
            return;
        }
        out.writeInt(groups.size());
        for (Group element : groups) {
            element.encode(out);
        }
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static ListGroupsResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "LIST_GROUPS response");
            return error(header.errorCode(), header.errorMessage());
        }
        List<Group> groups =
                Fields.readArray(in, "ListGroupsResponse.groups", Group.BYTES_MIN, Group::decode);
        Fields.checkConsumed(in, "LIST_GROUPS response");
        return success(groups);
    }

    /** One group, its topic and member count. */
    public record Group(String group, String topic, int memberCount) {
        static final int BYTES_MIN = 8;

        public Group {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(topic, "topic");
        }

        void encode(ByteBuf out) {
            Fields.writeString(out, group, "ListGroupsResponse.Group.group");
            Fields.writeString(out, topic, "ListGroupsResponse.Group.topic");
            out.writeInt(memberCount);
        }

        static Group decode(ByteBuf in) {
            String group = Fields.readString(in, "ListGroupsResponse.Group.group");
            String topic = Fields.readString(in, "ListGroupsResponse.Group.topic");
            int memberCount = Fields.readInt32(in, "ListGroupsResponse.Group.memberCount");
            return new Group(group, topic, memberCount);
        }
    }
}
