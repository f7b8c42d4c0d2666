package dev.sluice.protocol;

import dev.sluice.protocol.internal.BodyWriter;
import dev.sluice.protocol.internal.Fields;
import dev.sluice.protocol.internal.RecordsBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * QUEUE_RECEIVE response: per queue, the deliveries acquired (offset and delivery count) and
 * whole batches holding them. The batches may hold other records too: the receiver keeps only the
 * delivered offsets. Encoded by {@link Frames#encodeResponse} without copying records of 1 KiB or
 * more, as FETCH's: build queues with {@link #queue(int, List, List)} from read-only views of
 * mapped files. Decoded records are slices of the frame buffer: not copied, not retained.
 */
public record QueueReceiveResponse(
        ErrorCode errorCode,
        String errorMessage,
        List<Queue> queues) implements Response {
    public QueueReceiveResponse {
        Fields.checkErrorHeader(errorCode, errorMessage);
        queues = List.copyOf(queues);
    }

    /** A successful response. */
    public static QueueReceiveResponse success(List<Queue> queues) {
        return new QueueReceiveResponse(ErrorCode.NONE, null, queues);
    }

    /**
     * An error-only response: the body ends after the error header. The other fields are empty
     * lists, zeros and nulls.
     */
    public static QueueReceiveResponse error(ErrorCode errorCode, String errorMessage) {
        Fields.checkIsError(errorCode);
        return new QueueReceiveResponse(errorCode, errorMessage, List.of());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.QUEUE_RECEIVE;
    }

    @Override
    public void encode(ByteBuf out) {
        encode(BodyWriter.copying(out));
    }

    /** Encodes into {@code writer}: records go through {@link BodyWriter#writeRecords}. */
    void encode(BodyWriter writer) {
        if (!Fields.writeErrorHeader(writer.out(), errorCode, errorMessage)) {
            return;
        }
        writer.out().writeInt(queues.size());
        for (Queue element : queues) {
            element.encode(writer);
        }
    }

    /**
     * Decodes a response body, consuming {@code in} exactly. Records are a slice of {@code in}:
     * not copied, not retained.
     */
    public static QueueReceiveResponse decode(ByteBuf in) {
        var header = Fields.readErrorHeader(in);
        if (header.isError()) {
            Fields.checkConsumed(in, "QUEUE_RECEIVE response");
            return error(header.errorCode(), header.errorMessage());
        }
        List<Queue> queues =
                Fields.readArray(in, "QueueReceiveResponse.queues", Queue.BYTES_MIN, Queue::decode);
        Fields.checkConsumed(in, "QUEUE_RECEIVE response");
        return success(queues);
    }

    /**
     * A successful queue whose records are {@code batches} back to back, wrapped without a copy
     * (each ByteBuffer's remaining bytes; positions and limits are not changed). The buffers must
     * stay valid until the frame holding them is written.
     */
    public static Queue queue(int queue, List<Delivery> deliveries, List<ByteBuffer> batches) {
        return new Queue(queue, ErrorCode.NONE, null, deliveries, RecordsBuffers.wrap(batches));
    }

    /** A queue that failed: no deliveries, no records. */
    public static Queue errorQueue(int queue, ErrorCode errorCode, String errorMessage) {
        return new Queue(queue, errorCode, errorMessage, List.of(), Unpooled.EMPTY_BUFFER);
    }

    /**
     * One queue's deliveries, in offset order, and whole batches in {@code records} that hold
     * every delivered offset (and maybe other records: skip those), or an error.
     */
    public record Queue(
            int queue,
            ErrorCode errorCode,
            String errorMessage,
            List<Delivery> deliveries,
            ByteBuf records) {
        static final int BYTES_MIN = 16;

        public Queue {
            Objects.requireNonNull(errorCode, "errorCode");
            deliveries = List.copyOf(deliveries);
            Objects.requireNonNull(records, "records");
        }

        void encode(BodyWriter writer) {
            writer.out().writeInt(queue);
            writer.out().writeShort(errorCode.code());
            Fields.writeNullableString(
                    writer.out(), errorMessage, "QueueReceiveResponse.Queue.errorMessage");
            writer.out().writeInt(deliveries.size());
            for (Delivery element : deliveries) {
                element.encode(writer.out());
            }
            writer.writeRecords(records, "QueueReceiveResponse.Queue.records");
        }

        static Queue decode(ByteBuf in) {
            int queue = Fields.readInt32(in, "QueueReceiveResponse.Queue.queue");
            ErrorCode errorCode = Fields.readErrorCode(in, "QueueReceiveResponse.Queue.errorCode");
            String errorMessage =
                    Fields.readNullableString(in, "QueueReceiveResponse.Queue.errorMessage");
            List<Delivery> deliveries =
                    Fields.readArray(
                            in, "QueueReceiveResponse.Queue.deliveries", Delivery.BYTES_MIN,
                            Delivery::decode);
            ByteBuf records = Fields.readBytes(in, "QueueReceiveResponse.Queue.records");
            return new Queue(queue, errorCode, errorMessage, deliveries, records);
        }
    }

    /**
     * One delivered message: its offset and how many times it has been delivered, this time
     * included. (queue, offset, deliveryCount) names the delivery in QUEUE_ACK.
     */
    public record Delivery(long offset, int deliveryCount) {
        static final int BYTES_MIN = 12;

        void encode(ByteBuf out) {
            out.writeLong(offset);
            out.writeInt(deliveryCount);
        }

        static Delivery decode(ByteBuf in) {
            long offset = Fields.readInt64(in, "QueueReceiveResponse.Delivery.offset");
            int deliveryCount = Fields.readInt32(in, "QueueReceiveResponse.Delivery.deliveryCount");
            return new Delivery(offset, deliveryCount);
        }
    }
}
