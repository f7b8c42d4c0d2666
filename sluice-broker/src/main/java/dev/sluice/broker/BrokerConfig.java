package dev.sluice.broker;

import dev.sluice.storage.FlushPolicy;
import dev.sluice.storage.StorageConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the broker core is told, validated once here; a bad value fails with an
 * {@link IllegalArgumentException} naming the field, the value and the rule. Build with
 * {@link #builder(Path)}. Immutable; only the server's config package reads files or the environment.
 *
 * @param storage the storage engine's config; its directory is the broker's data directory
 * @param autoCreateTopics whether {@link Broker#metadata(String, boolean)} may create missing topics
 * @param defaultQueueCount queues of an auto-created topic
 * @param queueCountMax the most queues per topic
 * @param topicCountMax the most topics per broker (internal topics do not count)
 * @param fetchMaxWaitMsMax a fetch's or data wait's {@code maxWaitMs} is clamped to this
 * @param parkedFetchesMax the most parked fetches and data waits at once; beyond it BROKER_BUSY
 * @param sessionTimeoutMsMin the shortest session timeout a member may ask for
 * @param sessionTimeoutMsMax the longest session timeout a member may ask for
 * @param heartbeatIntervalMs the heartbeat interval told to members (at most a third of their session)
 * @param offsetsSnapshotIntervalMs how often the whole committed-offset table is appended again to
 *     the offsets topic, so that retention never deletes a live offset; must be below the storage's
 *     {@code retentionMs}
 * @param retentionCheckIntervalMs how often per-topic (logical) retention moves start offsets up
 * @param groupCountMax the most groups (with members or committed offsets)
 * @param groupMembersMax the most members of one group
 * @param queueGroupWindowMax the most records a queue-mode group tracks per queue beyond its start
 *     offset (every record below it is done); beyond it nothing new is delivered until the start
 *     offset moves: bounds the ack tracker's memory and the work of each receive
 * @param messageIdWindowMs how long a message id is remembered for de-duplication, for topics that
 *     do not set their own window; 0 turns the window off for them
 * @param messageIdsMax the most message ids remembered across all topics; beyond it the oldest leave
 *     before their window ends (counted in {@link MessageIdStats#idsEvicted()})
 * @param producerIdExpirationMs how long an idempotent producer's state is kept on a queue after its
 *     last batch there; an expired producer's next batch is accepted at any sequence
 */
public record BrokerConfig(
        StorageConfig storage,
        boolean autoCreateTopics,
        int defaultQueueCount,
        int queueCountMax,
        int topicCountMax,
        long fetchMaxWaitMsMax,
        int parkedFetchesMax,
        int sessionTimeoutMsMin,
        int sessionTimeoutMsMax,
        int heartbeatIntervalMs,
        long offsetsSnapshotIntervalMs,
        long retentionCheckIntervalMs,
        int groupCountMax,
        int groupMembersMax,
        int queueGroupWindowMax,
        long messageIdWindowMs,
        int messageIdsMax,
        long producerIdExpirationMs) {
    /** The most {@link #queueGroupWindowMax}: bounds a queue-mode group's memory per queue (about 100 bytes a tracked record). */
    public static final int QUEUE_GROUP_WINDOW_MAX_LIMIT = 100_000;

    public BrokerConfig {
        Objects.requireNonNull(storage, "storage");
        check(queueCountMax >= 1 && queueCountMax <= storage.queueCountMax(), "queueCountMax", queueCountMax,
                "between 1 and storage.queueCountMax (" + storage.queueCountMax() + ")");
        check(defaultQueueCount >= 1 && defaultQueueCount <= queueCountMax, "defaultQueueCount", defaultQueueCount,
                "between 1 and queueCountMax (" + queueCountMax + ")");
        check(topicCountMax >= 1, "topicCountMax", topicCountMax, "at least 1");
        check(fetchMaxWaitMsMax >= 0, "fetchMaxWaitMsMax", fetchMaxWaitMsMax, "0 or more");
        check(parkedFetchesMax >= 0, "parkedFetchesMax", parkedFetchesMax, "0 or more");
        check(sessionTimeoutMsMin >= 1, "sessionTimeoutMsMin", sessionTimeoutMsMin, "at least 1");
        check(sessionTimeoutMsMax >= sessionTimeoutMsMin, "sessionTimeoutMsMax", sessionTimeoutMsMax,
                "at least sessionTimeoutMsMin (" + sessionTimeoutMsMin + ")");
        check(heartbeatIntervalMs >= 1, "heartbeatIntervalMs", heartbeatIntervalMs, "at least 1");
        check(offsetsSnapshotIntervalMs > 0, "offsetsSnapshotIntervalMs", offsetsSnapshotIntervalMs, "positive");
        check(storage.retentionMs() == -1 || offsetsSnapshotIntervalMs < storage.retentionMs(),
                "offsetsSnapshotIntervalMs", offsetsSnapshotIntervalMs,
                "below storage.retentionMs (" + storage.retentionMs() + "), or retention would delete live offsets");
        check(retentionCheckIntervalMs > 0, "retentionCheckIntervalMs", retentionCheckIntervalMs, "positive");
        check(groupCountMax >= 1, "groupCountMax", groupCountMax, "at least 1");
        check(groupMembersMax >= 1, "groupMembersMax", groupMembersMax, "at least 1");
        check(queueGroupWindowMax >= 1 && queueGroupWindowMax <= QUEUE_GROUP_WINDOW_MAX_LIMIT, "queueGroupWindowMax",
                queueGroupWindowMax, "between 1 and " + String.format("%,d", QUEUE_GROUP_WINDOW_MAX_LIMIT));
        check(messageIdWindowMs >= 0, "messageIdWindowMs", messageIdWindowMs, "0 (off) or more");
        check(messageIdsMax >= 1, "messageIdsMax", messageIdsMax, "at least 1");
        check(producerIdExpirationMs >= 1, "producerIdExpirationMs", producerIdExpirationMs, "at least 1");
    }

    private static void check(boolean ok, String key, long actual, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(String.format("%s is %,d; it must be %s", key, actual, rule));
        }
    }

    /** The broker's data directory (the storage engine's). */
    public Path dataDirectory() {
        return storage.directory();
    }

    /**
     * A builder with production defaults; storage gets {@link FlushPolicy#ASYNC} (durable acks ask
     * for an fsync per append) unless {@link Builder#storage} says otherwise.
     */
    public static Builder builder(Path dataDirectory) {
        return new Builder(dataDirectory);
    }

    /** Fluent builder; every setter has the record component's name. Not thread-safe. */
    public static final class Builder {
        private StorageConfig storage;
        private boolean autoCreateTopics = true;
        private int defaultQueueCount = 4;
        private int queueCountMax = 1024;
        private int topicCountMax = 10_000;
        private long fetchMaxWaitMsMax = 30_000;
        private int parkedFetchesMax = 10_000;
        private int sessionTimeoutMsMin = 1_000;
        private int sessionTimeoutMsMax = 300_000;
        private int heartbeatIntervalMs = 1_000;
        private long offsetsSnapshotIntervalMs = 3_600_000;
        private long retentionCheckIntervalMs = 60_000;
        private int groupCountMax = 10_000;
        private int groupMembersMax = 1_000;
        private int queueGroupWindowMax = 10_000;
        private long messageIdWindowMs = 600_000;
        private int messageIdsMax = 1_000_000;
        private long producerIdExpirationMs = 7L * 24 * 3_600_000;

        private Builder(Path dataDirectory) {
            this.storage = StorageConfig.builder(dataDirectory).flushPolicy(FlushPolicy.ASYNC).build();
        }

        public Builder storage(StorageConfig value) {
            storage = value;
            return this;
        }

        public Builder autoCreateTopics(boolean value) {
            autoCreateTopics = value;
            return this;
        }

        public Builder defaultQueueCount(int value) {
            defaultQueueCount = value;
            return this;
        }

        public Builder queueCountMax(int value) {
            queueCountMax = value;
            return this;
        }

        public Builder topicCountMax(int value) {
            topicCountMax = value;
            return this;
        }

        public Builder fetchMaxWaitMsMax(long value) {
            fetchMaxWaitMsMax = value;
            return this;
        }

        public Builder parkedFetchesMax(int value) {
            parkedFetchesMax = value;
            return this;
        }

        public Builder sessionTimeoutMsMin(int value) {
            sessionTimeoutMsMin = value;
            return this;
        }

        public Builder sessionTimeoutMsMax(int value) {
            sessionTimeoutMsMax = value;
            return this;
        }

        public Builder heartbeatIntervalMs(int value) {
            heartbeatIntervalMs = value;
            return this;
        }

        public Builder offsetsSnapshotIntervalMs(long value) {
            offsetsSnapshotIntervalMs = value;
            return this;
        }

        public Builder retentionCheckIntervalMs(long value) {
            retentionCheckIntervalMs = value;
            return this;
        }

        public Builder groupCountMax(int value) {
            groupCountMax = value;
            return this;
        }

        public Builder groupMembersMax(int value) {
            groupMembersMax = value;
            return this;
        }

        public Builder queueGroupWindowMax(int value) {
            queueGroupWindowMax = value;
            return this;
        }

        public Builder messageIdWindowMs(long value) {
            messageIdWindowMs = value;
            return this;
        }

        public Builder messageIdsMax(int value) {
            messageIdsMax = value;
            return this;
        }

        public Builder producerIdExpirationMs(long value) {
            producerIdExpirationMs = value;
            return this;
        }

        public BrokerConfig build() {
            return new BrokerConfig(storage, autoCreateTopics, defaultQueueCount, queueCountMax, topicCountMax,
                    fetchMaxWaitMsMax, parkedFetchesMax, sessionTimeoutMsMin, sessionTimeoutMsMax, heartbeatIntervalMs,
                    offsetsSnapshotIntervalMs, retentionCheckIntervalMs, groupCountMax, groupMembersMax,
                    queueGroupWindowMax, messageIdWindowMs, messageIdsMax, producerIdExpirationMs);
        }
    }
}
