package dev.sluice.client;

import dev.sluice.client.internal.SluiceConsumer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a topic as a member of a consumer group. The broker assigns the topic's queues to the
 * group's members (stream mode: each queue to one member at a time); a background thread,
 * {@code sluice-consumer-heartbeat}, keeps the membership alive and learns of rebalances.
 *
 * <p>Two ways to read: {@link #poll(Duration)} (long polls with FETCH), or
 * {@link #listen(MessageListener)} (the broker pushes within a credit window). Commits follow
 * the {@link AckMode} of the config; a queue that moves to another member is committed first
 * (per the mode) and only then released, so no message is skipped and, with
 * {@link AckMode#AFTER_PROCESSING}, none is delivered twice by a rebalance of live members
 * (only a crash redelivers what was not committed).
 *
 * <p>Not thread-safe: one thread uses a consumer (as Kafka's), except that {@link #close()} may
 * be called from another thread in push mode. Rebalances are acted on in {@code poll} (or on the
 * listener thread): a member that stops polling keeps its queues while its heartbeats go on.
 */
public interface Consumer extends AutoCloseable {

    /** Creates a consumer; it connects on {@link #subscribe}. */
    static Consumer create(ConsumerConfig config) {
        return new SluiceConsumer(config);
    }

    /**
     * Joins the config's group on {@code topic}.
     *
     * @throws IllegalStateException if the config names no group, or already subscribed
     */
    void subscribe(String topic);

    /** Joins {@code group} on {@code topic}. @throws IllegalStateException if already subscribed */
    void subscribe(String topic, String group);

    /**
     * Returns the next messages of the queues this member owns, waiting up to {@code timeout} for
     * some (a long poll: a message sent meanwhile is returned at once). Under
     * {@link AckMode#AFTER_PROCESSING} it first commits what the previous poll returned; under
     * {@link AckMode#BEFORE_PROCESSING} it commits the new positions before returning.
     *
     * @return at most {@code maxPollMessages} messages, in offset order per queue; empty if none came
     * @throws SluiceException on a broker error that retrying cannot fix
     * @throws IllegalStateException if not subscribed, in push mode, or closed
     */
    List<ReceivedMessage> poll(Duration timeout);

    /**
     * Push mode: from now on the broker pushes the owned queues' messages and {@code listener}
     * gets them on the {@code sluice-consumer-listener} thread, within a credit window of
     * {@code pushCreditBytes} per queue. Returns at once; {@link #close()} stops it. No
     * {@code poll} after this.
     */
    void listen(MessageListener listener);

    /** Commits the current positions of every owned queue and waits. */
    void commitSync();

    /** Commits the current positions of every owned queue without waiting. */
    CompletableFuture<Void> commitAsync();

    /** Commits the given offsets (queue → offset of the next message to consume) and waits. */
    void commit(Map<Integer, Long> offsets);

    /** Moves an owned queue's position; the next poll reads from {@code offset}. */
    void seek(int queue, long offset);

    /** Moves every owned queue to its first message at or after {@code timestampMs}. */
    void seekToTime(long timestampMs);

    /** Moves every owned queue to its start offset. */
    void seekToBeginning();

    /** Moves every owned queue to its end offset. */
    void seekToEnd();

    /** The position (next offset to read) of an owned queue. */
    long position(int queue);

    /** The queues this member owns now. */
    Set<Integer> assignment();

    /**
     * Commits per the ack mode, leaves the group (its queues are free at once), closes the
     * connection and stops the threads, within about {@code closeTimeoutMs}. Idempotent.
     */
    @Override
    void close();
}
