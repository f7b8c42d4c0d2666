package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void producerDefaultsAreValid() {
        ProducerConfig config = ProducerConfig.builder("127.0.0.1:7420").build();
        assertThat(config.acks()).isEqualTo(Acks.LEADER);
        assertThat(config.lingerMs()).isEqualTo(5);
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void producerLimitsAreAcceptedAtTheirMaximumAndRefusedOneBeyond() {
        ProducerConfig.Builder builder = ProducerConfig.builder("localhost:1");
        assertThat(builder.lingerMs(ProducerConfig.LINGER_MS_MAX).deliveryTimeoutMs(200_000).build().lingerMs())
                .isEqualTo(ProducerConfig.LINGER_MS_MAX);
        assertThatThrownBy(() -> ProducerConfig.builder("localhost:1").lingerMs(ProducerConfig.LINGER_MS_MAX + 1)
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lingerMs 60,001");
        assertThat(ProducerConfig.builder("localhost:1").batchBytes(ProducerConfig.BATCH_BYTES_MAX)
                .bufferBytesMax(ProducerConfig.BATCH_BYTES_MAX).build().batchBytes())
                .isEqualTo(ProducerConfig.BATCH_BYTES_MAX);
        assertThatThrownBy(() -> ProducerConfig.builder("localhost:1").batchBytes(ProducerConfig.BATCH_BYTES_MAX + 1)
                .build()).hasMessageContaining("batchBytes");
        assertThat(ProducerConfig.builder("localhost:1").inFlightRequestsMax(ProducerConfig.IN_FLIGHT_REQUESTS_MAX)
                .build().inFlightRequestsMax()).isEqualTo(ProducerConfig.IN_FLIGHT_REQUESTS_MAX);
        assertThatThrownBy(() -> ProducerConfig.builder("localhost:1")
                .inFlightRequestsMax(ProducerConfig.IN_FLIGHT_REQUESTS_MAX + 1).build())
                .hasMessageContaining("inFlightRequestsMax 1,025");
    }

    @Test
    void producerRefusesADeliveryTimeoutShorterThanLingerPlusRequestTimeout() {
        assertThatThrownBy(() -> ProducerConfig.builder("localhost:1").lingerMs(100).requestTimeoutMs(1_000)
                .deliveryTimeoutMs(1_099).build()).hasMessageContaining("deliveryTimeoutMs 1,099");
        assertThat(ProducerConfig.builder("localhost:1").lingerMs(100).requestTimeoutMs(1_000)
                .deliveryTimeoutMs(1_100).build().deliveryTimeoutMs()).isEqualTo(1_100);
    }

    @Test
    void producerRefusesABufferSmallerThanOneMessage() {
        assertThatThrownBy(() -> ProducerConfig.builder("localhost:1").messageBytesMax(2_000_000)
                .bufferBytesMax(1_999_999).build()).hasMessageContaining("bufferBytesMax");
    }

    @Test
    void bootstrapMustBeHostColonPort() {
        assertThatThrownBy(() -> ProducerConfig.builder("localhost").build())
                .hasMessageContaining("must be host:port");
        assertThatThrownBy(() -> ProducerConfig.builder("localhost:0").build())
                .hasMessageContaining("port from 1 to 65535");
        assertThatThrownBy(() -> ProducerConfig.builder("localhost:x").build())
                .hasMessageContaining("no numeric port");
        assertThat(ProducerConfig.builder("[::1]:7420").build().bootstrap()).isEqualTo("[::1]:7420");
    }

    @Test
    void consumerDefaultsAreValidAndLimitsChecked() {
        ConsumerConfig config = ConsumerConfig.builder("127.0.0.1:7420").group("g").build();
        assertThat(config.ackMode()).isEqualTo(AckMode.AFTER_PROCESSING);
        assertThat(config.autoOffsetReset()).isEqualTo(OffsetReset.LATEST);
        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(ConsumerConfig.builder("h:1").fetchMaxWaitMs(ConsumerConfig.FETCH_MAX_WAIT_MS_MAX).build()
                .fetchMaxWaitMs()).isEqualTo(ConsumerConfig.FETCH_MAX_WAIT_MS_MAX);
        assertThatThrownBy(() -> ConsumerConfig.builder("h:1").fetchMaxWaitMs(ConsumerConfig.FETCH_MAX_WAIT_MS_MAX + 1)
                .build()).hasMessageContaining("fetchMaxWaitMs 30,001");
        assertThatThrownBy(() -> ConsumerConfig.builder("h:1").sessionTimeoutMs(99).build())
                .hasMessageContaining("sessionTimeoutMs 99");
        assertThatThrownBy(() -> ConsumerConfig.builder("h:1").queueFetchMaxBytes(5_000_000).fetchMaxBytes(4_000_000)
                .build()).hasMessageContaining("queueFetchMaxBytes");
        assertThatThrownBy(() -> ConsumerConfig.builder("h:1").group("").build()).hasMessageContaining("group");
    }

    @Test
    void offsetResetMapsToListOffsetsTimestamps() {
        assertThat(OffsetReset.EARLIEST.wireTimestamp()).isEqualTo(-2);
        assertThat(OffsetReset.LATEST.wireTimestamp()).isEqualTo(-1);
        assertThat(OffsetReset.toTimestamp(1234).wireTimestamp()).isEqualTo(1234);
        assertThat(OffsetReset.toTimestamp(5)).isEqualTo(OffsetReset.toTimestamp(5));
        assertThatThrownBy(() -> OffsetReset.toTimestamp(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messageBuilderKeepsFieldsAndChecksThem() {
        Message message = Message.builder("t").key("k").value("v").header("h", "x").timestampMs(7).queue(3).build();
        assertThat(message.keyAsString()).isEqualTo("k");
        assertThat(message.valueAsString()).isEqualTo("v");
        assertThat(message.headers()).containsExactly(Header.of("h", "x"));
        assertThat(message).isEqualTo(Message.builder("t").key("k").value("v").header("h", "x").timestampMs(7)
                .queue(3).build());
        assertThatThrownBy(() -> Message.builder("t").queue(-2).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Message.builder("t").timestampMs(-2).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deliveryModeSetsTheAckModeThatGivesIt() {
        ConsumerConfig.Builder builder = ConsumerConfig.builder("localhost:1");
        assertThat(builder.deliveryMode(DeliveryMode.AT_MOST_ONCE).build().ackMode())
                .isEqualTo(AckMode.BEFORE_PROCESSING);
        assertThat(builder.deliveryMode(DeliveryMode.AT_LEAST_ONCE).build().ackMode())
                .isEqualTo(AckMode.AFTER_PROCESSING);
        assertThat(builder.ackMode(AckMode.BEFORE_PROCESSING).build().deliveryMode())
                .isEqualTo(DeliveryMode.AT_MOST_ONCE);
        assertThat(builder.ackMode(AckMode.MANUAL).build().deliveryMode()).isNull();
        assertThat(ConsumerConfig.builder("localhost:1").build().deliveryMode()).isEqualTo(DeliveryMode.AT_LEAST_ONCE);
    }

    @Test
    void plainConsumerRefusesExactlyOnceNamingIdempotentConsumer() {
        assertThatThrownBy(() -> ConsumerConfig.builder("localhost:1").deliveryMode(DeliveryMode.EXACTLY_ONCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EXACTLY_ONCE").hasMessageContaining("IdempotentConsumer");
    }
}
