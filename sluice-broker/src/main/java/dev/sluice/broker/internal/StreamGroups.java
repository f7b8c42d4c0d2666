package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.GroupCoordinator;
import dev.sluice.broker.GroupDescription;
import dev.sluice.broker.GroupInfo;
import dev.sluice.broker.GroupMember;
import dev.sluice.broker.GroupQueue;
import dev.sluice.broker.HeartbeatRequest;
import dev.sluice.broker.HeartbeatResult;
import dev.sluice.broker.QueueOffsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream-mode {@link GroupCoordinator}: membership, assignment with the revocation handshake,
 * session expiry, and commit fencing; offsets are kept by the {@link OffsetStore}.
 *
 * <p>A heartbeat sets the member's held queues to what it reports owning, limited to its previous
 * claim; the answer gives it its target queues that no other member claims (see {@link Member}).
 * Claims of different members are disjoint at every moment: a claim only grows by queues no other
 * member claims, under the lock.
 *
 * <p>Thread-safe: one lock over every group. A commit appends under it (after the lock of the
 * offset store, never before), so a fenced-off member's commit can never land after its successor's.
 */
public final class StreamGroups implements GroupCoordinator {
    /** The longest group name, client id or host accepted. */
    public static final int NAME_LENGTH_MAX = 249;
    private static final Logger LOGGER = LoggerFactory.getLogger(StreamGroups.class);
    private static final Pattern CONTROL_CHARACTERS = Pattern.compile("\\p{Cntrl}");

    private final BrokerConfig config;
    private final TopicRegistry topics;
    private final QueueReader reader;
    private final OffsetStore offsets;
    private final LongSupplier clockMs;
    private final BooleanSupplier closing;
    private final Set<String> queueModeGroups;
    private final Map<String, Group> groups = new HashMap<>();

    /**
     * @param queueModeGroups the names of queue-mode groups (kept by {@link QueueGroups}), which this
     *     coordinator refuses with GROUP_MODE_MISMATCH; thread-safe
     */
    public StreamGroups(BrokerConfig config, TopicRegistry topics, QueueReader reader, OffsetStore offsets,
            LongSupplier clockMs, BooleanSupplier closing, Set<String> queueModeGroups) {
        this.config = config;
        this.topics = topics;
        this.reader = reader;
        this.offsets = offsets;
        this.clockMs = clockMs;
        this.closing = closing;
        this.queueModeGroups = queueModeGroups;
    }

    /**
     * Runs {@code claim} under this coordinator's lock when no stream-mode group has the name (no
     * live members, no committed offsets), so that none can appear meanwhile.
     *
     * @throws BrokerException GROUP_MODE_MISMATCH when a stream-mode group has the name
     */
    public void claimForQueueMode(String group, Runnable claim) {
        synchronized (this) {
            String topic = groups.containsKey(group) ? groups.get(group).topic : offsets.topicOf(group);
            if (topic != null) {
                throw new BrokerException(BrokerError.GROUP_MODE_MISMATCH, String.format(
                        "group %s is a stream-mode group (topic %s); it cannot be used in queue mode", group, topic));
            }
            claim.run();
        }
    }

    private void checkNotQueueMode(String group) {
        if (queueModeGroups.contains(group)) {
            throw new BrokerException(BrokerError.GROUP_MODE_MISMATCH, String.format(
                    "group %s is a queue-mode group; it cannot be used in stream mode", group));
        }
    }

    @Override
    public HeartbeatResult heartbeat(HeartbeatRequest request) {
        checkOpen();
        checkName("group", request.group(), false);
        checkName("clientId", request.clientId(), true);
        checkName("host", request.host(), true);
        if (request.sessionTimeoutMs() < config.sessionTimeoutMsMin()
                || request.sessionTimeoutMs() > config.sessionTimeoutMsMax()) {
            throw new BrokerException(BrokerError.INVALID_REQUEST, String.format(
                    "sessionTimeoutMs is %,d; it must be between sessionTimeoutMsMin %,d and sessionTimeoutMsMax %,d",
                    request.sessionTimeoutMs(), config.sessionTimeoutMsMin(), config.sessionTimeoutMsMax()));
        }
        Topic topic = topics.require(request.topic());
        long nowMs = clockMs.getAsLong();
        synchronized (this) {
            checkNotQueueMode(request.group());
            Group group = groups.get(request.group());
            Member member;
            if (request.memberId().isEmpty()) {
                member = joinLocked(group, request, topic, nowMs);
                group = groups.get(request.group());
            } else {
                member = group == null ? null : group.members.get(request.memberId());
                if (member == null) {
                    throw unknownMember(request.group(), request.memberId());
                }
                checkTopic(request.group(), group.topic, request.topic());
                member.lastSeenMs = nowMs;
                member.sessionTimeoutMs = request.sessionTimeoutMs();
            }
            Set<Integer> held = new TreeSet<>();
            for (int queue : request.ownedQueues()) {
                if (member.claims(queue)) {
                    held.add(queue);
                }
            }
            member.held = held;
            Set<Integer> granted = new TreeSet<>();
            for (int queue : group.targetOf(member.id)) {
                Member claimant = claimantOtherThan(group, queue, member);
                if (claimant == null) {
                    granted.add(queue);
                }
            }
            member.granted = granted;
            int intervalMs = Math.max(1, Math.min(config.heartbeatIntervalMs(), request.sessionTimeoutMs() / 3));
            return new HeartbeatResult(member.id, group.generation, intervalMs, granted);
        }
    }

