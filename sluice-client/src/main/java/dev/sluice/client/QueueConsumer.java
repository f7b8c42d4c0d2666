package dev.sluice.client;

import dev.sluice.client.internal.SluiceQueueConsumer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a topic as a member of a queue-mode group (SQS, RabbitMQ, Kafka share groups): any
 * consumer of the group may get any message of the topic, from any queue, and settles each message
 * on its own. A delivered message is invisible to the group's other consumers for the config's
 * {@code visibilityTimeoutMs}; acknowledged ({@link #ack}) it is done; nacked ({@link #nack}) or
 * not settled in time it is delivered again, with its delivery count one higher; after
 * {@code maxAttempts} deliveries, or when rejected ({@link #reject}), it goes to the group's
 * dead-letter topic with headers saying where it came from and why. No member ids, no
 * rebalances: consumers come and go freely.
 *
 * <p>Two ways to read: {@link #poll(Duration)} (the application acks), or
 * {@link #listen(QueueMessageHandler)} (a thread polls and acks after the handler returns, or nacks
 * with a growing delay when it throws). Delivery is at least once: a message may be processed
 * twice if a consumer crashes or runs past the visibility timeout (extend it with
 * {@link #extendVisibility}).
 *
 * <p>Threads: one thread polls at a time; {@link #ack}, {@link #ackAsync}, {@link #nack},
 * {@link #reject} and {@link #extendVisibility} may be called from any thread, for messages of any
 * consumer of the same group and topic. {@link #close()} may be called from any thread.
 *
 * <p>After {@link #close()} the settling methods throw {@link IllegalStateException}: messages not
 * settled by then are delivered again (to any consumer of the group) once their visibility timeout
 * runs out. The listener nacks the messages it had received but not yet handed to its handler, so
 * those come back at once.
 */
public interface QueueConsumer extends AutoCloseable {

    /** Creates a queue consumer; it connects on its first receive. */
    static QueueConsumer create(QueueConsumerConfig config) {
        return new SluiceQueueConsumer(config);
    }

    /**
     * Reads {@code topic} in the config's group.
     *
     * @throws IllegalStateException if the config names no group, or already subscribed
     */
    void subscribe(String topic);

    /** Reads {@code topic} in queue-mode group {@code group}. @throws IllegalStateException if already subscribed */
    void subscribe(String topic, String group);

    /**
     * Receives the next available messages, waiting up to {@code timeout} for some (a long poll: a
     * message sent meanwhile is returned at once). Each is acquired for the config's
     * {@code visibilityTimeoutMs}; settle it within that. Under {@link DeliveryMode#AT_MOST_ONCE}
     * every message is acknowledged before this returns (one that could not be is not returned).
     * Retriable failures (a lost connection, a busy or stopping broker) are retried with back-off
     * until the timeout.
     *
     * @return at most {@code maxPollMessages} messages, in offset order per queue; empty if none came
     * @throws SluiceException on a broker error that retrying cannot fix ({@code UNKNOWN_TOPIC},
     *     {@code GROUP_MODE_MISMATCH}: the group is a stream-mode group, or has other settings)
     * @throws IllegalStateException if not subscribed, listening, or closed
     */
    List<QueueMessage> poll(Duration timeout);

    /**
     * Acknowledges a message: it is done and never delivered again. Waits for the broker.
     *
     * @throws DeliveryExpiredException if the delivery's visibility timeout ran out before the ack
     *     arrived (the message may be delivered again), or it was settled already
     * @throws IllegalStateException if closed
     */
    void ack(QueueMessage message);

    /** {@link #ack} without waiting: the future fails as {@link #ack} throws. */
    CompletableFuture<Void> ackAsync(QueueMessage message);

    /**
     * Gives a message back: it is delivered again after {@code redeliveryDelay} (zero: at once), or
     * dead-lettered if this was its last attempt. Waits for the broker.
     *
     * @throws DeliveryExpiredException as {@link #ack}
     */
    void nack(QueueMessage message, Duration redeliveryDelay);

    /**
     * Dead-letters a message now, whatever its attempts: the copy in the dead-letter topic carries
     * {@code reason} (at most 1,000 characters; may be null) in header {@code sluice.dlq.reason}.
     * Waits until the copy is durable.
     *
     * @throws DeliveryExpiredException as {@link #ack}
     */
    void reject(QueueMessage message, String reason);

    /**
     * Keeps a message invisible to others for {@code visibilityTimeout} more from now (at least 1 s):
     * for work that takes longer than the config's visibility timeout.
     *
     * @throws DeliveryExpiredException as {@link #ack}
     */
    void extendVisibility(QueueMessage message, Duration visibilityTimeout);

    /**
     * Starts a thread, {@code sluice-queue-consumer-listener}, that polls and hands each message to
     * {@code handler}: when it returns the message is acknowledged (under
     * {@link DeliveryMode#AT_LEAST_ONCE}; under {@link DeliveryMode#AT_MOST_ONCE} it was before), when
     * it throws the message is nacked with the config's redelivery delay for its delivery count.
     * Messages of one receive that still wait for the handler when half the visibility timeout is gone
     * have their visibility extended; a message whose visibility ran out before its turn anyway is
     * skipped (it is someone else's now).
     * Returns at once; {@link #close()} stops it. No {@code poll} after this.
     */
    void listen(QueueMessageHandler handler);

    /**
     * Stops the listener (after the message it is handling), waits for acknowledgements in flight,
     * closes the connection, within about {@code closeTimeoutMs}. Idempotent.
     */
    @Override
    void close();
}
