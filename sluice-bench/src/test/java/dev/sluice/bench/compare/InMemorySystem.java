package dev.sluice.bench.compare;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A broker-less {@link MessagingSystem} for testing the harness: topics are lists in this JVM,
 * sends complete at once, consumers read the lists. Also the smallest example of the interface.
 */
final class InMemorySystem implements MessagingSystem {
    private final Map<String, List<List<byte[]>>> topics = new ConcurrentHashMap<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    private boolean started;

    @Override
    public String name() {
        return "kafka"; // stands in for the baseline column
    }

    @Override
    public void start(Path dataDir) {
        started = true;
    }

    @Override
    public void createTopics(List<TopicSpec> specs) {
        for (TopicSpec spec : specs) {
            List<List<byte[]>> queues = new ArrayList<>();
            for (int i = 0; i < spec.queueCount(); i++) {
                queues.add(new CopyOnWriteArrayList<>());
            }
            topics.put(spec.name(), queues);
        }
    }

    @Override
    public void deleteTopics(List<String> topicNames) {
        topicNames.forEach(topics::remove);
        deleted.addAll(topicNames);
    }

    @Override
    public MessageProducer newProducer(ProducerSettings settings) {
        return new MessageProducer() {
            @Override
            public void prepare(List<String> names) {
                names.forEach(name -> {
                    if (!topics.containsKey(name)) {
                        throw new IllegalStateException("no topic " + name);
                    }
                });
            }

            @Override
            public void send(String topic, int queue, byte[] value, Completion completion) {
                topics.get(topic).get(queue).add(value.clone());
                completion.onComplete(null);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
    }

    @Override
    public MessageConsumer newConsumer(ConsumerSettings settings) {
        int[][] positions = new int[settings.topics().size()][];
        for (int t = 0; t < positions.length; t++) {
            List<List<byte[]>> queues = topics.get(settings.topics().get(t));
            positions[t] = new int[queues.size()];
            for (int q = 0; q < queues.size(); q++) {
                positions[t][q] = settings.start() == ConsumerSettings.StartPosition.EARLIEST ? 0 : queues.get(q).size();
            }
        }
        return new MessageConsumer() {
            @Override
            public int poll(Duration timeout, Handler handler) {
                int count = 0;
                for (int t = 0; t < positions.length; t++) {
                    String topic = settings.topics().get(t);
                    List<List<byte[]>> queues = topics.get(topic);
                    for (int q = 0; q < queues.size(); q++) {
                        while (positions[t][q] < queues.get(q).size()) {
                            handler.onMessage(topic, q, queues.get(q).get(positions[t][q]++));
                            count++;
                        }
                    }
                }
                return count;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public long brokerPeakRssBytes() {
        return 1L << 20;
    }

    @Override
    public void resetBrokerPeakRss() {}

    @Override
    public List<String> settingsSummary() {
        return List.of("in memory");
    }

    @Override
    public void stop() {
        started = false;
    }

    boolean started() {
        return started;
    }

    int topicCount() {
        return topics.size();
    }
}
