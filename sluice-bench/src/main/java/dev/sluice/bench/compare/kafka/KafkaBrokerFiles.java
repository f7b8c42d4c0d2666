package dev.sluice.bench.compare.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files a single-node KRaft broker is started from: {@code server.properties} (broker and
 * controller in one process, on 127.0.0.1, one replica of everything) and a log4j2 configuration
 * that keeps warnings and errors only.
 */
final class KafkaBrokerFiles {
    private KafkaBrokerFiles() {}

    /** Broker settings that differ from Kafka's defaults, for the report. */
    static final List<String> NON_DEFAULT_SETTINGS = List.of(
            "process.roles=broker,controller (single node, KRaft)",
            "offsets/transaction/share-state topics: replication factor 1",
            "auto.create.topics.enable=false",
            "file.delete.delay.ms=1000 (deleted workload topics leave the disk quickly)",
            "no log.flush.* settings: Kafka's default (no fsync before ack)");

    static Path writeServerProperties(Path dir, Path logDir, int brokerPort, int controllerPort)
            throws IOException {
        String properties = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logDir.toAbsolutePath(),
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "auto.create.topics.enable=false",
                "file.delete.delay.ms=1000",
                "");
        Path file = dir.resolve("server.properties");
        Files.writeString(file, properties);
        return file;
    }

    static Path writeLog4j(Path dir) throws IOException {
        String config = String.join("\n",
                "status = warn",
                "appender.console.type = Console",
                "appender.console.name = STDOUT",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = warn",
                "rootLogger.appenderRef.console.ref = STDOUT",
                "");
        Path file = dir.resolve("log4j2.properties");
        Files.writeString(file, config);
        return file;
    }
}
