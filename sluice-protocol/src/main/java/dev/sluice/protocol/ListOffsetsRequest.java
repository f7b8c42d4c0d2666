package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * LIST_OFFSETS request: for each entry, the end offset ({@link #LATEST}), the start offset ({@link
 * #EARLIEST}), or the first offset whose record timestamp is at or after {@code timestampMs} (the
 * end offset when none is).
 */
public record ListOffsetsRequest(String topic, List<Entry> entries) implements Request {
    /** {@code timestampMs} asking for the end offset. */
    public static final long LATEST = -1;

    /** {@code timestampMs} asking for the start offset. */
    public static final long EARLIEST = -2;

    public ListOffsetsRequest {
        entries = List.copyOf(entries);
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_OFFSETS;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, topic, "ListOffsetsRequest.topic");
        out.writeInt(entries.size());
        for (Entry element : entries) {
            element.encode(out);
        }
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static ListOffsetsRequest decode(ByteBuf in) {
        String topic = Fields.readString(in, "ListOffsetsRequest.topic");
        List<Entry> entries =
                Fields.readArray(in, "ListOffsetsRequest.entries", Entry.BYTES_MIN, Entry::decode);
        Fields.checkConsumed(in, "LIST_OFFSETS request");
        return new ListOffsetsRequest(topic, entries);
    }

    /** A queue and a timestamp: {@link #LATEST} (-1), {@link #EARLIEST} (-2), or a time in ms. */
    public record Entry(int queue, long timestampMs) {
        static final int BYTES_MIN = 12;

        void encode(ByteBuf out) {
            out.writeInt(queue);
            out.writeLong(timestampMs);
        }

        static Entry decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "ListOffsetsRequest.Entry.queue");
            long timestampMs = Fields.readInt64(in, "ListOffsetsRequest.Entry.timestampMs");
            return new Entry(queue, timestampMs);
        }
    }
}
