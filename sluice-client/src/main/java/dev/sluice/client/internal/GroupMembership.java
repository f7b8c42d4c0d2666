package dev.sluice.client.internal;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * A consumer's membership in its group: the state shared by the heartbeat thread (which talks to
 * the coordinator) and the owner thread (the application's poll thread, or the listener thread
 * in push mode), which alone consumes queues.
 *
 * <p>States: not joined (empty member id) → joined. Each heartbeat reports the queues the owner
 * holds ({@link #owned()}) and brings the queues it may hold ({@code assignedQueues}). The owner
 * takes the difference with {@link #takeChanges()}: queues to revoke (commit, then drop, then
 * {@link #dropped}, which asks for a heartbeat at once so that the broker can hand them on) and
 * queues to add. When the broker forgets the member (UNKNOWN_MEMBER, its session expired), every
 * owned queue is lost: the owner drops them without committing (its commits would be refused)
 * and the member joins again.
 *
 * <p>Thread-safe; every method holds the object's lock briefly.
 */
public final class GroupMembership {
    /** What the owner thread must do now. */
    public record Changes(Set<Integer> revoked, Set<Integer> added, boolean lost) {
        /** Whether there is nothing to do. */
        public boolean isEmpty() {
            return revoked.isEmpty() && added.isEmpty() && !lost;
        }
    }

    private String memberId = "";
    private int generation = -1;
    private final Set<Integer> owned = new TreeSet<>();
    private final Set<Integer> assigned = new TreeSet<>();
    private boolean joined;
    private boolean lost;
    private boolean heartbeatNow;
    private int heartbeatIntervalMs;
    private RuntimeException fatal;
    private CompletableFuture<Void> changed = new CompletableFuture<>();

    /** The member id for the next heartbeat: empty to join. */
    public synchronized String memberId() {
        return memberId;
    }

    /** The generation of the last answer, -1 before the first. */
    public synchronized int generation() {
        return generation;
    }

    /** Whether the last heartbeat was answered with a member id and no loss is pending. */
    public synchronized boolean isJoined() {
        return joined && !lost;
    }

    /** The queues the owner holds now, as the next heartbeat reports them. */
    public synchronized List<Integer> owned() {
        return List.copyOf(owned);
    }

    /** Heartbeat thread: the coordinator's answer. */
    public synchronized void onHeartbeat(String memberId, int generation, int heartbeatIntervalMs,
            List<Integer> assignedQueues) {
        this.memberId = memberId;
        this.generation = generation;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        this.joined = true;
        assigned.clear();
        assigned.addAll(assignedQueues);
        if (!assigned.equals(owned)) {
            signalLocked();
        }
    }

    /** Heartbeat thread: UNKNOWN_MEMBER. Every owned queue is lost; the next heartbeat joins afresh. */
    public synchronized void onUnknownMember() {
        memberId = "";
        joined = false;
        assigned.clear();
        if (!owned.isEmpty()) {
            lost = true;
        }
        heartbeatNow = true;
        signalLocked();
    }

    /** Heartbeat thread: an error that ends consuming (e.g. the group is bound to another topic). */
    public synchronized void onFatal(RuntimeException error) {
        fatal = error;
        signalLocked();
    }

    /** Owner: throws the fatal error, if any. */
    public synchronized void checkFatal() {
        if (fatal != null) {
            throw fatal;
        }
    }

    /** Owner: what to do now. Lost queues come as revoked with {@code lost} set: drop, do not commit. */
    public synchronized Changes takeChanges() {
        if (lost) {
            return new Changes(Set.copyOf(owned), Set.of(), true);
        }
        Set<Integer> revoked = new TreeSet<>(owned);
        revoked.removeAll(assigned);
        Set<Integer> added = new TreeSet<>();
        if (revoked.isEmpty()) {
            // Take new queues only once the revoked ones are gone: the heartbeat that reports the
            // drop comes first, so the broker never sees us holding more than our share.
            added.addAll(assigned);
            added.removeAll(owned);
            // Held from this moment, not from when the owner has looked up their start offsets: a
            // heartbeat sent meanwhile must report them, or the broker would take them back and give
            // them to another member while this one is about to consume them.
            owned.addAll(added);
        }
        return new Changes(Set.copyOf(revoked), Set.copyOf(added), false);
    }

    /** Owner: these queues are committed (unless lost) and no longer consumed. Heartbeats at once. */
    public synchronized void dropped(Set<Integer> queues) {
        owned.removeAll(queues);
        if (owned.isEmpty()) {
            lost = false;
        }
        heartbeatNow = true;
        notifyAll();
    }

    /** Owner: these queues are consumed from now on ({@link #takeChanges} already counts them as held). */
    public synchronized void added(Set<Integer> queues) {
        owned.addAll(queues);
    }

    /**
     * Owner: a future that completes when the assignment changes (or a heartbeat error needs the
     * owner), to wait on alongside a long poll.
     */
    public synchronized CompletableFuture<Void> changedFuture() {
        if (changed.isDone()) {
            changed = new CompletableFuture<>();
        }
        if (fatal != null || lost || (joined && !assigned.equals(owned))) {
            changed.complete(null);
        }
        return changed;
    }

    /** Heartbeat thread: the broker's interval, or {@code fallbackMs} before the first answer. */
    public synchronized int heartbeatIntervalMs(int fallbackMs) {
        return heartbeatIntervalMs > 0 ? heartbeatIntervalMs : fallbackMs;
    }

    /**
     * Heartbeat thread: waits up to {@code timeoutMs}, or less if a heartbeat is asked for at once.
     *
     * @return whether a heartbeat was asked for
     */
    public synchronized boolean awaitHeartbeatDue(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!heartbeatNow) {
            long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMs <= 0) {
                return false;
            }
            wait(remainingMs);
        }
        heartbeatNow = false;
        return true;
    }

    /** Wakes the heartbeat thread (for close). */
    public synchronized void wakeHeartbeat() {
        heartbeatNow = true;
        notifyAll();
    }

    private void signalLocked() {
        changed.complete(null);
    }
}
