package dev.sluice.bench.compare.kafka;

import dev.sluice.bench.compare.BrokerProcess;
import dev.sluice.bench.compare.ConsumerSettings;
import dev.sluice.bench.compare.MessageConsumer;
import dev.sluice.bench.compare.MessageProducer;
import dev.sluice.bench.compare.MessagingSystem;
import dev.sluice.bench.compare.ProducerSettings;
import dev.sluice.bench.compare.TopicSpec;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka as a {@link MessagingSystem}: a single-node KRaft broker (broker and controller in
 * one process) started as a child JVM from Kafka's own jars, formatted first with Kafka's storage
 * tool; clients are Kafka's own. {@link dev.sluice.bench.compare.Ack#DURABLE} maps to topics with
 * {@code flush.messages=1} (the broker fsyncs each appended batch before it answers) and acks=1;
 * {@link dev.sluice.bench.compare.Ack#LEADER} to acks=1 and Kafka's default flush policy.
 */
public final class KafkaSystem implements MessagingSystem {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(120);

    private final Path libDirectory;
    private BrokerProcess broker;
    private Path logFile;
    private Admin admin;
    private String bootstrapServers;
    private ProducerSettings lastProducerSettings;
    private String brokerVersion = "?";

    /** @param libDirectory Kafka's runtime jars (sluice-bench-kafka-broker/target/kafka-lib) */
    public KafkaSystem(Path libDirectory) {
        this.libDirectory = libDirectory;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void start(Path dataDir) throws Exception {
        brokerVersion = brokerVersion(libDirectory);
        Files.createDirectories(dataDir);
        int brokerPort = BrokerProcess.freeLoopbackPort();
        int controllerPort = BrokerProcess.freeLoopbackPort();
        Path properties = KafkaBrokerFiles.writeServerProperties(dataDir, dataDir.resolve("kafka-logs"), brokerPort,
                controllerPort);
        Path log4j = KafkaBrokerFiles.writeLog4j(dataDir);
        logFile = dataDir.resolve("broker.log");
        String classpath = libDirectory.toAbsolutePath() + File.separator + "*";
        List<String> toolFlags = List.of("-Xmx256m", "-Dlog4j2.configurationFile=" + log4j.toAbsolutePath());
        BrokerProcess.runTool(toolFlags, classpath, "kafka.tools.StorageTool",
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString()),
                dataDir.resolve("format.log"), Duration.ofSeconds(60));

        List<String> jvmFlags = new ArrayList<>(BrokerProcess.BROKER_JVM_FLAGS);
        jvmFlags.add("-Dlog4j2.configurationFile=" + log4j.toAbsolutePath());
        broker = BrokerProcess.start(name(), jvmFlags, classpath, "kafka.Kafka", List.of(properties.toString()),
                logFile);
        bootstrapServers = "127.0.0.1:" + brokerPort;
        awaitListening(brokerPort);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "sluice-compare-admin"));
        awaitBroker();
    }

    private void awaitBroker() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            broker.checkAlive();
            try {
                if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes()
                        .get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // Not listening yet: the admin call's own timeout paces this loop.
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Kafka broker (pid " + broker.pid() + ") not ready after " + START_TIMEOUT
                        + ": " + BrokerProcess.tail(logFile));
            }
        }
    }

    /** Waits for the broker's port to accept connections, so the admin client does not log refusals. */
    private void awaitListening(int port) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            broker.checkAlive();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("Kafka broker (pid " + broker.pid() + ") not listening on " + port
                            + " after " + START_TIMEOUT + ": " + BrokerProcess.tail(logFile), e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // JVM start-up: seconds, not ms
            }
        }
    }

    @Override
    public void createTopics(List<TopicSpec> topics) throws Exception {
        List<NewTopic> newTopics = new ArrayList<>();
        for (TopicSpec topic : topics) {
            NewTopic newTopic = new NewTopic(topic.name(), topic.queueCount(), (short) 1);
            if (topic.durable()) {
                // Kafka's closest equivalent to fsync-before-ack: flush the log after every append.
                newTopic.configs(Map.of("flush.messages", "1"));
            }
            newTopics.add(newTopic);
        }
        admin.createTopics(newTopics).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        awaitLeaders(topics);
    }

    /**
     * Waits until the broker leads every partition of these topics. The controller answers a create
     * before the broker has opened the partitions' logs; a produce in between fails with
     * NOT_LEADER_OR_FOLLOWER and is retried after a back-off, inside the timed part of a workload.
     * A leader-only request (list offsets) succeeds only once the logs are open.
     */
    private void awaitLeaders(List<TopicSpec> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (TopicSpec topic : topics) {
            for (int queue = 0; queue < topic.queueCount(); queue++) {
                partitions.put(new TopicPartition(topic.name(), queue), OffsetSpec.latest());
            }
        }
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs(10_000)).all()
                        .get(15, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                broker.checkAlive();
                if (System.nanoTime() > deadline) {
                    throw new IOException("partitions of " + topics.size() + " new topics not led after "
                            + ADMIN_TIMEOUT, e);
                }
            }
        }
    }

    @Override
    public void deleteTopics(List<String> topicNames) throws Exception {
        admin.deleteTopics(topicNames).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public MessageProducer newProducer(ProducerSettings settings) {
        lastProducerSettings = settings;
        return new KafkaProducerAdapter(bootstrapServers, settings);
    }

    @Override
    public MessageConsumer newConsumer(ConsumerSettings settings) {
        return new KafkaConsumerAdapter(bootstrapServers, settings);
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
        lines.add("Apache Kafka " + brokerVersion + " (kafka_2.13 from Maven Central), single-node KRaft on 127.0.0.1,"
                + " child JVM " + String.join(" ", BrokerProcess.BROKER_JVM_FLAGS) + ", otherwise JDK "
                + System.getProperty("java.version") + " defaults (G1)");
        lines.add("broker: " + String.join("; ", KafkaBrokerFiles.NON_DEFAULT_SETTINGS));
        lines.add("LEADER = acks=1; DURABLE = acks=1 and topic flush.messages=1 (fsync of each appended batch "
                + "before the answer)");
        if (lastProducerSettings != null) {
            lines.addAll(KafkaProducerAdapter.settingsSummary(lastProducerSettings));
        }
        lines.addAll(KafkaConsumerAdapter.settingsSummary());
        return lines;
    }

    @Override
    public synchronized void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        if (broker != null) {
            broker.stop(Duration.ofSeconds(30));
        }
    }

    /** The version of the broker jar in {@code libDirectory} ({@code kafka_2.13-VERSION.jar}). */
    private static String brokerVersion(Path libDirectory) throws IOException {
        String prefix = "kafka_2.13-";
        if (Files.isDirectory(libDirectory)) {
            try (Stream<Path> files = Files.list(libDirectory)) {
                Optional<String> jar = files.map(path -> path.getFileName().toString())
                        .filter(name -> name.startsWith(prefix) && name.endsWith(".jar")).findFirst();
                if (jar.isPresent()) {
                    return jar.get().substring(prefix.length(), jar.get().length() - ".jar".length());
                }
            }
        }
        throw new IOException("no Kafka broker jar (" + prefix + "*.jar) in " + libDirectory.toAbsolutePath()
                + "; build it with ./mvnw -DskipTests -pl sluice-bench -am package");
    }
}
