package dev.sluice.broker;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The broker's answer to a heartbeat. Immutable.
 *
 * @param memberId the member's id (new after a join)
 * @param generation grows with every change of the group's membership
 * @param heartbeatIntervalMs heartbeat again within this (at most a third of the session timeout)
 * @param assignedQueues what the member may own now, in ascending order; an owned queue not in it
 *     must be committed and dropped, then the member heartbeats again at once
 */
public record HeartbeatResult(String memberId, int generation, int heartbeatIntervalMs,
        Set<Integer> assignedQueues) {
    public HeartbeatResult {
        assignedQueues = Collections.unmodifiableSortedSet(new TreeSet<>(assignedQueues));
    }
}
