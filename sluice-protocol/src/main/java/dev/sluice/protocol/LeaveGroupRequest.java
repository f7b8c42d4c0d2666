package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** LEAVE_GROUP request: the member's queues are free at once. */
public record LeaveGroupRequest(String group, String memberId) implements Request {
    public LeaveGroupRequest {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(memberId, "memberId");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LEAVE_GROUP;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, group, "LeaveGroupRequest.group");
        Fields.writeString(out, memberId, "LeaveGroupRequest.memberId");
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static LeaveGroupRequest decode(ByteBuf in) {
        String group = Fields.readString(in, "LeaveGroupRequest.group");
        String memberId = Fields.readString(in, "LeaveGroupRequest.memberId");
        Fields.checkConsumed(in, "LEAVE_GROUP request");
        return new LeaveGroupRequest(group, memberId);
    }
}
