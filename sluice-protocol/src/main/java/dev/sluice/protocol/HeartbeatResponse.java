package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * HEARTBEAT response: the member id, the group's generation, and the queues the member may own
 * now; it must drop every owned queue not in {@code assignedQueues} and heartbeat again at once.
 */
public record HeartbeatResponse(
        ErrorCode errorCode,
        String errorMessage,
        String memberId,
        int generation,
        int heartbeatIntervalMs,
        List<Integer> assignedQueues) implements Response {
    public HeartbeatResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        assignedQueues = List.copyOf(assignedQueues);
        if (errorCode == ErrorCode.NONE) {
            Objects.requireNonNull(memberId, "memberId");
        }
    }

    /** A successful response. */
    public static HeartbeatResponse success(
            String memberId,
            int generation,
            int heartbeatIntervalMs,
            List<Integer> assignedQueues) {
        return new HeartbeatResponse(
                ErrorCode.NONE, null, memberId, generation, heartbeatIntervalMs, assignedQueues);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static HeartbeatResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new HeartbeatResponse(errorCode, errorMessage, null, 0, 0, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.HEARTBEAT;
    }

    @Override
    public void encode(ByteBuf out) {
        if (!Fields.writeErrorHeader(out, errorCode, errorMessage)) {
            return;
        }
        Fields.writeString(out, memberId, "HeartbeatResponse.memberId");
        out.writeInt(generation);
        out.writeInt(heartbeatIntervalMs);
        Fields.writeInt32Array(out, assignedQueues);
    }

    /** Decodes a response body, consuming {@code in} exactly. */
    public static HeartbeatResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "HEARTBEAT response");
            return error(header.errorCode(), header.errorMessage());
        }
        String memberId = Fields.readString(in, "HeartbeatResponse.memberId");
        int generation = Fields.readInt32(in, "HeartbeatResponse.generation");
        int heartbeatIntervalMs = Fields.readInt32(in, "HeartbeatResponse.heartbeatIntervalMs");
        List<Integer> assignedQueues =
                Fields.readInt32Array(in, "HeartbeatResponse.assignedQueues");
        Fields.checkConsumed(in, "HEARTBEAT response");
        return success(memberId, generation, heartbeatIntervalMs, assignedQueues);
    }
}
