package dev.sluice.client.internal;

import dev.sluice.client.AckMode;
import dev.sluice.client.OffsetReset;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queues a consumer owns and their positions (the offset of the next message to hand to the
 * application), with the rebalance steps: on revocation commit (per the ack mode), drop and tell
 * the membership; on assignment start each new queue at its committed offset, else at
 * {@code autoOffsetReset}.
 *
 * <p>Owned by one thread (the poll thread, or the listener thread in push mode); the commit
 * bookkeeping ({@link #markCommitted}) may be called from the event loop, so the maps are
 * guarded by this object's lock.
 */
public final class OwnedQueues {
    private static final Logger LOGGER = LoggerFactory.getLogger(OwnedQueues.class);

    /** What to do around a queue's arrival or departure besides the bookkeeping (push: (un)subscribe). */
    public interface Hooks {
        /** Before {@code queue} is committed and dropped. */
        void beforeRevoke(int queue);

        /** After {@code queue} is owned from {@code position}. */
        void afterAssign(int queue, long position);
    }

    private final GroupMembership membership;
    private final GroupOffsets offsets;
    private final AckMode ackMode;
    private final OffsetReset autoOffsetReset;
    private final Map<Integer, Long> positions = new TreeMap<>();
    private final Map<Integer, Long> committed = new TreeMap<>();

    /** Queues of one member. */
    public OwnedQueues(GroupMembership membership, GroupOffsets offsets, AckMode ackMode, OffsetReset autoOffsetReset) {
        this.membership = membership;
        this.offsets = offsets;
        this.ackMode = ackMode;
        this.autoOffsetReset = autoOffsetReset;
    }

    /**
     * Acts on the membership's changes: revoked queues are committed (under AFTER_PROCESSING),
     * dropped and reported; new queues get their starting positions.
     */
    public void applyChanges(Hooks hooks) {
        GroupMembership.Changes changes = membership.takeChanges();
        if (changes.isEmpty()) {
            return;
        }
        if (!changes.revoked().isEmpty()) {
            for (int queue : changes.revoked()) {
                hooks.beforeRevoke(queue);
            }
            if (!changes.lost() && ackMode == AckMode.AFTER_PROCESSING) {
                try {
                    offsets.commit(membership.memberId(), uncommitted(changes.revoked())).join();
                } catch (RuntimeException e) {
                    LOGGER.warn("commit before giving up queues failed; they may be delivered again queues={} cause={}",
                            changes.revoked(), Errors.unwrap(e).toString());
                }
            }
            synchronized (this) {
                positions.keySet().removeAll(changes.revoked());
                committed.keySet().removeAll(changes.revoked());
            }
            membership.dropped(changes.revoked());
        }
        if (!changes.added().isEmpty()) {
            Map<Integer, Long> starts;
            try {
                starts = new TreeMap<>(offsets.committed(changes.added()));
                Set<Integer> missing = new java.util.TreeSet<>(changes.added());
                missing.removeAll(starts.keySet());
                if (!missing.isEmpty()) {
                    starts.putAll(offsets.resolve(missing, autoOffsetReset));
                }
            } catch (RuntimeException e) {
                // Not started: give them back (the next heartbeat says so) and take them again later.
                membership.dropped(changes.added());
                throw e;
            }
            synchronized (this) {
                positions.putAll(starts);
            }
            membership.added(changes.added());
            starts.forEach(hooks::afterAssign);
        }
    }

    /** The positions of these queues that differ from what was last committed. */
    public synchronized Map<Integer, Long> uncommitted(Set<Integer> queues) {
        Map<Integer, Long> result = new TreeMap<>();
        for (int queue : queues) {
            Long position = positions.get(queue);
            if (position != null && !position.equals(committed.get(queue))) {
                result.put(queue, position);
            }
        }
        return result;
    }

    /** Every owned queue's position that differs from what was last committed. */
    public synchronized Map<Integer, Long> uncommitted() {
        return uncommitted(positions.keySet());
    }

    /** Records a successful commit. */
    public synchronized void markCommitted(Map<Integer, Long> offsets) {
        offsets.forEach((queue, offset) -> {
            if (positions.containsKey(queue)) {
                committed.put(queue, offset);
            }
        });
    }

    /** The position of an owned queue, or {@code null}. */
    public synchronized Long position(int queue) {
        return positions.get(queue);
    }

    /** Sets the position of an owned queue. */
    public synchronized void position(int queue, long offset) {
        positions.put(queue, offset);
    }

    /** A copy of every owned queue's position. */
    public synchronized Map<Integer, Long> positions() {
        return new TreeMap<>(positions);
    }

    /** The owned queues. */
    public synchronized Set<Integer> queues() {
        return Set.copyOf(positions.keySet());
    }
}
