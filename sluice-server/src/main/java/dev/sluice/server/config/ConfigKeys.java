package dev.sluice.server.config;

import dev.sluice.server.config.ConfigKey.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the broker process, in the order {@code docs/configuration.md} lists them.
 * Only this package reads files, environment variables and system properties (house style); the
 * components get immutable config records built from a {@link Settings}.
 */
public final class ConfigKeys {
    private static final Map<String, ConfigKey> KEYS = new LinkedHashMap<>();

    public static final ConfigKey PROFILE = choice("server.profile", "dev", List.of("dev", "production"),
            "dev: topics are created on first use; production: they must be created first (topics.autoCreate defaults to false).");
    public static final ConfigKey HOST = string("server.host", "127.0.0.1", "Address the native listener binds.");
    public static final ConfigKey PORT = number("server.port", Type.INT, "7700", 0, 65_535,
            "Port of the native listener; 0 picks a free one.");
    public static final ConfigKey TRANSPORT = choice("server.transport", "auto", List.of("auto", "epoll", "nio"),
            "Netty transport: epoll where available (auto), or forced.");
    public static final ConfigKey IO_THREADS = number("server.ioThreads", Type.INT, "0", 0, 1_024,
            "Network threads; 0 means one per core.");
    public static final ConfigKey FRAME_BYTES_MAX = number("server.frameBytesMax", Type.SIZE, "16m", 1_024, 1L << 30,
            "Largest frame a client may send; a longer frame closes its connection.");
    public static final ConfigKey IN_FLIGHT_REQUESTS_MAX = number("server.inFlightRequestsMax", Type.INT, "1024", 1, 1_000_000,
            "Requests of one connection being worked on; beyond it the broker stops reading that connection.");
    public static final ConfigKey SUBSCRIPTIONS_MAX = number("server.subscriptionsMax", Type.INT, "1024", 1, 1_000_000,
            "Push subscriptions per connection.");
    public static final ConfigKey SHUTDOWN_TIMEOUT = number("server.shutdownTimeout", Type.DURATION, "10s", 0, 3_600_000,
            "How long a graceful shutdown waits for requests in flight before closing connections.");
    public static final ConfigKey HTTP_ENABLED = bool("http.enabled", "true", "Serve /metrics and /health.");
    public static final ConfigKey HTTP_HOST = string("http.host", "127.0.0.1", "Address the HTTP listener binds.");
    public static final ConfigKey HTTP_PORT = number("http.port", Type.INT, "7701", 0, 65_535,
            "Port of the HTTP listener (/metrics, /health); 0 picks a free one.");
    public static final ConfigKey DATA_DIR = string("data.dir", "./sluice-data", "Directory of the commit log, indexes and metadata.");
    public static final ConfigKey FLUSH_POLICY = choice("storage.flushPolicy", "async", List.of("async", "sync"),
            "async: fsync periodically and when a producer asks for durable acks; sync: every append waits for an fsync (group commit).");
    public static final ConfigKey FLUSH_INTERVAL = number("storage.flushInterval", Type.DURATION, "1s", 1, 3_600_000,
            "Under async flush, the longest time written data waits for an fsync.");
    public static final ConfigKey SEGMENT_BYTES = number("storage.segmentBytes", Type.SIZE, "1g", 64 * 1024, Integer.MAX_VALUE,
            "Size of one commit-log segment file.");
    public static final ConfigKey BATCH_BYTES_MAX = number("storage.batchBytesMax", Type.SIZE, "1m", 61, 256L << 20,
            "Largest record batch a producer may send.");
    public static final ConfigKey RETENTION = number("storage.retention", Type.DURATION, "7d", 1, Long.MAX_VALUE / 2,
            "Segments whose newest record is older are deleted.");
    public static final ConfigKey RETENTION_BYTES = number("storage.retentionBytes", Type.SIZE, "-1", -1, Long.MAX_VALUE / 2,
            "Oldest segments are deleted while the log is larger; -1: no size limit.");
    public static final ConfigKey CHECKPOINT_INTERVAL = number("storage.checkpointInterval", Type.DURATION, "60s", 1, 86_400_000,
            "How often indexes are forced and the recovery checkpoint written.");
    public static final ConfigKey DISK_FREE_BYTES_MIN = number("storage.diskFreeBytesMin", Type.SIZE, "64m", 0, Long.MAX_VALUE / 2,
            "Appends fail with STORAGE_FULL while the disk has less free space.");
    public static final ConfigKey KEY_INDEX_ENTRIES = number("storage.keyIndexEntriesPerSegment", Type.INT, "0", 0, 64 << 20,
            "Capacity of the per-segment key index; 0 turns it off.");
    public static final ConfigKey AUTO_CREATE = bool("topics.autoCreate", "profile",
            "Create a topic on first produce or subscribe; the default follows server.profile (true for dev).");
    public static final ConfigKey DEFAULT_QUEUE_COUNT = number("topics.defaultQueueCount", Type.INT, "4", 1, 1_024,
            "Queues of an auto-created topic.");
    public static final ConfigKey QUEUE_COUNT_MAX = number("topics.queueCountMax", Type.INT, "1024", 1, 65_536,
            "Most queues one topic may have.");
    public static final ConfigKey TOPIC_COUNT_MAX = number("topics.countMax", Type.INT, "10000", 1, 1_000_000,
            "Most topics the broker holds.");
    public static final ConfigKey MESSAGE_ID_WINDOW = number("topics.messageIdWindow", Type.DURATION, "10m", 0,
            Long.MAX_VALUE / 2, "How long a message id is remembered: a later message with the same id on the same topic "
                    + "is acknowledged and not stored. Topics may set their own; 0 turns it off.");
    public static final ConfigKey MESSAGE_IDS_MAX = number("topics.messageIdsMax", Type.INT, "1000000", 1, 1_000_000_000,
            "Most message ids remembered across all topics (about 200 bytes of heap each); beyond it the oldest "
                    + "leave before their window ends (sluice_message_ids_evicted_total).");
    public static final ConfigKey PRODUCER_ID_EXPIRATION = number("producers.idExpiration", Type.DURATION, "7d", 1,
            Long.MAX_VALUE / 2, "An idempotent producer's sequence state on a queue is dropped after this long without "
                    + "a batch there.");
    public static final ConfigKey FETCH_MAX_WAIT_MAX = number("fetch.maxWaitMax", Type.DURATION, "30s", 0, 3_600_000,
            "Longest a fetch may park waiting for data (long poll).");
    public static final ConfigKey PARKED_FETCHES_MAX = number("fetch.parkedMax", Type.INT, "10000", 1, 10_000_000,
            "Most fetches parked at once; beyond it fetches get BROKER_BUSY.");
    public static final ConfigKey SESSION_TIMEOUT_MIN = number("groups.sessionTimeoutMin", Type.DURATION, "1s", 100, 3_600_000,
            "Shortest session timeout a consumer may ask for.");
    public static final ConfigKey SESSION_TIMEOUT_MAX = number("groups.sessionTimeoutMax", Type.DURATION, "5m", 100, 3_600_000,
            "Longest session timeout a consumer may ask for.");
    public static final ConfigKey HEARTBEAT_INTERVAL = number("groups.heartbeatInterval", Type.DURATION, "1s", 10, 3_600_000,
            "How often members heartbeat (capped at a third of their session timeout).");
    public static final ConfigKey QUEUE_GROUP_WINDOW_MAX = number("groups.queueGroupWindowMax", Type.INT, "10000", 1,
            100_000, "Most records a queue-mode group tracks per queue past its oldest unfinished one; beyond it nothing "
                    + "new is delivered from that queue until the oldest is acknowledged or dead-lettered.");
    public static final ConfigKey OFFSETS_SNAPSHOT_INTERVAL = number("offsets.snapshotInterval", Type.DURATION, "1h", 1_000,
            Long.MAX_VALUE / 2, "How often every committed offset is written again, so retention never deletes the latest one.");

    private ConfigKeys() {
    }

    /** Every key, in documentation order. */
    public static List<ConfigKey> all() {
        return List.copyOf(KEYS.values());
    }

    /** The key with this file name, or null. */
    public static ConfigKey byName(String name) {
        return KEYS.get(name);
    }

    private static ConfigKey register(ConfigKey key) {
        if (KEYS.putIfAbsent(key.name(), key) != null) {
            throw new IllegalStateException("config key " + key.name() + " defined twice");
        }
        return key;
    }

    private static ConfigKey number(String name, Type type, String defaultValue, long min, long max, String description) {
        return register(new ConfigKey(name, type, defaultValue, min, max, List.of(), description));
    }

    private static ConfigKey string(String name, String defaultValue, String description) {
        return register(new ConfigKey(name, Type.STRING, defaultValue, 0, 0, List.of(), description));
    }

    private static ConfigKey bool(String name, String defaultValue, String description) {
        return register(new ConfigKey(name, Type.BOOLEAN, defaultValue, 0, 0, List.of(), description));
    }

    private static ConfigKey choice(String name, String defaultValue, List<String> choices, String description) {
        return register(new ConfigKey(name, Type.CHOICE, defaultValue, 0, 0, choices, description));
    }
}