    private Member joinLocked(Group existing, HeartbeatRequest request, Topic topic, long nowMs) {
        Group group = existing;
        if (group == null) {
            checkTopic(request.group(), offsets.topicOf(request.group()), request.topic());
            if (groups.size() >= config.groupCountMax()) {
                throw new BrokerException(BrokerError.BROKER_BUSY, String.format(
                        "group %s would be group %,d with members; groupCountMax is %,d", request.group(),
                        groups.size() + 1, config.groupCountMax()));
            }
            group = new Group(request.group(), topic.name(), 0);
        } else {
            checkTopic(request.group(), group.topic, request.topic());
            if (group.members.size() >= config.groupMembersMax()) {
                throw new BrokerException(BrokerError.BROKER_BUSY, String.format(
                        "group %s has %,d members; groupMembersMax is %,d", request.group(), group.members.size(),
                        config.groupMembersMax()));
            }
        }
        groups.put(group.name, group);
        String id = (request.clientId().isEmpty() ? "member" : request.clientId()) + "-" + UUID.randomUUID();
        Member member = new Member(id, request.clientId(), request.host(), request.sessionTimeoutMs(), nowMs);
        group.members.put(id, member);
        group.rebalance(topic.queueCount());
        LOGGER.info("member joined: group={} memberId={} clientId={} generation={} memberCount={}", group.name, id,
                request.clientId(), group.generation, group.members.size());
        return member;
    }

    private static Member claimantOtherThan(Group group, int queue, Member member) {
        for (Member other : group.members.values()) {
            if (other != member && other.claims(queue)) {
                return other;
            }
        }
        return null;
    }

    @Override
    public void leave(String groupName, String memberId) {
        synchronized (this) {
            Group group = groups.get(groupName);
            if (group == null || !group.members.containsKey(memberId)) {
                throw unknownMember(groupName, memberId);
            }
            removeLocked(group, memberId, "left");
        }
    }

    /** Removes members not heard from within their session timeout; returns how many. */
    public int expireSessions() {
        long nowMs = clockMs.getAsLong();
        int expired = 0;
        synchronized (this) {
            for (Group group : new ArrayList<>(groups.values())) {
                for (Member member : new ArrayList<>(group.members.values())) {
                    if (member.expired(nowMs)) {
                        removeLocked(group, member.id, "session expired");
                        expired++;
                    }
                }
            }
        }
        return expired;
    }

    private void removeLocked(Group group, String memberId, String why) {
        group.members.remove(memberId);
        if (group.members.isEmpty()) {
            groups.remove(group.name);
        } else {
            Topic topic = topics.get(group.topic);
            group.rebalance(topic == null ? 0 : topic.queueCount());
        }
        LOGGER.info("member removed: group={} memberId={} reason={} generation={} memberCount={}", group.name,
                memberId, why, group.generation, group.members.size());
    }

    /** The topic was deleted: its groups lose their members and offsets. */
    public CompletableFuture<Void> onTopicDeleted(String topic) {
        synchronized (this) {
            for (Iterator<Group> it = groups.values().iterator(); it.hasNext();) {
                Group group = it.next();
                if (group.topic.equals(topic)) {
                    it.remove();
                    LOGGER.info("group ended with its topic: group={} topic={} memberCount={}", group.name, topic,
                            group.members.size());
                }
            }
            return offsets.deleteTopic(topic);
        }
    }

