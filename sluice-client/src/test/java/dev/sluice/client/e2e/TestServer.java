package dev.sluice.client.e2e;

import dev.sluice.broker.BrokerHealth;
import dev.sluice.server.ServerConfig;
import dev.sluice.server.SluiceServer;
import dev.sluice.server.config.ServerConfigs;
import dev.sluice.server.config.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link SluiceServer} in this JVM that a test can stop and start again on the same port and
 * data directory (a broker restart as clients see it), and whose broker counters it can read.
 */
final class TestServer implements AutoCloseable {
    private final ServerConfig config;
    private final int port;
    private SluiceServer server;

    private TestServer(ServerConfig config) {
        this.config = config;
        this.server = SluiceServer.start(config);
        this.port = server.nativeAddress().getPort();
    }

    /** A server on a free loopback port; {@code settings} as in {@code docs/configuration.md}. */
    static TestServer start(Path dataDir, Map<String, String> settings) {
        return start(dataDir, 0, settings);
    }

    /** A server on {@code port} (0: a free one). */
    static TestServer start(Path dataDir, int port, Map<String, String> settings) {
        Map<String, String> effective = new HashMap<>();
        effective.put("http.enabled", "false");
        effective.put("server.ioThreads", "2");
        effective.put("server.shutdownTimeout", "1s");
        effective.putAll(settings);
        effective.put("server.port", Integer.toString(port));
        effective.put("data.dir", dataDir.toString());
        return new TestServer(ServerConfigs.from(Settings.load(null, Map.of(), effective)));
    }

    String bootstrap() {
        return server.bootstrap();
    }

    BrokerHealth health() {
        return server.broker().health();
    }

    /** The sum of the topic's queues' end offsets: how many records it ever stored. */
    long endOffsetSum(String topic) {
        return server.broker().describeTopic(topic).queues().stream()
                .mapToLong(dev.sluice.broker.QueueOffsets::endOffset).sum();
    }

    /** Stops the server (gracefully: clients see their connections close). */
    void stop() {
        server.close();
    }

    /** Starts it again on the same port and data directory. */
    void startAgain() {
        ServerConfig samePort = new ServerConfig(config.host(), port, config.transport(),
                config.ioThreads(), config.frameBytesMax(), config.inFlightRequestsMax(), config.subscriptionsMax(),
                config.shutdownTimeoutMs(), false, config.httpHost(), config.httpPort(), config.broker());
        server = SluiceServer.start(samePort);
    }

    @Override
    public void close() {
        server.close();
    }
}
