package dev.sluice.broker.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A stream-mode group with live members: its topic, generation, members and target assignment.
 * Exists while it has members. Mutable; guarded by the {@link StreamGroups} lock.
 */
final class Group {
    final String name;
    final String topic;
    int generation;
    final Map<String, Member> members = new TreeMap<>();
    Map<String, Set<Integer>> target = new HashMap<>();

    Group(String name, String topic, int generation) {
        this.name = name;
        this.topic = topic;
        this.generation = generation;
    }

    /** Membership changed: a new generation and a new target. */
    void rebalance(int queueCount) {
        generation++;
        target = QueueAssignor.assign(queueCount, new ArrayList<>(members.keySet()), target);
    }

    Set<Integer> targetOf(String memberId) {
        return target.getOrDefault(memberId, Set.of());
    }

    /** The member claiming {@code queue}, or null. */
    Member claimant(int queue) {
        for (Member member : members.values()) {
            if (member.claims(queue)) {
                return member;
            }
        }
        return null;
    }
}