    @Override
    public CompletableFuture<Map<Integer, BrokerError>> commit(String groupName, String memberId, String topicName,
            Map<Integer, Long> commits) {
        try {
            checkOpen();
            checkName("group", groupName, false);
            Topic topic = topics.require(topicName);
            synchronized (this) {
                checkNotQueueMode(groupName);
                Group group = groups.get(groupName);
                Member member = null;
                if (memberId == null || memberId.isEmpty()) {
                    if (group != null) {
                        throw new BrokerException(BrokerError.GROUP_NOT_EMPTY, String.format(
                                "an admin commit needs a group without members; group %s has %,d", groupName,
                                group.members.size()));
                    }
                    checkTopic(groupName, offsets.topicOf(groupName), topicName);
                } else {
                    member = group == null ? null : group.members.get(memberId);
                    if (member == null) {
                        throw unknownMember(groupName, memberId);
                    }
                    checkTopic(groupName, group.topic, topicName);
                }
                Map<Integer, BrokerError> errors = new TreeMap<>();
                Map<OffsetRecords.Key, Long> accepted = new HashMap<>();
                for (Map.Entry<Integer, Long> commit : commits.entrySet()) {
                    int queue = commit.getKey();
                    BrokerError error = null;
                    if (queue < 0 || queue >= topic.queueCount()) {
                        error = BrokerError.UNKNOWN_QUEUE;
                    } else if (commit.getValue() == null || commit.getValue() < 0) {
                        error = BrokerError.INVALID_REQUEST;
                    } else if (member != null && !member.claims(queue)) {
                        error = BrokerError.NOT_QUEUE_OWNER;
                    } else {
                        accepted.put(new OffsetRecords.Key(groupName, topicName, queue), commit.getValue());
                    }
                    errors.put(queue, error);
                }
                return offsets.commit(accepted).handle((ignored, failure) -> {
                    if (failure != null) {
                        throw StorageErrors.toBrokerException(failure);
                    }
                    return errors;
                });
            }
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(StorageErrors.toBrokerException(e));
        }
    }

    @Override
    public Map<Integer, Long> committed(String group, String topic) {
        return offsets.committed(group, topic);
    }

    @Override
    public GroupDescription describe(String groupName) {
        synchronized (this) {
            Group group = groups.get(groupName);
            String topicName = group != null ? group.topic : offsets.topicOf(groupName);
            if (topicName == null) {
                return new GroupDescription(groupName, null, 0, List.of(), List.of());
            }
            List<GroupMember> members = new ArrayList<>();
            if (group != null) {
                for (Member member : group.members.values()) {
                    members.add(new GroupMember(member.id, member.clientId, member.host, new ArrayList<>(member.claim())));
                }
            }
            List<GroupQueue> queues = new ArrayList<>();
            Topic topic = topics.get(topicName);
            if (topic != null) {
                Map<Integer, Long> committed = offsets.committed(groupName, topicName);
                for (int queue = 0; queue < topic.queueCount(); queue++) {
                    Member owner = group == null ? null : group.claimant(queue);
                    QueueOffsets range = reader.offsets(topic, queue);
                    long offset = committed.getOrDefault(queue, -1L);
                    long lag = Math.max(0, range.endOffset() - Math.max(offset, range.startOffset()));
                    queues.add(new GroupQueue(queue, owner == null ? null : owner.id, offset, range.endOffset(), lag));
                }
            }
            return new GroupDescription(groupName, topicName, group == null ? 0 : group.generation, members, queues);
        }
    }

    @Override
    public List<GroupInfo> list() {
        Map<String, GroupInfo> infos = new TreeMap<>();
        for (Map.Entry<String, String> entry : offsets.groupTopics().entrySet()) {
            infos.put(entry.getKey(), new GroupInfo(entry.getKey(), entry.getValue(), 0));
        }
        synchronized (this) {
            for (Group group : groups.values()) {
                infos.put(group.name, new GroupInfo(group.name, group.topic, group.members.size()));
            }
        }
        return new ArrayList<>(infos.values());
    }

    /** Groups with members or committed offsets. */
    public int groupCount() {
        return list().size();
    }

    private void checkOpen() {
        if (closing.getAsBoolean()) {
            throw new BrokerException(BrokerError.SHUTTING_DOWN, "the broker is shutting down");
        }
    }

    private static void checkTopic(String group, String boundTopic, String topic) {
        if (boundTopic != null && !boundTopic.equals(topic)) {
            throw new BrokerException(BrokerError.GROUP_TOPIC_MISMATCH, String.format(
                    "group %s is bound to topic %s, not %s", group, boundTopic, topic));
        }
    }

    private static BrokerException unknownMember(String group, String memberId) {
        return new BrokerException(BrokerError.UNKNOWN_MEMBER, String.format(
                "member '%s' is not in group %s (its session may have expired): join again", memberId, group));
    }

    static void checkName(String what, String value, boolean emptyAllowed) {
        if (value == null || (!emptyAllowed && value.isEmpty()) || value.length() > NAME_LENGTH_MAX
                || CONTROL_CHARACTERS.matcher(value).find()) {
            throw new BrokerException(BrokerError.INVALID_REQUEST, String.format(
                    "%s '%s' must be %d to %d characters without control characters (length %d)", what, value,
                    emptyAllowed ? 0 : 1, NAME_LENGTH_MAX, value == null ? 0 : value.length()));
        }
    }
}
