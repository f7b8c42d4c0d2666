package dev.sluice.broker;

import java.util.List;

/**
 * A group's state. Immutable. An unknown group is described with a null topic, generation 0 and
 * empty lists.
 *
 * @param group the group name
 * @param topic the topic it is bound to, or null
 * @param generation grows with every change of membership
 * @param members live members, by member id
 * @param queues every queue of the topic, in queue order
 */
public record GroupDescription(String group, String topic, int generation, List<GroupMember> members,
        List<GroupQueue> queues) {
    public GroupDescription {
        members = List.copyOf(members);
        queues = List.copyOf(queues);
    }
}
