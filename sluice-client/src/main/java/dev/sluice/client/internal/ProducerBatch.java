package dev.sluice.client.internal;

import dev.sluice.client.Header;
import dev.sluice.client.Message;
import dev.sluice.client.SendResult;
import dev.sluice.protocol.ProduceResponse;
import dev.sluice.record.Compression;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The messages for one queue that travel together as one RecordBatch v2, with the futures of
 * their sends.
 *
 * <p>Lifecycle: open (appends accepted) → closed (full, or taken by the sender) → built (bytes
 * encoded once; a retry sends the same bytes) → completed or failed (every future done). The
 * accumulator's lock guards the open phase; from {@link RecordAccumulator#drain} on, the sender
 * thread alone owns the batch.
 */
public final class ProducerBatch {
    /** Per-record bytes besides key, value and headers: length, attributes and delta varints. */
    static final int RECORD_OVERHEAD_BYTES_MAX = 1 + 5 + 10 + 5 + 5 + 5 + 5;
    /** Per-header bytes besides its key and value: two length varints. */
    static final int HEADER_OVERHEAD_BYTES_MAX = 10;

    /** Creation order within the accumulator: a requeued batch goes back in front of younger ones only. */
    private final long sequence;
    private final String topic;
    private final int queue;
    private final boolean oneway;
    private final long createdMs;
    private final RecordBatchBuilder builder;
    private final List<CompletableFuture<SendResult>> futures = new ArrayList<>();
    /** Each message's timestamp, by index; a primitive array so that a send boxes nothing. */
    private long[] timestamps = new long[16];
    private long reservedBytes;
    private boolean closed;
    private ByteBuffer built;
    private int attempts;
    private long retryAtMs;
    private int baseSequence = RecordBatchBuilder.NO_SEQUENCE;
    private short producerEpoch = RecordBatchBuilder.NO_PRODUCER_EPOCH;

    ProducerBatch(String topic, int queue, boolean oneway, Compression compression, long createdMs) {
        this(topic, queue, oneway, compression, createdMs, 0);
    }

    ProducerBatch(String topic, int queue, boolean oneway, Compression compression, long createdMs, long sequence) {
        this.sequence = sequence;
        this.topic = topic;
        this.queue = queue;
        this.oneway = oneway;
        this.createdMs = createdMs;
        this.builder = RecordBatchBuilder.create(compression, createdMs);
    }

