package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueueConsumerConfigTest {

    @Test
    void defaultsAreTheContractsAndRoundTripThroughTheBuilder() {
        QueueConsumerConfig config = QueueConsumerConfig.builder("127.0.0.1:7700").build();
        assertThat(config.deliveryMode()).isEqualTo(DeliveryMode.AT_LEAST_ONCE);
        assertThat(config.visibilityTimeoutMs()).isEqualTo(30_000);
        assertThat(config.maxAttempts()).isEqualTo(5);
        assertThat(config.deadLetterTopic()).isNull();
        assertThat(config.messageGroups()).isFalse();
        assertThat(config.redeliveryDelayMs()).isEqualTo(1_000);
        assertThat(config.redeliveryDelayMaxMs()).isEqualTo(60_000);
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void exactlyOnceIsRefusedNamingIdempotentConsumer() {
        assertThatThrownBy(() -> QueueConsumerConfig.builder("localhost:1").deliveryMode(DeliveryMode.EXACTLY_ONCE)
                .build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EXACTLY_ONCE").hasMessageContaining("IdempotentConsumer");
    }

    @Test
    void limitsAreAcceptedAtTheirEndsAndRefusedOneBeyondNamingTheSetting() {
        QueueConsumerConfig.Builder builder = QueueConsumerConfig.builder("localhost:1");
        assertThat(builder.visibilityTimeoutMs(1_000).maxAttempts(1_000).build().maxAttempts()).isEqualTo(1_000);
        assertThat(builder.visibilityTimeoutMs(43_200_000).maxAttempts(1).build().visibilityTimeoutMs())
                .isEqualTo(43_200_000);
        assertThatThrownBy(() -> QueueConsumerConfig.builder("localhost:1").visibilityTimeoutMs(999).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("visibilityTimeoutMs 999");
        assertThatThrownBy(() -> QueueConsumerConfig.builder("localhost:1").visibilityTimeoutMs(43_200_001).build())
                .hasMessageContaining("visibilityTimeoutMs 43,200,001");
        assertThatThrownBy(() -> QueueConsumerConfig.builder("localhost:1").maxAttempts(0).build())
                .hasMessageContaining("maxAttempts 0");
        assertThatThrownBy(() -> QueueConsumerConfig.builder("localhost:1").maxAttempts(1_001).build())
                .hasMessageContaining("maxAttempts 1,001");
        assertThatThrownBy(() -> QueueConsumerConfig.builder("localhost:1").maxPollMessages(100_001).build())
                .hasMessageContaining("maxPollMessages 100,001");
        assertThatThrownBy(() -> QueueConsumerConfig.builder("localhost:1").fetchMaxWaitMs(30_001).build())
                .hasMessageContaining("fetchMaxWaitMs 30,001");
        assertThatThrownBy(() -> QueueConsumerConfig.builder("localhost:1").redeliveryDelayMs(2_000)
                .redeliveryDelayMaxMs(1_999).build()).hasMessageContaining("redeliveryDelayMaxMs 1,999");
    }

    @Test
    void deadLetterTopicMustBeATopicNameOrEmptyOrNull() {
        assertThat(QueueConsumerConfig.builder("localhost:1").deadLetterTopic("").build().deadLetterTopic()).isEmpty();
        assertThat(QueueConsumerConfig.builder("localhost:1").deadLetterTopic("orders.failed").build()
                .deadLetterTopic()).isEqualTo("orders.failed");
        assertThatThrownBy(() -> QueueConsumerConfig.builder("localhost:1").deadLetterTopic("bad name").build())
                .hasMessageContaining("deadLetterTopic 'bad name'");
        assertThatThrownBy(() -> QueueConsumerConfig.builder("localhost:1").deadLetterTopic("__internal").build())
                .hasMessageContaining("deadLetterTopic '__internal'");
    }

    @Test
    void redeliveryDelayDoublesPerDeliveryUpToItsMaximum() {
        QueueConsumerConfig config = QueueConsumerConfig.builder("localhost:1").redeliveryDelayMs(1_000)
                .redeliveryDelayMaxMs(5_000).build();
        assertThat(config.redeliveryDelayMs(1)).isEqualTo(1_000);
        assertThat(config.redeliveryDelayMs(2)).isEqualTo(2_000);
        assertThat(config.redeliveryDelayMs(3)).isEqualTo(4_000);
        assertThat(config.redeliveryDelayMs(4)).isEqualTo(5_000);
        assertThat(config.redeliveryDelayMs(1_000)).isEqualTo(5_000);
    }
}
