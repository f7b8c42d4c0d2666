package dev.sluice.bench.compare.sluice;

import dev.sluice.bench.compare.BrokerProcess;
import dev.sluice.bench.compare.ConsumerSettings;
import dev.sluice.bench.compare.MessageConsumer;
import dev.sluice.bench.compare.MessageProducer;
import dev.sluice.bench.compare.MessagingSystem;
import dev.sluice.bench.compare.ProducerSettings;
import dev.sluice.bench.compare.TopicSpec;
import dev.sluice.client.Admin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sluice in the comparison: the broker is {@code sluice server} from the packaged
 * {@code sluice-cli/target/sluice.jar}, in a child JVM with the same heap as Kafka's, on its
 * defaults (async flush: durable acks ask for an fsync per request, group-committed); the
 * clients are Sluice's own Java client.
 */
public final class SluiceSystem implements MessagingSystem {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path jar;
    private BrokerProcess broker;
    private Path logFile;
    private String bootstrap;
    private Admin admin;
    private ProducerSettings lastProducerSettings;

    public SluiceSystem(Path jar) {
        this.jar = jar;
    }

    @Override
    public String name() {
        return "sluice";
    }

    @Override
    public void start(Path dataDir) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no Sluice jar at " + jar.toAbsolutePath() + ": build it with "
                    + "./mvnw -DskipTests -pl sluice-cli -am package (bin/sluice-compare does)");
        }
        Files.createDirectories(dataDir);
        int port = BrokerProcess.freeLoopbackPort();
        logFile = dataDir.resolve("broker.log");
        broker = BrokerProcess.start(name(), BrokerProcess.BROKER_JVM_FLAGS, jar.toAbsolutePath().toString(),
                "dev.sluice.cli.SluiceCommand",
                List.of("server", "--data-dir", dataDir.resolve("data").toString(), "--port", Integer.toString(port),
                        "--http-port", "0"),
                logFile);
        bootstrap = "127.0.0.1:" + port;
        awaitReady();
        admin = Admin.create(bootstrap);
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            broker.checkAlive();
            if (Files.exists(logFile) && Files.readString(logFile, StandardCharsets.UTF_8).contains("Sluice is ready")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Sluice broker (pid " + broker.pid() + ") not ready after " + START_TIMEOUT + ": "
                        + BrokerProcess.tail(logFile));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // JVM start-up and recovery: seconds, not ms
        }
    }

    @Override
    public void createTopics(List<TopicSpec> topics) {
        for (TopicSpec topic : topics) {
            // A durable topic fsyncs every append before acking (group commit), Kafka's flush.messages=1 counterpart.
            admin.createTopic(topic.name(), topic.queueCount(), -1,
                    topic.durable() ? Admin.FlushPolicy.SYNC : Admin.FlushPolicy.BROKER_DEFAULT);
        }
    }

    @Override
    public void deleteTopics(List<String> topicNames) {
        for (String topic : topicNames) {
            admin.deleteTopic(topic);
        }
    }

    @Override
    public MessageProducer newProducer(ProducerSettings settings) {
        lastProducerSettings = settings;
        return new SluiceProducerAdapter(bootstrap, settings);
    }

    @Override
    public MessageConsumer newConsumer(ConsumerSettings settings) {
        return new SluiceConsumerAdapter(bootstrap, settings);
    }

    @Override
    public long brokerPeakRssBytes() {
        return broker == null ? -1 : broker.peakRssBytes();
    }

    @Override
    public void resetBrokerPeakRss() {
        if (broker != null) {
            broker.resetPeakRss();
        }
    }

    @Override
    public List<String> settingsSummary() {
        List<String> lines = new ArrayList<>();
        lines.add("broker: sluice server on its defaults (storage.flushPolicy=async), JVM " + BrokerProcess.BROKER_JVM_FLAGS);
        lines.add("durable topics: flush policy sync (every append waits for a group-committed fsync), "
                + "producer acks=DURABLE");
        if (lastProducerSettings != null) {
            lines.add(SluiceProducerAdapter.settingsSummary(lastProducerSettings));
        }
        return lines;
    }

    @Override
    public void stop() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (broker != null) {
            broker.stop(Duration.ofSeconds(30));
            broker = null;
        }
    }
}
