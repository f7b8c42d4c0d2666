package dev.sluice.bench.compare.kafka;

import dev.sluice.bench.compare.MessageProducer;
import dev.sluice.bench.compare.ProducerSettings;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** {@link MessageProducer} over Kafka's own {@link KafkaProducer}; a queue is a partition. */
final class KafkaProducerAdapter implements MessageProducer {
    private final KafkaProducer<byte[], byte[]> producer;

    KafkaProducerAdapter(String bootstrapServers, ProducerSettings settings) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-compare-producer");
        // Both acks map to acks=1: DURABLE is a topic setting in Kafka (flush.messages=1).
        properties.put(ProducerConfig.ACKS_CONFIG, "1");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, settings.lingerMs());
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, settings.batchBytes());
        properties.put(ProducerConfig.BUFFER_MEMORY_CONFIG, settings.bufferBytes());
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        // enable.idempotence is left at Kafka's default; with acks=1 the client turns it off itself.
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(properties);
    }

    static List<String> settingsSummary(ProducerSettings settings) {
        return List.of("acks=1 (both LEADER and DURABLE), linger.ms=" + settings.lingerMs() + ", batch.size="
                + settings.batchBytes() + ", buffer.memory=" + settings.bufferBytes()
                + ", compression.type=none, enable.idempotence left at its default (Kafka turns it off for acks=1),"
                + " max.in.flight.requests.per.connection=5 (default)");
    }

    @Override
    public void prepare(List<String> topics) {
        for (String topic : topics) {
            // Blocks (up to max.block.ms) until the topic's metadata is known.
            producer.partitionsFor(topic);
        }
    }

    @Override
    public void send(String topic, int queue, byte[] value, Completion completion) {
        producer.send(new ProducerRecord<>(topic, queue, null, value),
                (metadata, error) -> completion.onComplete(error));
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
