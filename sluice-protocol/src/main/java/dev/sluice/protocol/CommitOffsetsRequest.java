package dev.sluice.protocol;

import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * COMMIT_OFFSETS request: an empty {@code memberId} is an admin commit, allowed only when the
 * group has no members.
 */
public record CommitOffsetsRequest(
        String group,
        String memberId,
        String topic,
        List<Entry> entries) implements Request {
    public CommitOffsetsRequest {
        entries = List.copyOf(entries);
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.COMMIT_OFFSETS;
    }

    @Override
    public void encode(ByteBuf out) {
        Fields.writeString(out, group, "CommitOffsetsRequest.group");
        Fields.writeString(out, memberId, "CommitOffsetsRequest.memberId");
        Fields.writeString(out, topic, "CommitOffsetsRequest.topic");
        out.writeInt(entries.size());
        for (Entry element : entries) {
            element.encode(out);
        }
    }

    /** Decodes a request body, consuming {@code in} exactly. */
    public static CommitOffsetsRequest decode(ByteBuf in) {
        String group = Fields.readString(in, "CommitOffsetsRequest.group");
        String memberId = Fields.readString(in, "CommitOffsetsRequest.memberId");
        String topic = Fields.readString(in, "CommitOffsetsRequest.topic");
        List<Entry> entries =
                Fields.readArray(
                        in, "CommitOffsetsRequest.entries", Entry.BYTES_MIN, Entry::decode);
        Fields.checkConsumed(in, "COMMIT_OFFSETS request");
        return new CommitOffsetsRequest(group, memberId, topic, entries);
    }

    /** A queue and the offset of the next record to consume. */
    public record Entry(int queue, long offset) {
        static final int BYTES_MIN = 12;

        void encode(ByteBuf out) {
            out.writeInt(queue);
            out.writeLong(offset);
        }

        static Entry decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "CommitOffsetsRequest.Entry.queue");
            long offset = Fields.readInt64(in, "CommitOffsetsRequest.Entry.offset");
            return new Entry(queue, offset);
        }
    }
}
