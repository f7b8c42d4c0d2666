package dev.sluice.broker;

import java.util.Set;

/**
 * One member's heartbeat to a stream-mode group; an empty {@code memberId} joins. Immutable.
 *
 * @param group the group name: 1–249 characters, no control characters
 * @param topic the topic the group consumes; a group is bound to one topic
 * @param memberId "" to join, else the id the broker gave
 * @param clientId the client's name, for describe (may be empty)
 * @param host the client's address, for describe (may be empty)
 * @param sessionTimeoutMs the member is removed when not heard from for this long; within the
 *     broker's {@code sessionTimeoutMsMin}..{@code sessionTimeoutMsMax}
 * @param ownedQueues the queues the member consumes now
 */
public record HeartbeatRequest(String group, String topic, String memberId, String clientId, String host,
        int sessionTimeoutMs, Set<Integer> ownedQueues) {
    public HeartbeatRequest {
        memberId = memberId == null ? "" : memberId;
        clientId = clientId == null ? "" : clientId;
        host = host == null ? "" : host;
        ownedQueues = ownedQueues == null ? Set.of() : Set.copyOf(ownedQueues);
    }
}
