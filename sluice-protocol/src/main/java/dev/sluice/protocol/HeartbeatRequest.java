package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * HEARTBEAT request: keeps the member in the group (joins when {@code memberId} is empty) and
 * reports the queues it consumes now.
 */
public record HeartbeatRequest(
        String group,
        String topic,
        String memberId,
        String clientId,
        int sessionTimeoutMs,
        List<Integer> ownedQueues) implements Request {
    public HeartbeatRequest {
        ownedQueues = List.copyOf(ownedQueues);
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(clientId, "clientId");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.HEARTBEAT;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, group, "HeartbeatRequest.group");
        Fields.writeString(out, topic, "HeartbeatRequest.topic");
        Fields.writeString(out, memberId, "HeartbeatRequest.memberId");
        Fields.writeString(out, clientId, "HeartbeatRequest.clientId");
        out.writeInt(sessionTimeoutMs);
        Fields.writeInt32Array(out, ownedQueues);
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static HeartbeatRequest decode(ByteBuf in) {
        String group = Fields.readString(in, "HeartbeatRequest.group");
        String topic = Fields.readString(in, "HeartbeatRequest.topic");
        String memberId = Fields.readString(in, "HeartbeatRequest.memberId");
        String clientId = Fields.readString(in, "HeartbeatRequest.clientId");
        int sessionTimeoutMs = Fields.readInt32(in, "HeartbeatRequest.sessionTimeoutMs");
        List<Integer> ownedQueues = Fields.readInt32Array(in, "HeartbeatRequest.ownedQueues");
        Fields.checkConsumed(in, "HEARTBEAT request");
        return new HeartbeatRequest(
                group, topic, memberId, clientId, sessionTimeoutMs, ownedQueues);
    }
}
