package dev.sluice.broker.internal;

import java.util.Set;
import java.util.TreeSet;

/**
 * One live member of a stream-mode group. Mutable; guarded by the {@link StreamGroups} lock.
 *
 * <p>{@code held} is what the member reported owning at its last heartbeat (limited to what it
 * was given); {@code granted} is what the last answer gave it. Until its next heartbeat the member
 * may consume either, so both count as its claim: no queue is given to another member while claimed.
 */
final class Member {
    final String id;
    final String clientId;
    final String host;
    int sessionTimeoutMs;
    long lastSeenMs;
    Set<Integer> held = new TreeSet<>();
    Set<Integer> granted = new TreeSet<>();

    Member(String id, String clientId, String host, int sessionTimeoutMs, long lastSeenMs) {
        this.id = id;
        this.clientId = clientId;
        this.host = host;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.lastSeenMs = lastSeenMs;
    }

    /** The queues the member may be consuming now. */
    Set<Integer> claim() {
        Set<Integer> claim = new TreeSet<>(held);
        claim.addAll(granted);
        return claim;
    }

    boolean claims(int queue) {
        return held.contains(queue) || granted.contains(queue);
    }

    boolean expired(long nowMs) {
        return nowMs - lastSeenMs > sessionTimeoutMs;
    }
}
