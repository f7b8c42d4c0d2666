package dev.sluice.broker.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Computes a group's target assignment: queues {@code 0..queueCount-1} spread evenly over the
 * members (shares differ by at most one), deterministic for the same members and previous target,
 * and sticky: a member keeps its previous target queues up to its share. The larger shares go to
 * the members that had the most queues, so a rebalance moves as few queues as balance allows.
 * Stateless.
 */
final class QueueAssignor {
    private QueueAssignor() {}

    /**
     * @param queueCount the topic's queues
     * @param memberIds the live members (any order; ties are broken by id)
     * @param previous each member's previous target (absent or empty for a new member)
     * @return every member's target, as sorted sets
     */
    static Map<String, Set<Integer>> assign(int queueCount, List<String> memberIds,
            Map<String, Set<Integer>> previous) {
        Map<String, Set<Integer>> target = new HashMap<>();
        if (memberIds.isEmpty()) {
            return target;
        }
        List<String> byPreviousSize = new ArrayList<>(memberIds);
        byPreviousSize.sort(Comparator.comparingInt((String id) -> -previousCount(previous, id, queueCount))
                .thenComparing(Comparator.naturalOrder()));
        int share = queueCount / memberIds.size();
        int largerShares = queueCount % memberIds.size();
        Map<String, Integer> quota = new HashMap<>();
        for (int i = 0; i < byPreviousSize.size(); i++) {
            quota.put(byPreviousSize.get(i), share + (i < largerShares ? 1 : 0));
        }
        boolean[] taken = new boolean[queueCount];
        List<String> sortedIds = new ArrayList<>(memberIds);
        sortedIds.sort(Comparator.naturalOrder());
        for (String id : sortedIds) {
            Set<Integer> queues = new TreeSet<>();
            for (int queue : previous.getOrDefault(id, Set.of())) {
                if (queue < queueCount && !taken[queue] && queues.size() < quota.get(id)) {
                    queues.add(queue);
                    taken[queue] = true;
                }
            }
            target.put(id, queues);
        }
        int next = 0;
        for (String id : sortedIds) {
            Set<Integer> queues = target.get(id);
            while (queues.size() < quota.get(id)) {
                while (taken[next]) {
                    next++;
                }
                queues.add(next);
                taken[next] = true;
            }
        }
        return target;
    }

    private static int previousCount(Map<String, Set<Integer>> previous, String id, int queueCount) {
        int count = 0;
        for (int queue : previous.getOrDefault(id, Set.of())) {
            if (queue < queueCount) {
                count++;
            }
        }
        return count;
    }
}
