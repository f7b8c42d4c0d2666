package dev.sluice.client;

import dev.sluice.client.internal.SluiceAdmin;
import java.util.List;
import java.util.Map;

/**
 * Manages topics, consumer groups and offsets. Every method sends one or two requests and waits
 * for the answer (at most {@code requestTimeoutMs}); failures are {@link SluiceException}s
 * carrying the broker's error code.
 *
 * <p>Thread-safe.
 */
public interface Admin extends AutoCloseable {

    /** Creates an admin client; it connects on first use. */
    static Admin create(AdminConfig config) {
        return new SluiceAdmin(config);
    }

    /** Creates an admin client with default settings for the broker at {@code bootstrap}. */
    static Admin create(String bootstrap) {
        return create(AdminConfig.of(bootstrap));
    }

    /** How a topic's appends reach the disk. */
    enum FlushPolicy {
        /** The broker's setting. */
        BROKER_DEFAULT,
        /** Periodic fsync: an append completes when written. */
        ASYNC,
        /** Every append waits for an fsync. */
        SYNC
    }

    /** Creates a topic with the broker's retention and flush policy. */
    void createTopic(String topic, int queueCount);

    /**
     * Creates a topic.
     *
     * @param retentionMs how long its messages are kept, or -1 for the broker's retention
     * @throws SluiceException {@code TOPIC_EXISTS}, {@code INVALID_TOPIC}, {@code INVALID_CONFIG}
     */
    void createTopic(String topic, int queueCount, long retentionMs, FlushPolicy flushPolicy);

    /**
     * Creates a topic with its own message-id window.
     *
     * @param messageIdWindowMs how long the broker remembers message ids for de-duplication: -1 the
     *     broker's ({@code topics.messageIdWindow}), 0 off, else milliseconds
     * @throws SluiceException {@code TOPIC_EXISTS}, {@code INVALID_TOPIC}, {@code INVALID_CONFIG}
     */
    void createTopic(String topic, int queueCount, long retentionMs, FlushPolicy flushPolicy, long messageIdWindowMs);

    /** Deletes a topic; its messages are unreadable at once. */
    void deleteTopic(String topic);

    /** Every topic with its queue count. */
    List<TopicInfo> listTopics();

    /** A topic's settings and each queue's start and end offsets. */
    TopicDescription describeTopic(String topic);

    /** Every consumer group. */
    List<GroupInfo> listGroups();

    /**
     * A stream-mode group's members, their queues, and each queue's committed offset, end offset and lag.
     *
     * @throws SluiceException {@code INVALID_REQUEST} if there is no such group (no members, no
     *     committed offsets), {@code GROUP_MODE_MISMATCH} if it is a queue-mode group (see
     *     {@link #describeQueueGroup})
     */
    GroupDescription describeGroup(String group);

    /**
     * A queue-mode group's settings and, per queue of its topic, where it stands.
     *
     * @throws SluiceException {@code INVALID_REQUEST} if there is no queue-mode group of that name,
     *     {@code GROUP_MODE_MISMATCH} if it is a stream-mode group
     */
    QueueGroupDescription describeQueueGroup(String group);

    /**
     * Moves a group's committed offsets on every queue of {@code topic} to {@code reset}.
     *
     * @throws GroupNotEmptyException if the group has members: stop them first
     */
    void resetOffsets(String group, String topic, OffsetReset reset);

    /** The offsets {@code reset} points at in each queue of {@code topic}. */
    Map<Integer, Long> listOffsets(String topic, OffsetReset reset);

    /** Closes the connection. Idempotent. */
    @Override
    void close();

    /** A topic and its queue count. */
    record TopicInfo(String topic, int queueCount) {}

    /** A queue's first readable offset and the offset its next message gets. */
    record QueueOffsets(int queue, long startOffset, long endOffset) {}

    /** A topic's settings and queues; {@code messageIdWindowMs} -1: the broker's window, 0: off. */
    record TopicDescription(String topic, int queueCount, long retentionMs, FlushPolicy flushPolicy,
            long createdAtMs, long messageIdWindowMs, List<QueueOffsets> queues) {}

    /** A group, the topic it reads and its member count. */
    record GroupInfo(String group, String topic, int memberCount) {}

    /** A member of a group and the queues it owns. */
    record GroupMember(String memberId, String clientId, String host, List<Integer> queues) {}

    /** A queue as a group sees it; {@code committedOffset} -1 when nothing is committed, {@code owner} null when free. */
    record QueueLag(int queue, String owner, long committedOffset, long endOffset, long lag) {}

    /**
     * A queue of a queue-mode group: every offset below {@code startOffset} is done; {@code inFlight}
     * messages are delivered and not settled, {@code available} ones ready to deliver (up to
     * {@code endOffset}), {@code delayed} ones nacked with a delay; {@code deadLettered} counts the
     * messages dead-lettered (or dropped, without a dead-letter topic) so far.
     */
    record QueueGroupQueue(int queue, long startOffset, long endOffset, long inFlight, long available, long delayed,
            long deadLettered) {}

    /** A queue-mode group's state; {@code deadLetterTopic} is empty when it has none. */
    record QueueGroupDescription(String group, String topic, int maxAttempts, String deadLetterTopic,
            boolean messageGroups, List<QueueGroupQueue> queues) {}

    /** A group's state. */
    record GroupDescription(String group, String topic, int generation, List<GroupMember> members,
            List<QueueLag> queues) {}
}
