package dev.sluice.server;

import dev.sluice.protocol.embedded.EmbeddedBroker;
import dev.sluice.protocol.embedded.EmbeddedBrokerProvider;
import dev.sluice.server.config.ConfigException;
import dev.sluice.server.config.ServerConfigs;
import dev.sluice.server.config.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Embedded mode ({@code Sluice.embedded(dir)} in the client): a whole {@link SluiceServer} in the
 * application's JVM, on a free loopback port, with no HTTP listener unless the settings ask for one.
 * Registered for {@link java.util.ServiceLoader}.
 */
public final class EmbeddedServerProvider implements EmbeddedBrokerProvider {
    @Override
    public EmbeddedBroker start(Path dataDir, Map<String, String> settings) {
        Map<String, String> effective = new HashMap<>();
        effective.put("server.port", "0");
        effective.put("http.enabled", "false");
        effective.put("http.port", "0");
        effective.putAll(settings);
        effective.put("data.dir", dataDir.toString());
        ServerConfig config;
        try {
            config = ServerConfigs.from(Settings.load(null, Map.of(), effective));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        SluiceServer server = SluiceServer.start(config);
        return new EmbeddedBroker() {
            @Override
            public String bootstrap() {
                return server.bootstrap();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