    /** A bound on the bytes {@code message} takes in a batch's records section. */
    public static int sizeEstimate(Message message) {
        long bytes = RECORD_OVERHEAD_BYTES_MAX + length(message.key()) + length(message.value());
        for (Header header : message.headers()) {
            bytes += HEADER_OVERHEAD_BYTES_MAX + header.key().length() * 3L + length(header.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static long length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    /**
     * Appends a message unless the batch already holds one and would grow past
     * {@code batchBytes}.
     *
     * @return the send's future, or {@code null} when the batch is full or closed
     */
    CompletableFuture<SendResult> tryAppend(Message message, long timestampMs, int sizeBytes, int batchBytes) {
        if (closed || (builder.recordCount() > 0 && builder.estimatedSizeInBytes() + sizeBytes > batchBytes)) {
            return null;
        }
        List<Record.Header> headers = List.of();
        if (!message.headers().isEmpty()) {
            headers = new ArrayList<>(message.headers().size());
            for (Header header : message.headers()) {
                headers.add(Record.Header.of(header.key(), header.value()));
            }
        }
        builder.append(timestampMs, message.key(), message.value(), headers);
        CompletableFuture<SendResult> future = new CompletableFuture<>();
        if (futures.size() == timestamps.length) {
            timestamps = java.util.Arrays.copyOf(timestamps, timestamps.length * 2);
        }
        timestamps[futures.size()] = timestampMs;
        futures.add(future);
        reservedBytes += sizeBytes;
        return future;
    }

    /** Whether the batch has reached {@code batchBytes}. */
    boolean isFull(int batchBytes) {
        return builder.estimatedSizeInBytes() >= batchBytes;
    }

    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Stamps the idempotent producer's id, epoch and this batch's base sequence into the header;
     * before the first {@link #bytes}, once: a retry keeps its sequence and bytes.
     */
    void stampProducer(long producerId, short producerEpoch, int baseSequence) {
        if (built != null || this.baseSequence != RecordBatchBuilder.NO_SEQUENCE) {
            throw new IllegalStateException("batch already built or stamped: " + this);
        }
        builder.producer(producerId, producerEpoch, baseSequence);
        this.baseSequence = baseSequence;
        this.producerEpoch = producerEpoch;
    }

    /**
     * Stamps a batch again with a newer epoch and a new base sequence, after the broker answered
     * that it did not store it (OUT_OF_ORDER_SEQUENCE behind a failed batch, or an epoch its queue
     * has left): rewrites the header fields of the built bytes and their CRC.
     */
    void restampProducer(long producerId, short producerEpoch, int baseSequence) {
        if (!stamped()) {
            throw new IllegalStateException("batch never stamped: " + this);
        }
        if (built == null) {
            builder.producer(producerId, producerEpoch, baseSequence);
        } else {
            built.putLong(dev.sluice.record.RecordBatchDescriptor.PRODUCER_ID_OFFSET, producerId)
                    .putShort(dev.sluice.record.RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET, producerEpoch)
                    .putInt(dev.sluice.record.RecordBatchDescriptor.BASE_SEQUENCE_OFFSET, baseSequence);
            dev.sluice.record.RecordBatchDescriptor.updateCrc(built, 0);
        }
        this.baseSequence = baseSequence;
        this.producerEpoch = producerEpoch;
    }

    /** The epoch the batch was last stamped with. */
    short producerEpoch() {
        return producerEpoch;
    }

    /** Whether {@link #stampProducer} was called. */
    boolean stamped() {
        return baseSequence != RecordBatchBuilder.NO_SEQUENCE;
    }

    /** The encoded batch; built once, then the same bytes for every attempt. */
    public ByteBuffer bytes() {
        if (built == null) {
            closed = true;
            built = builder.build();
        }
        return built.duplicate();
    }

    /** Completes every send: the i-th message got offset {@code baseOffset + i}. */
    public void complete(long baseOffset) {
        complete(baseOffset, List.of());
    }

    /**
     * Completes every send: the messages listed in {@code duplicates} (ascending by index) with the
     * earlier message's queue and offset, the others with {@code baseOffset} onwards in order.
     */
    public void complete(long baseOffset, List<ProduceResponse.Duplicate> duplicates) {
        int next = 0;
        long stored = 0;
        for (int i = 0; i < futures.size(); i++) {
            if (next < duplicates.size() && duplicates.get(next).index() == i) {
                ProduceResponse.Duplicate duplicate = duplicates.get(next++);
                futures.get(i).complete(new SendResult(topic, duplicate.queue(), duplicate.offset(), timestamps[i], true));
                continue;
            }
            long offset = baseOffset < 0 ? SendResult.UNKNOWN_OFFSET : baseOffset + stored;
            stored++;
            futures.get(i).complete(new SendResult(topic, queue, offset, timestamps[i]));
        }
    }

    /** Fails every send with {@code cause}. */
    public void fail(Throwable cause) {
        for (CompletableFuture<SendResult> future : futures) {
            future.completeExceptionally(cause);
        }
    }

    /** Counts an attempt about to be made. */
    public int beginAttempt() {
        return ++attempts;
    }

    public int attempts() {
        return attempts;
    }

    public String topic() {
        return topic;
    }

    long sequence() {
        return sequence;
    }

    public int queue() {
        return queue;
    }

    public boolean oneway() {
        return oneway;
    }

    public long createdMs() {
        return createdMs;
    }

    public long reservedBytes() {
        return reservedBytes;
    }

    public int messageCount() {
        return futures.size();
    }

    long retryAtMs() {
        return retryAtMs;
    }

    void retryAtMs(long retryAtMs) {
        this.retryAtMs = retryAtMs;
    }

    /** Futures of the sends, for {@code flush}. */
    List<CompletableFuture<SendResult>> futures() {
        return futures;
    }

    @Override
    public String toString() {
        return "ProducerBatch[topic=" + topic + ", queue=" + queue + ", messages=" + futures.size() + ", attempts="
                + attempts + "]";
    }
}
