package dev.sluice.client.spi;

import java.nio.file.Path;
import java.util.Map;

/**
 * Starts a broker inside this JVM for {@code dev.sluice.client.Sluice#embedded}. The client does
 * not depend on broker code: the server module ({@code dev.sluice:sluice-server}) implements
 * this interface and registers it for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/dev.sluice.client.spi.EmbeddedBrokerProvider}. The first provider
 * found is used.
 *
 * <p>Implementations must have a public no-argument constructor and be thread-safe.
 */
public interface EmbeddedBrokerProvider {

    /**
     * Starts a broker that keeps its data under {@code dataDir} and listens on an ephemeral
     * loopback port (unless the settings choose one), and returns once it accepts connections.
     *
     * @param dataDir the broker's data directory; created if missing. Data already there is
     *     recovered, so an embedded broker can be restarted over the same directory.
     * @param settings broker settings by their configuration keys (as in
     *     {@code docs/configuration.md}, e.g. {@code "topics.autoCreate" -> "false"}); keys not
     *     given take their defaults. Never {@code null}.
     * @return the running broker
     * @throws IllegalArgumentException if a setting is unknown or its value is invalid, naming it
     * @throws java.io.UncheckedIOException if the data directory or the port cannot be opened
     */
    EmbeddedBroker start(Path dataDir, Map<String, String> settings);
}
