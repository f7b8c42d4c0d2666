package dev.sluice.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.storage.FlushPolicy;
import dev.sluice.storage.StorageConfig;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {
    private static final Path DIRECTORY = Path.of("data");

    @Test
    void builderGivesTheDocumentedDefaults() {
        BrokerConfig config = BrokerConfig.builder(DIRECTORY).build();

        assertThat(config.dataDirectory()).isEqualTo(DIRECTORY);
        assertThat(config.storage().flushPolicy()).isEqualTo(FlushPolicy.ASYNC);
        assertThat(config.autoCreateTopics()).isTrue();
        assertThat(config.defaultQueueCount()).isEqualTo(4);
        assertThat(config.queueCountMax()).isEqualTo(1024);
        assertThat(config.topicCountMax()).isEqualTo(10_000);
        assertThat(config.fetchMaxWaitMsMax()).isEqualTo(30_000);
        assertThat(config.parkedFetchesMax()).isEqualTo(10_000);
        assertThat(config.sessionTimeoutMsMin()).isEqualTo(1_000);
        assertThat(config.sessionTimeoutMsMax()).isEqualTo(300_000);
        assertThat(config.heartbeatIntervalMs()).isEqualTo(1_000);
        assertThat(config.offsetsSnapshotIntervalMs()).isEqualTo(3_600_000);
        assertThat(config.groupCountMax()).isEqualTo(10_000);
        assertThat(config.groupMembersMax()).isEqualTo(1_000);
        assertThat(config.queueGroupWindowMax()).isEqualTo(10_000);
        assertThat(config.messageIdWindowMs()).isEqualTo(600_000);
        assertThat(config.messageIdsMax()).isEqualTo(1_000_000);
        assertThat(config.producerIdExpirationMs()).isEqualTo(7L * 24 * 3_600_000);
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertRefused(b -> b.defaultQueueCount(0), "defaultQueueCount is 0");
        assertRefused(b -> b.defaultQueueCount(1025), "defaultQueueCount is 1,025");
        assertRefused(b -> b.queueCountMax(0), "queueCountMax is 0");
        assertRefused(b -> b.queueCountMax(50_001).defaultQueueCount(1), "storage.queueCountMax (50000)");
        assertRefused(b -> b.topicCountMax(0), "topicCountMax is 0");
        assertRefused(b -> b.fetchMaxWaitMsMax(-1), "fetchMaxWaitMsMax is -1");
        assertRefused(b -> b.parkedFetchesMax(-1), "parkedFetchesMax is -1");
        assertRefused(b -> b.sessionTimeoutMsMin(0), "sessionTimeoutMsMin is 0");
        assertRefused(b -> b.sessionTimeoutMsMax(999), "sessionTimeoutMsMax is 999");
        assertRefused(b -> b.heartbeatIntervalMs(0), "heartbeatIntervalMs is 0");
        assertRefused(b -> b.offsetsSnapshotIntervalMs(0), "offsetsSnapshotIntervalMs is 0");
        assertRefused(b -> b.retentionCheckIntervalMs(0), "retentionCheckIntervalMs is 0");
        assertRefused(b -> b.groupCountMax(0), "groupCountMax is 0");
        assertRefused(b -> b.groupMembersMax(0), "groupMembersMax is 0");
        assertRefused(b -> b.messageIdWindowMs(-1), "messageIdWindowMs is -1");
        assertRefused(b -> b.messageIdsMax(0), "messageIdsMax is 0");
        assertRefused(b -> b.producerIdExpirationMs(0), "producerIdExpirationMs is 0");
        assertRefused(b -> b.storage(null), "storage");
        assertRefused(b -> b.queueGroupWindowMax(0), "queueGroupWindowMax is 0");
        assertRefused(b -> b.queueGroupWindowMax(100_001), "queueGroupWindowMax is 100,001", "between 1 and 100,000");
        assertThat(BrokerConfig.builder(DIRECTORY).queueGroupWindowMax(100_000).build().queueGroupWindowMax())
                .isEqualTo(BrokerConfig.QUEUE_GROUP_WINDOW_MAX_LIMIT);
    }

    @Test
    void snapshotIntervalMustBeBelowStorageRetention() {
        StorageConfig storage = StorageConfig.builder(DIRECTORY).retentionMs(60_000).build();
        assertThat(BrokerConfig.builder(DIRECTORY).storage(storage).offsetsSnapshotIntervalMs(59_999).build()
                .offsetsSnapshotIntervalMs()).isEqualTo(59_999);
        assertRefused(b -> b.storage(storage).offsetsSnapshotIntervalMs(60_000),
                "offsetsSnapshotIntervalMs is 60,000", "below storage.retentionMs");
        StorageConfig keepAll = StorageConfig.builder(DIRECTORY).retentionMs(-1).build();
        assertThat(BrokerConfig.builder(DIRECTORY).storage(keepAll).offsetsSnapshotIntervalMs(Long.MAX_VALUE).build())
                .isNotNull();
    }

    private static void assertRefused(UnaryOperator<BrokerConfig.Builder> change, String... messageParts) {
        assertThatThrownBy(() -> change.apply(BrokerConfig.builder(DIRECTORY)).build())
                .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class)
                .hasMessageContainingAll(messageParts);
    }
}
