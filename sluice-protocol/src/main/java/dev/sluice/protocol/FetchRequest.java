package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * FETCH request: answered at once when {@code minBytes} are readable across the entries (or an
 * entry has an error), else parked until they are or {@code maxWaitMs} passes: a long poll.
 */
public record FetchRequest(
        int maxWaitMs,
        int minBytes,
        int maxBytes,
        List<Entry> entries) implements Request {
    public FetchRequest {
        entries = List.copyOf(entries);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FETCH;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeInt(maxWaitMs);
        out.writeInt(minBytes);
        out.writeInt(maxBytes);
        out.writeInt(entries.size());
        for (Entry element : entries) {
            element.encode(out);
        }
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static FetchRequest decode(ByteBuf in) {
        int maxWaitMs = Fields.readInt32(in, "FetchRequest.maxWaitMs");
        int minBytes = Fields.readInt32(in, "FetchRequest.minBytes");
        int maxBytes = Fields.readInt32(in, "FetchRequest.maxBytes");
        List<Entry> entries =
                Fields.readArray(in, "FetchRequest.entries", Entry.BYTES_MIN, Entry::decode);
        Fields.checkConsumed(in, "FETCH request");
        return new FetchRequest(maxWaitMs, minBytes, maxBytes, entries);
    }

    /**
     * Read {@code topic}/{@code queue} from {@code offset}, at most {@code queueMaxBytes} (
             the first
     * batch always).
     */
    public record Entry(String topic, int queue, long offset, int queueMaxBytes) {
        static final int BYTES_MIN = 18;

        public Entry {
            Objects.requireNonNull(topic, "topic");
        }

        void encode(ByteBuf out) {
            Fields.writeString(out, topic, "FetchRequest.Entry.topic");
            out.writeInt(queue);
            out.writeLong(offset);
            out.writeInt(queueMaxBytes);
        }

        static Entry decode(ByteBuf in) {
            String topic = Fields.readString(in, "FetchRequest.Entry.topic");
            int queue = Fields.readInt32(in, "FetchRequest.Entry.queue");
            long offset = Fields.readInt64(in, "FetchRequest.Entry.offset");
            int queueMaxBytes = Fields.readInt32(in, "FetchRequest.Entry.queueMaxBytes");
            return new Entry(topic, queue, offset, queueMaxBytes);
        }
    }
}
