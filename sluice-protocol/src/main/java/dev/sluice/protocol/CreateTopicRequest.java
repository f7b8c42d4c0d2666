package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * CREATE_TOPIC request: {@code queueCount} in 1 to topics.queueCountMax; {@code retentionMs} -1
 * for the broker's ({@link #RETENTION_MS_BROKER_DEFAULT}); {@code messageIdWindowMs} -1 for the
 * broker's ({@link #MESSAGE_ID_WINDOW_MS_BROKER_DEFAULT}), 0 for off.
 */
public record CreateTopicRequest(
        String topic,
        int queueCount,
        long retentionMs,
        TopicFlushPolicy flushPolicy,
        long messageIdWindowMs) implements Request {
    /** {@code retentionMs} meaning "the broker's retention". */
    public static final long RETENTION_MS_BROKER_DEFAULT = -1;
    /** {@code messageIdWindowMs} meaning "the broker's window". */
    public static final long MESSAGE_ID_WINDOW_MS_BROKER_DEFAULT = -1;

    public CreateTopicRequest {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(flushPolicy, "flushPolicy");
    }

    /** A request for the broker's message-id window. */
    public CreateTopicRequest(String topic, int queueCount, long retentionMs, TopicFlushPolicy flushPolicy) {
        this(topic, queueCount, retentionMs, flushPolicy, MESSAGE_ID_WINDOW_MS_BROKER_DEFAULT);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_TOPIC;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, topic, "CreateTopicRequest.topic");
        out.writeInt(queueCount);
        out.writeLong(retentionMs);
        out.writeByte(flushPolicy.value());
        out.writeLong(messageIdWindowMs);
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static CreateTopicRequest decode(ByteBuf in) {
        String topic = Fields.readString(in, "CreateTopicRequest.topic");
        int queueCount = Fields.readInt32(in, "CreateTopicRequest.queueCount");
        long retentionMs = Fields.readInt64(in, "CreateTopicRequest.retentionMs");
        TopicFlushPolicy flushPolicy =
                TopicFlushPolicy.forValue(Fields.readInt8(in, "CreateTopicRequest.flushPolicy"));
        long messageIdWindowMs = Fields.readInt64(in, "CreateTopicRequest.messageIdWindowMs");
        Fields.checkConsumed(in, "CREATE_TOPIC request");
        return new CreateTopicRequest(topic, queueCount, retentionMs, flushPolicy, messageIdWindowMs);
    }
}
