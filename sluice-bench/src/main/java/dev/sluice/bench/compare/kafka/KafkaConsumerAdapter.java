package dev.sluice.bench.compare.kafka;

import dev.sluice.bench.compare.ConsumerSettings;
import dev.sluice.bench.compare.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@link MessageConsumer} over Kafka's own {@link KafkaConsumer}: every partition of the topics
 * assigned by hand (no group, no commits), positioned before the constructor returns.
 */
final class KafkaConsumerAdapter implements MessageConsumer {
    static final int MAX_POLL_RECORDS = 2_000;

    private final KafkaConsumer<byte[], byte[]> consumer;

    KafkaConsumerAdapter(String bootstrapServers, ConsumerSettings settings) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-compare-consumer");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(properties);
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : settings.topics()) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic);
                if (infos.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " has no partitions in the broker's metadata");
                }
                for (PartitionInfo info : infos) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            if (settings.start() == ConsumerSettings.StartPosition.EARLIEST) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            for (TopicPartition partition : partitions) {
                consumer.position(partition); // resolves the lazy seek now, not in the first timed poll
            }
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
    }

    static List<String> settingsSummary() {
        return List.of("consumer: partitions assigned by hand (no group), max.poll.records=" + MAX_POLL_RECORDS
                + ", fetch.min.bytes=1, fetch.max.wait.ms=500, max.partition.fetch.bytes=1 MiB (defaults)");
    }

    @Override
    public int poll(Duration timeout, Handler handler) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            handler.onMessage(record.topic(), record.partition(), record.value());
        }
        return records.count();
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    }
}
