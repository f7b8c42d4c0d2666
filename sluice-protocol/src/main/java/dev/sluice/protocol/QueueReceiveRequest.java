package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * QUEUE_RECEIVE request: acquire up to {@code maxMessages} available messages of {@code topic}
 * (any queue) for queue-mode group {@code group}, each invisible to other receivers for
 * {@code visibilityTimeoutMs}; parked up to {@code maxWaitMs} while none is available: a long
 * poll. The group is created on first use with {@code maxAttempts}, {@code deadLetterTopic}
 * (null: {@code <group>.dlq}; empty: none) and {@code messageGroups}; a later request with other
 * settings is {@code GROUP_MODE_MISMATCH}.
 */
public record QueueReceiveRequest(
        String group,
        String topic,
        int maxMessages,
        int maxBytes,
        int visibilityTimeoutMs,
        int maxWaitMs,
        int maxAttempts,
        String deadLetterTopic,
        boolean messageGroups) implements Request {
    public QueueReceiveRequest {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.QUEUE_RECEIVE;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, group, "QueueReceiveRequest.group");
        Fields.writeString(out, topic, "QueueReceiveRequest.topic");
        out.writeInt(maxMessages);
        out.writeInt(maxBytes);
        out.writeInt(visibilityTimeoutMs);
        out.writeInt(maxWaitMs);
        out.writeInt(maxAttempts);
        Fields.writeNullableString(out, deadLetterTopic, "QueueReceiveRequest.deadLetterTopic");
        Fields.writeBoolean(out, messageGroups);
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static QueueReceiveRequest decode(ByteBuf in) {
        String group = Fields.readString(in, "QueueReceiveRequest.group");
        String topic = Fields.readString(in, "QueueReceiveRequest.topic");
        int maxMessages = Fields.readInt32(in, "QueueReceiveRequest.maxMessages");
        int maxBytes = Fields.readInt32(in, "QueueReceiveRequest.maxBytes");
        int visibilityTimeoutMs = Fields.readInt32(in, "QueueReceiveRequest.visibilityTimeoutMs");
        int maxWaitMs = Fields.readInt32(in, "QueueReceiveRequest.maxWaitMs");
        int maxAttempts = Fields.readInt32(in, "QueueReceiveRequest.maxAttempts");
        String deadLetterTopic = Fields.readNullableString(in, "QueueReceiveRequest.deadLetterTopic");
        boolean messageGroups = Fields.readBoolean(in, "QueueReceiveRequest.messageGroups");
        Fields.checkConsumed(in, "QUEUE_RECEIVE request");
        return new QueueReceiveRequest(group, topic, maxMessages, maxBytes, visibilityTimeoutMs, maxWaitMs,
                maxAttempts, deadLetterTopic, messageGroups);
    }
}
