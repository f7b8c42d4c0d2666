package dev.sluice.bench.compare.sluice;

import dev.sluice.bench.compare.ConsumerSettings;
import dev.sluice.bench.compare.MessageConsumer;
import dev.sluice.client.AckMode;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads through Sluice's {@link Consumer}s: a Sluice group follows one topic, so a consumer of
 * several topics is one Consumer per topic, polled in turn. Commits nothing (MANUAL), as the Kafka
 * side commits nothing either.
 */
final class SluiceConsumerAdapter implements MessageConsumer {
    private final List<Consumer> consumers = new ArrayList<>();
    private int next;

    SluiceConsumerAdapter(String bootstrap, ConsumerSettings settings) {
        String group = "sluice-compare-" + UUID.randomUUID();
        for (String topic : settings.topics()) {
            Consumer consumer = Consumer.create(ConsumerConfig.builder(bootstrap).clientId("sluice-compare-consumer")
                    .group(group + "-" + topic).ackMode(AckMode.MANUAL)
                    .autoOffsetReset(settings.start() == ConsumerSettings.StartPosition.EARLIEST
                            ? OffsetReset.EARLIEST : OffsetReset.LATEST)
                    .build());
            consumer.subscribe(topic);
            consumers.add(consumer);
        }
        if (settings.start() == ConsumerSettings.StartPosition.LATEST) {
            // Join and take positions now, as the Kafka side positions before its constructor returns:
            // nothing is sent yet, so these polls return nothing.
            for (Consumer consumer : consumers) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(100));
                }
            }
        }
    }

    @Override
    public int poll(Duration timeout, Handler handler) {
        Consumer consumer = consumers.get(next);
        next = (next + 1) % consumers.size();
        Duration each = consumers.size() == 1 ? timeout : timeout.dividedBy(consumers.size());
        int count = 0;
        for (ReceivedMessage message : consumer.poll(each)) {
            handler.onMessage(message.topic(), message.queue(), message.value());
            count++;
        }
        return count;
    }

    @Override
    public void close() {
        for (Consumer consumer : consumers) {
            consumer.close();
        }
    }
}
