package dev.sluice.client;

import dev.sluice.client.internal.SluiceProducer;
import java.util.concurrent.CompletableFuture;

/**
 * Sends messages to topics. Messages are batched per queue (up to {@code batchBytes}, waiting at
 * most {@code lingerMs}), sent by a background thread ({@code sluice-producer-sender}) over one
 * connection, and retried on retriable failures until {@code deliveryTimeoutMs}.
 *
 * <p>Guarantees: messages of one queue are stored in the order {@code send} was called (one
 * batch per queue in flight, retries go first); with {@link Acks#LEADER} or
 * {@link Acks#DURABLE} a completed future means the message is stored (durable: fsynced); a
 * retry after a lost answer may store a message twice (at-least-once). {@link #sendOneway}
 * is at-most-once.
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
