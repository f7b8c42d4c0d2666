package dev.sluice.protocol;

import dev.sluice.protocol.internal.BodyWriter;
import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * PRODUCE request: append one batch per entry to queues of {@code topic}. With {@link Acks#NONE}
 * the client sends it with flag ONEWAY and gets no answer. Decoded batches are slices of the frame
 * buffer (not copied, not retained); {@link Frames} links batches of 1 KiB or more into the frame
 * without copying.
 */
public record ProduceRequest(
        String topic,
        Acks acks,
        int timeoutMs,
        List<Entry> entries) implements Request {
    public ProduceRequest {
        entries = List.copyOf(entries);
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(acks, "acks");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.PRODUCE;
    }

    @Override
    public void encode(ByteBuf out) {
        encode(BodyWriter.copying(out));
    }

    /** Encodes into {@code writer}: records go through {@link BodyWriter#writeRecords}. */
    void encode(BodyWriter writer) {
        Fields.writeString(writer.out(), topic, "ProduceRequest.topic");
        writer.out().writeByte(acks.value());
        writer.out().writeInt(timeoutMs);
        writer.out().writeInt(entries.size());
        for (Entry element : entries) {
            element.encode(writer);
        }
    }

    /**
     * Decodes a request body, consuming {@code in} exactly. Records are a slice of {@code in}: not
     * copied, not retained.
     */
    public static ProduceRequest decode(ByteBuf in) {
        String topic = Fields.readString(in, "ProduceRequest.topic");
        Acks acks = Acks.forValue(Fields.readInt8(in, "ProduceRequest.acks"));
        int timeoutMs = Fields.readInt32(in, "ProduceRequest.timeoutMs");
        List<Entry> entries =
                Fields.readArray(in, "ProduceRequest.entries", Entry.BYTES_MIN, Entry::decode);
        Fields.checkConsumed(in, "PRODUCE request");
        return new ProduceRequest(topic, acks, timeoutMs, entries);
    }

    /**
     * An entry whose batch is {@code batch}'s remaining bytes, wrapped without a copy (the
     * ByteBuffer's position and limit are not changed).
     */
    public static Entry entry(int queue, ByteBuffer batch) {
        return new Entry(queue, Unpooled.wrappedBuffer(batch.duplicate()));
    }

    /**
     * One batch for one queue: {@code batch} holds exactly one RecordBatch v2 (its base offset is
     * ignored; the broker assigns offsets).
     */
    public record Entry(int queue, ByteBuf batch) {
        static final int BYTES_MIN = 8;

        public Entry {
            Objects.requireNonNull(batch, "batch");
        }

        void encode(BodyWriter writer) {
            writer.out().writeInt(queue);
            writer.writeRecords(batch, "ProduceRequest.Entry.batch");
        }

        static Entry decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "ProduceRequest.Entry.queue");
            ByteBuf batch = Fields.readBytes(in, "ProduceRequest.Entry.batch");
            return new Entry(queue, batch);
        }
    }
}
