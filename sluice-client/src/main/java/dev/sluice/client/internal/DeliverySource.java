package dev.sluice.client.internal;

import dev.sluice.client.ReceivedMessage;
import java.time.Duration;
import java.util.List;

/**
 * What an {@link dev.sluice.client.IdempotentConsumer} needs of the consumer that delivers its
 * messages: a thin adapter per consumer kind ({@link StreamDeliverySource} for a stream-mode
 * {@link dev.sluice.client.Consumer}; a queue-mode consumer acks and nacks per message instead).
 * The de-duplication ({@link TransactionalProcessor}) does not depend on which one delivers.
 *
 * <p>Used by one thread at a time.
 */
public interface DeliverySource extends AutoCloseable {

    /** The consumer group: with the message id, the key of the de-duplication table. */
    String group();

    /** Joins the group on {@code topic}. */
    void subscribe(String topic);

    /** The next messages, waiting up to {@code timeout}; empty if none came. */
    List<ReceivedMessage> poll(Duration timeout);

    /**
     * Acknowledges messages of the last {@link #poll}, all of them processed (or found to be
     * duplicates) and committed in the database: they are not delivered again, barring a crash
     * before this returns.
     */
    void ack(List<ReceivedMessage> done);

    /** Gives back messages of the last {@link #poll} that were not finished: they are delivered again. */
    void redeliver(List<ReceivedMessage> notDone);

    /** Leaves without acknowledging anything more. */
    @Override
    void close();
}
