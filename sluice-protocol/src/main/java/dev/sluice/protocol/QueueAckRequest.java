package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * QUEUE_ACK request: settles deliveries of queue-mode group {@code group} on {@code topic}, each
 * named by (queue, offset, deliveryCount) as QUEUE_RECEIVE handed it out, so any connection may
 * send it. Each entry gets its own result.
 */
public record QueueAckRequest(
        String group,
        String topic,
        List<Entry> entries) implements Request {
    public QueueAckRequest {
        entries = List.copyOf(entries);
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.QUEUE_ACK;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, group, "QueueAckRequest.group");
        Fields.writeString(out, topic, "QueueAckRequest.topic");
        out.writeInt(entries.size());
        for (Entry element : entries) {
            element.encode(out);
        }
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static QueueAckRequest decode(ByteBuf in) {
        String group = Fields.readString(in, "QueueAckRequest.group");
        String topic = Fields.readString(in, "QueueAckRequest.topic");
        List<Entry> entries =
                Fields.readArray(in, "QueueAckRequest.entries", Entry.BYTES_MIN, Entry::decode);
        Fields.checkConsumed(in, "QUEUE_ACK request");
        return new QueueAckRequest(group, topic, entries);
    }

    /**
     * One delivery and what to do with it: {@code delayMs} is the redelivery delay of a NACK or
     * the new visibility timeout of a RENEW (ignored otherwise); {@code reason} (nullable) goes
     * with a REJECT into the dead-letter copy's headers.
     */
    public record Entry(
            int queue,
            long offset,
            int deliveryCount,
            QueueAckType type,
            int delayMs,
            String reason) {
        static final int BYTES_MIN = 23;

        public Entry {
            Objects.requireNonNull(type, "type");
        }

        void encode(ByteBuf out) {
            out.writeInt(queue);
            out.writeLong(offset);
            out.writeInt(deliveryCount);
            out.writeByte(type.value());
            out.writeInt(delayMs);
            Fields.writeNullableString(out, reason, "QueueAckRequest.Entry.reason");
        }

        static Entry decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "QueueAckRequest.Entry.queue");
            long offset = Fields.readInt64(in, "QueueAckRequest.Entry.offset");
            int deliveryCount = Fields.readInt32(in, "QueueAckRequest.Entry.deliveryCount");
            QueueAckType type = QueueAckType.forValue(Fields.readInt8(in, "QueueAckRequest.Entry.type"));
            int delayMs = Fields.readInt32(in, "QueueAckRequest.Entry.delayMs");
            String reason = Fields.readNullableString(in, "QueueAckRequest.Entry.reason");
            return new Entry(queue, offset, deliveryCount, type, delayMs, reason);
        }
    }
}
