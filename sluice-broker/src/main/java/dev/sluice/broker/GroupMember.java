package dev.sluice.broker;

import java.util.List;

/**
 * One live member of a group, as described. Immutable.
 *
 * @param memberId the broker-given id
 * @param clientId the client's name
 * @param host the client's address
 * @param queues the queues the member owns or was just given, ascending
 */
public record GroupMember(String memberId, String clientId, String host, List<Integer> queues) {
    public GroupMember {
        queues = List.copyOf(queues);
    }
}
