package dev.sluice.bench.compare.sluice;

import dev.sluice.bench.compare.Ack;
import dev.sluice.bench.compare.MessageProducer;
import dev.sluice.bench.compare.ProducerSettings;
import dev.sluice.client.Acks;
import dev.sluice.client.Message;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import java.util.List;

/** Sends through Sluice's {@link Producer} with the same batching settings Kafka's producer gets. */
final class SluiceProducerAdapter implements MessageProducer {
    private final Producer producer;

    SluiceProducerAdapter(String bootstrap, ProducerSettings settings) {
        this.producer = Producer.create(ProducerConfig.builder(bootstrap).clientId("sluice-compare-producer")
                .acks(settings.ack() == Ack.DURABLE ? Acks.DURABLE : Acks.LEADER)
                .lingerMs(settings.lingerMs())
                .batchBytes(settings.batchBytes())
                .bufferBytesMax(settings.bufferBytes())
                .build());
    }

    static String settingsSummary(ProducerSettings settings) {
        return "acks=" + (settings.ack() == Ack.DURABLE ? "DURABLE" : "LEADER") + ", lingerMs=" + settings.lingerMs()
                + ", batchBytes=" + settings.batchBytes() + ", bufferBytesMax=" + settings.bufferBytes()
                + ", compression none, inFlightBatchesPerQueueMax=5 (default)";
    }

    @Override
    public void prepare(List<String> topics) {
        // Metadata is fetched on the first send to a topic; one message each would change the counts,
        // so nothing is done ahead (the first sends pay one METADATA round trip per topic).
    }

    @Override
    public void send(String topic, int queue, byte[] value, Completion completion) {
        Message message = Message.builder(topic).queue(queue).value(value).build();
        producer.send(message).whenComplete((result, error) -> completion.onComplete(error));
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
