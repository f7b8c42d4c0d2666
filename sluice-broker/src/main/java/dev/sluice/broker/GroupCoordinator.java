package dev.sluice.broker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Stream-mode consumer groups: membership by heartbeat and session timeout, queue assignment
 * computed by the broker, and durable committed offsets. Thread-safe.
 *
 * <p><b>Assignment.</b> Each group is bound to one topic. The broker spreads the topic's queues
 * evenly over the live members (a target, deterministic and sticky). A heartbeat answers with
 * {@code assignedQueues}: the member's target queues that no other member still holds. A member
 * holding a queue outside its target must commit, drop it and heartbeat again; only then does the
 * queue go to its new owner, so two members never own one queue. A member sends one heartbeat at a
 * time (it reports what it owns after the previous answer).
 *
 * <p><b>Durability.</b> Membership lives in memory only and is lost with the broker; committed
 * offsets are fsynced before {@link #commit} completes and survive a crash.
 */
public interface GroupCoordinator {
    /**
     * Joins ({@code memberId} empty) or heartbeats.
     *
     * @throws BrokerException UNKNOWN_TOPIC, UNKNOWN_MEMBER (join again), GROUP_TOPIC_MISMATCH,
     *     INVALID_REQUEST (a field out of range), BROKER_BUSY (a group or member limit), SHUTTING_DOWN
     */
    HeartbeatResult heartbeat(HeartbeatRequest request);

    /**
     * Removes the member; its queues are free at once.
     *
     * @throws BrokerException UNKNOWN_MEMBER
     */
    void leave(String group, String memberId);

    /**
     * Commits offsets (the offset of the next record to consume) for queues of {@code topic}. A
     * member may commit only queues it holds (else NOT_QUEUE_OWNER for that queue); an empty
     * {@code memberId} is an admin commit, allowed only when the group has no members. Completes,
     * on a broker thread, once an fsync covers the commit: with a map from each queue to null (ok)
     * or its error; exceptionally with a {@link BrokerException} for whole-request errors
     * (UNKNOWN_TOPIC, UNKNOWN_MEMBER, GROUP_TOPIC_MISMATCH, GROUP_NOT_EMPTY, STORAGE_*,
     * SHUTTING_DOWN).
     */
    CompletableFuture<Map<Integer, BrokerError>> commit(String group, String memberId, String topic,
            Map<Integer, Long> offsets);

    /** The group's committed offsets for {@code topic}, by queue (queues without one are absent). */
    Map<Integer, Long> committed(String group, String topic);

    /** The group's members, assignment and lag. */
    GroupDescription describe(String group);

    /** Groups with members or committed offsets, by name. */
    List<GroupInfo> list();
}
