package dev.sluice.client;

import dev.sluice.client.internal.SluiceProducer;
import java.util.concurrent.CompletableFuture;

/**
 * Sends messages to topics. Messages are batched per queue (up to {@code batchBytes}, waiting at
 * most {@code lingerMs}), sent by a background thread ({@code sluice-producer-sender}) over one
 * connection, and retried on retriable failures until {@code deliveryTimeoutMs}.
 *
 * <p>Guarantees: with {@link Acks#LEADER} or {@link Acks#DURABLE} a completed future means the
 * message is stored (durable: fsynced). With {@code idempotence} (the default) a retried batch is
 * stored once and a queue's messages in the order {@code send} was called; without it a retry
 * after a lost answer may store a message twice, and order across retries needs
 * {@code inFlightBatchesPerQueueMax} 1. A message id ({@link Message.Builder#messageId}) makes the
 * broker drop a second copy sent within the topic's window by any producer.
 * {@link #sendOneway} is at-most-once. For outages longer than {@code deliveryTimeoutMs}, see
 * {@link SpoolingProducer}. See {@code docs/guarantees.md}.
 *
 * <p>Thread-safe: share one producer between threads. Futures complete on the sender thread:
 * callbacks attached with {@code thenAccept} and the like run there and delay other sends, so
 * keep them short or use the {@code ...Async} variants.
 */
public interface Producer extends AutoCloseable {

    /** Creates a producer; it connects on first use. */
    static Producer create(ProducerConfig config) {
        return new SluiceProducer(config);
    }

    /**
     * Queues a message for sending. Blocks only while the topic's queue count is unknown or the
     * buffer is full, at most {@code maxBlockMs}.
     *
     * @return completes with where the message was stored, or fails with a
     *     {@link SluiceException}: {@link UnknownTopicException}, {@link RecordTooLargeException},
     *     {@link BufferExhaustedException}, {@link SluiceTimeoutException} (not delivered within
     *     {@code deliveryTimeoutMs}), or another broker error
     * @throws IllegalStateException if the producer is closed
     * @throws IllegalArgumentException if the message names a queue the topic does not have
     */
    CompletableFuture<SendResult> send(Message message);

    /**
     * Sends a message and waits for its acknowledgement.
     *
     * @throws SluiceException as the future of {@link #send} fails
     * @throws IllegalStateException if the producer is closed
     */
    SendResult sendSync(Message message);

    /**
     * Sends a message without acknowledgement ({@code acks} none, frames with flag {@code ONEWAY}):
     * at-most-once, never retried, no offset known. Batched like other sends, but apart from
     * them: no order is kept between one-way and acknowledged messages of one queue.
     *
     * @throws SluiceException if it could not even be queued (unknown topic, too large, full buffer)
     * @throws IllegalStateException if the producer is closed
     */
    void sendOneway(Message message);

    /** Sends everything buffered now at once and waits until each of those sends completed. */
    void flush();

    /**
     * Sends what is buffered (waiting at most {@code closeTimeoutMs}), then fails what is left,
     * closes the connection and stops the threads. Idempotent.
     */
    @Override
    void close();
}
