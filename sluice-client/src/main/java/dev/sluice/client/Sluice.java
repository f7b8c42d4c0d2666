package dev.sluice.client;

import dev.sluice.protocol.embedded.EmbeddedBroker;
import dev.sluice.protocol.embedded.EmbeddedBrokerProvider;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/** Entry points that are not tied to one client type. Stateless. */
public final class Sluice {
    private Sluice() {}

    /**
     * Starts a whole broker in this JVM, keeping its data in {@code dataDir}, with default
     * settings. Clients reach it over loopback TCP, exactly as a remote broker.
     *
     * @throws IllegalStateException if no broker implementation is on the classpath
     */
    public static EmbeddedSluice embedded(Path dataDir) {
        return embedded(dataDir, Map.of());
    }

    /**
     * As {@link #embedded(Path)}, with broker settings by their configuration keys
     * ({@code docs/configuration.md}), e.g. {@code Map.of("topics.autoCreate", "false")}.
     *
     * @throws IllegalArgumentException if a setting is unknown or invalid
     * @throws IllegalStateException if no broker implementation is on the classpath
     */
    public static EmbeddedSluice embedded(Path dataDir, Map<String, String> settings) {
        Objects.requireNonNull(dataDir, "dataDir");
        Map<String, String> copy = Map.copyOf(settings);
        Iterator<EmbeddedBrokerProvider> providers = ServiceLoader.load(EmbeddedBrokerProvider.class).iterator();
        if (!providers.hasNext()) {
            throw new IllegalStateException("no embedded broker found: add dev.sluice:sluice-server to the classpath "
                    + "for embedded mode");
        }
        EmbeddedBroker broker = providers.next().start(dataDir, copy);
        return new EmbeddedSluice(broker);
    }
}
