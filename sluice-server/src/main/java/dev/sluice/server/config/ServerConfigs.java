package dev.sluice.server.config;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.server.ServerConfig;
import dev.sluice.storage.FlushPolicy;
import dev.sluice.storage.StorageConfig;
import java.nio.file.Path;

/** Builds the component config records from {@link Settings}: the one place settings meet components. */
public final class ServerConfigs {
    private ServerConfigs() {
    }

    /**
     * The server's config, with the broker's and the storage engine's inside.
     *
     * @throws ConfigException when the components reject a combination the settings allowed
     */
    public static ServerConfig from(Settings settings) {
        Path dataDir = Path.of(settings.string(ConfigKeys.DATA_DIR));
        try {
            StorageConfig storage = StorageConfig.builder(dataDir)
                    .flushPolicy(settings.string(ConfigKeys.FLUSH_POLICY).equals("sync") ? FlushPolicy.SYNC : FlushPolicy.ASYNC)
                    .flushIntervalMs(settings.number(ConfigKeys.FLUSH_INTERVAL))
                    .segmentBytes(settings.number(ConfigKeys.SEGMENT_BYTES))
                    .batchBytesMax(settings.intNumber(ConfigKeys.BATCH_BYTES_MAX))
                    .retentionMs(settings.number(ConfigKeys.RETENTION))
                    .retentionBytes(settings.number(ConfigKeys.RETENTION_BYTES))
                    .checkpointIntervalMs(settings.number(ConfigKeys.CHECKPOINT_INTERVAL))
                    .diskFreeBytesMin(settings.number(ConfigKeys.DISK_FREE_BYTES_MIN))
                    .keyIndexEntriesPerSegment(settings.intNumber(ConfigKeys.KEY_INDEX_ENTRIES))
                    .build();
            BrokerConfig broker = BrokerConfig.builder(dataDir)
                    .storage(storage)
                    .autoCreateTopics(settings.bool(ConfigKeys.AUTO_CREATE))
                    .defaultQueueCount(settings.intNumber(ConfigKeys.DEFAULT_QUEUE_COUNT))
                    .queueCountMax(settings.intNumber(ConfigKeys.QUEUE_COUNT_MAX))
                    .topicCountMax(settings.intNumber(ConfigKeys.TOPIC_COUNT_MAX))
                    .fetchMaxWaitMsMax(settings.number(ConfigKeys.FETCH_MAX_WAIT_MAX))
                    .parkedFetchesMax(settings.intNumber(ConfigKeys.PARKED_FETCHES_MAX))
                    .sessionTimeoutMsMin(settings.intNumber(ConfigKeys.SESSION_TIMEOUT_MIN))
                    .sessionTimeoutMsMax(settings.intNumber(ConfigKeys.SESSION_TIMEOUT_MAX))
                    .heartbeatIntervalMs(settings.intNumber(ConfigKeys.HEARTBEAT_INTERVAL))
                    .queueGroupWindowMax(settings.intNumber(ConfigKeys.QUEUE_GROUP_WINDOW_MAX))
                    .offsetsSnapshotIntervalMs(settings.number(ConfigKeys.OFFSETS_SNAPSHOT_INTERVAL))
                    .messageIdWindowMs(settings.number(ConfigKeys.MESSAGE_ID_WINDOW))
                    .messageIdsMax(settings.intNumber(ConfigKeys.MESSAGE_IDS_MAX))
                    .producerIdExpirationMs(settings.number(ConfigKeys.PRODUCER_ID_EXPIRATION))
                    .build();
            return new ServerConfig(settings.string(ConfigKeys.HOST), settings.intNumber(ConfigKeys.PORT),
                    settings.string(ConfigKeys.TRANSPORT), settings.intNumber(ConfigKeys.IO_THREADS),
                    settings.intNumber(ConfigKeys.FRAME_BYTES_MAX), settings.intNumber(ConfigKeys.IN_FLIGHT_REQUESTS_MAX),
                    settings.intNumber(ConfigKeys.SUBSCRIPTIONS_MAX), settings.number(ConfigKeys.SHUTDOWN_TIMEOUT),
                    settings.bool(ConfigKeys.HTTP_ENABLED), settings.string(ConfigKeys.HTTP_HOST),
                    settings.intNumber(ConfigKeys.HTTP_PORT), broker);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("settings do not fit together: " + e.getMessage());
        }
    }
}
