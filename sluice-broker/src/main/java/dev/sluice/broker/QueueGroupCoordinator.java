package dev.sluice.broker;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Queue-mode consumer groups (SQS, RabbitMQ, Kafka share groups): any member may receive any
 * message of the group's topic, each message is acknowledged on its own, an unacknowledged message
 * comes back after its visibility timeout, and after {@code maxAttempts} deliveries it goes to the
 * group's dead-letter topic. Thread-safe.
 *
 * <p><b>Deliveries.</b> A delivery is identified by (queue, offset, deliveryCount); there are no
 * member ids, so any connection may acknowledge any delivery. A message is acquired by at most one
 * delivery at a time. An acknowledgement for a delivery that is no longer the current one (its
 * visibility timeout ran out, or it was acknowledged already) gets DELIVERY_EXPIRED.
 *
 * <p><b>Names.</b> A group name is either stream-mode ({@link GroupCoordinator}) or queue-mode;
 * using it in the other mode fails with GROUP_MODE_MISMATCH.
 *
 * <p><b>Durability.</b> State changes are appended to the internal topic {@code __queue_groups}
 * before the request completes (written, not fsynced): after a crash a message may be delivered
 * again, an acknowledged one never lost. See {@code docs/broker.md}, "Queue mode".
 */
public interface QueueGroupCoordinator {
    /**
     * Long poll: acquires up to {@code maxMessages} available messages (of any queue of the topic)
     * for {@code visibilityTimeoutMs}; parks up to {@code maxWaitMs} while none is available (woken
     * by appends to the topic, nack delays ending, visibility timeouts running out; {@code maxWaitMs}
     * is clamped to the broker's {@code fetchMaxWaitMsMax}; a wait that ends answers with no queues).
     * Creates the group on first use with the request's settings; a new group starts at each queue's
     * start offset (the earliest retained record). The acquisitions are appended to the state topic
     * before the future completes, on a broker thread. Cancelling the future of a parked receive
     * frees its parked slot at once.
     *
     * <p>Fails with UNKNOWN_TOPIC, GROUP_MODE_MISMATCH (a stream-mode group of that name exists, or
     * the queue-mode group has other settings or another topic: the message names both values),
     * INVALID_REQUEST (a field out of range, naming it), BROKER_BUSY, SHUTTING_DOWN.
     */
    CompletableFuture<QueueReceiveResult> receive(QueueReceiveRequest request);

    /**
     * Applies acks, nacks, rejects and renewals; each entry gets its own result, in the order given.
     * The future completes when the state change is appended to the state topic (written, not
     * fsynced: a crash may redeliver, never lose); a REJECT or a last-attempt NACK completes after
     * the dead-letter append is durable. Fails as a whole with UNKNOWN_TOPIC, GROUP_MODE_MISMATCH
     * (no queue-mode group of that name on that topic), INVALID_REQUEST, SHUTTING_DOWN.
     */
    CompletableFuture<List<QueueAckResult>> acknowledge(String group, String topic, List<QueueAck> acks);

    /** The group's settings and per-queue state; null if there is no such queue-mode group. */
    QueueGroupDescription describe(String group);

    /** Names of all queue-mode groups, sorted. */
    List<String> list();
}
