package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.TopicInfo;
import dev.sluice.broker.TopicSpec;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.QueueId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's topics: validation, creation, deletion, the topics metadata file ({@link TopicsFile})
 * and per-topic (logical) retention.
 *
 * <p>Thread-safe: readers see an immutable snapshot through a volatile field, without locking;
 * changes are made under one lock, written to the file first, then published. After a crash the
 * file holds the topics as of the last completed change.
 */
public final class TopicRegistry {
    /** Topics whose name starts with this are the broker's own (hidden, not creatable). */
    public static final String INTERNAL_PREFIX = "__";
    private static final Logger LOGGER = LoggerFactory.getLogger(TopicRegistry.class);
    private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1," + QueueId.TOPIC_LENGTH_MAX + "}");

    private final BrokerConfig config;
    private final LogStore store;
    private final TopicsFile file;
    private final LongSupplier clockMs;
    private final Object lock = new Object();
    private volatile Map<String, Topic> topics;

    private TopicRegistry(BrokerConfig config, LogStore store, TopicsFile file, LongSupplier clockMs,
            Map<String, Topic> topics) {
        this.config = config;
        this.store = store;
        this.file = file;
        this.clockMs = clockMs;
        this.topics = topics;
    }

    /** Reads the topics file in the data directory (none yet: no topics). */
    public static TopicRegistry load(BrokerConfig config, LogStore store, LongSupplier clockMs) {
        TopicsFile file = new TopicsFile(config.dataDirectory());
        try {
            Map<String, Topic> topics = new TreeMap<>();
            for (Topic topic : file.read()) {
                topics.put(topic.name(), topic);
            }
            LOGGER.info("topics loaded: topicCount={} file={}", topics.size(), file.path());
            return new TopicRegistry(config, store, file, clockMs, Collections.unmodifiableMap(topics));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the topics file " + file.path() + ": " + e.getMessage(), e);
        }
    }

    /** The topic, or null. */
    public Topic get(String name) {
        return name == null ? null : topics.get(name);
    }

    /** The topic; UNKNOWN_TOPIC when there is none. */
    public Topic require(String name) {
        Topic topic = get(name);
        if (topic == null) {
            throw new BrokerException(BrokerError.UNKNOWN_TOPIC, "topic '" + name + "' does not exist");
        }
        return topic;
    }

    /** Every topic, sorted by name. */
    public Collection<Topic> all() {
        return topics.values();
    }

    public int count() {
        return topics.size();
    }

    /**
     * Creates a topic. Its queues start at the storage's end offsets, so a name used before does not
     * reuse the old topic's offsets.
     */
    public Topic create(TopicSpec spec) {
        checkName(spec.name());
        checkSettings(spec);
        synchronized (lock) {
            if (topics.containsKey(spec.name())) {
                throw new BrokerException(BrokerError.TOPIC_EXISTS, "topic '" + spec.name() + "' already exists");
            }
            if (topics.size() >= config.topicCountMax()) {
                throw new BrokerException(BrokerError.INVALID_CONFIG, String.format(
                        "topic '%s' would be topic %,d; topicCountMax is %,d", spec.name(), topics.size() + 1,
                        config.topicCountMax()));
            }
            long[] starts = new long[spec.queueCount()];
            for (int queue = 0; queue < starts.length; queue++) {
                starts[queue] = store.endOffset(new QueueId(spec.name(), queue));
            }
            TopicInfo info = new TopicInfo(spec.name(), spec.queueCount(), spec.retentionMs(), spec.flushPolicy(),
                    clockMs.getAsLong(), spec.messageIdWindowMs());
            Topic topic = new Topic(info, starts);
            Map<String, Topic> changed = new TreeMap<>(topics);
            changed.put(topic.name(), topic);
            publishLocked(changed);
            LOGGER.info("topic created: topic={} queueCount={} retentionMs={} flushPolicy={} messageIdWindowMs={}",
                    info.name(), info.queueCount(), info.retentionMs(), info.flushPolicy(), info.messageIdWindowMs());
            return topic;
        }
    }

    /** Deletes a topic: it is gone at once; its records leave the disk with their segments. */
    public Topic delete(String name) {
        synchronized (lock) {
            Topic topic = require(name);
            Map<String, Topic> changed = new TreeMap<>(topics);
            changed.remove(name);
            publishLocked(changed);
            LOGGER.info("topic deleted: topic={}", name);
            return topic;
        }
    }

    /**
     * Moves each queue's logical start offset up to its first record within the topic's retention,
     * for topics whose retention is their own.
     *
     * @return the number of queues whose start offset moved
     */
    public int enforceRetention() {
        synchronized (lock) {
            long nowMs = clockMs.getAsLong();
            Map<String, Topic> changed = new TreeMap<>(topics);
            int moved = 0;
            for (Topic topic : topics.values()) {
                if (topic.info().retentionMs() <= 0) {
                    continue;
                }
                long[] starts = topic.logicalStartOffsets();
                boolean any = false;
                for (int queue = 0; queue < starts.length; queue++) {
                    QueueId id = topic.queueId(queue);
                    long first = store.offsetForTimestamp(id, nowMs - topic.info().retentionMs());
                    long start = first < 0 ? store.endOffset(id) : first;
                    if (start > starts[queue]) {
                        starts[queue] = start;
                        any = true;
                        moved++;
                    }
                }
                if (any) {
                    changed.put(topic.name(), topic.withLogicalStartOffsets(starts));
                }
            }
            if (moved > 0) {
                publishLocked(changed);
                LOGGER.debug("per-topic retention moved start offsets: queueCount={}", moved);
            }
            return moved;
        }
    }

    /** The topic's message-id window in milliseconds, its own or the broker's; 0 when off. */
    public long messageIdWindowMs(TopicInfo info) {
        return info.messageIdWindowMs() < 0 ? config.messageIdWindowMs() : info.messageIdWindowMs();
    }

    /** Every topic name, sorted. */
    public List<String> names() {
        return new ArrayList<>(topics.keySet());
    }

    private void publishLocked(Map<String, Topic> changed) {
        try {
            file.write(changed.values());
        } catch (IOException e) {
            throw new BrokerException(BrokerError.UNKNOWN_SERVER_ERROR,
                    "cannot write the topics file " + file.path() + ": " + e.getMessage(), e);
        }
        topics = Collections.unmodifiableMap(changed);
    }

    /** INVALID_TOPIC unless the name is 1–249 of [A-Za-z0-9._-], not "." or "..", and not internal. */
    public static void checkName(String name) {
        if (name == null || !NAME_PATTERN.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new BrokerException(BrokerError.INVALID_TOPIC, "topic name '" + name + "' is not 1 to "
                    + QueueId.TOPIC_LENGTH_MAX + " characters of [A-Za-z0-9._-]"
                    + (name == null ? "" : " (length " + name.length() + ")"));
        }
        if (name.startsWith(INTERNAL_PREFIX)) {
            throw new BrokerException(BrokerError.INVALID_TOPIC,
                    "topic name '" + name + "' starts with '" + INTERNAL_PREFIX + "', which is reserved for the broker");
        }
    }

    private void checkSettings(TopicSpec spec) {
        if (spec.queueCount() < 1 || spec.queueCount() > config.queueCountMax()) {
            throw new BrokerException(BrokerError.INVALID_CONFIG, String.format(
                    "queueCount is %,d; it must be between 1 and queueCountMax %,d (topic %s)", spec.queueCount(),
                    config.queueCountMax(), spec.name()));
        }
        long brokerRetentionMs = config.storage().retentionMs();
        if (spec.retentionMs() != -1 && spec.retentionMs() <= 0) {
            throw new BrokerException(BrokerError.INVALID_CONFIG, String.format(
                    "retentionMs is %,d; it must be positive or -1 (the broker's) (topic %s)", spec.retentionMs(),
                    spec.name()));
        }
        if (spec.messageIdWindowMs() < -1) {
            throw new BrokerException(BrokerError.INVALID_CONFIG, String.format(
                    "messageIdWindowMs is %,d; it must be -1 (the broker's), 0 (off) or positive (topic %s)",
                    spec.messageIdWindowMs(), spec.name()));
        }
        if (spec.retentionMs() > 0 && brokerRetentionMs != -1 && spec.retentionMs() > brokerRetentionMs) {
            throw new BrokerException(BrokerError.INVALID_CONFIG, String.format(
                    "retentionMs is %,d; it must be at most the broker's storage retentionMs %,d (topic %s)",
                    spec.retentionMs(), brokerRetentionMs, spec.name()));
        }
    }
}
