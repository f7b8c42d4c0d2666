package dev.sluice.guarantees;

import dev.sluice.server.SluiceServer;
import dev.sluice.server.config.ServerConfigs;
import dev.sluice.server.config.Settings;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A broker for a child JVM that a test kills with {@code kill -9}: {@code ChildBroker <dataDir>
 * <port>} starts a {@link SluiceServer} on 127.0.0.1 at that port (0: a free one) with that data
 * directory and default storage settings, prints {@value #BOOTSTRAP_PREFIX}{@code host:port}, and
 * runs until its stdin ends (the parent closed it or died: then it shuts down gracefully) or it is
 * killed.
 */
public final class ChildBroker {
    /** The prefix of the line that says where the broker listens. */
    static final String BOOTSTRAP_PREFIX = "BOOTSTRAP ";

    private ChildBroker() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("server.host", "127.0.0.1");
        settings.put("server.port", args[1]);
        settings.put("data.dir", args[0]);
        settings.put("http.enabled", "false");
        settings.put("server.ioThreads", "2");
        settings.put("server.shutdownTimeout", "1s");
        try (SluiceServer server = SluiceServer.start(ServerConfigs.from(Settings.load(null, Map.of(), settings)))) {
            System.out.println(BOOTSTRAP_PREFIX + server.bootstrap());
            while (System.in.read() >= 0) {
                // The parent never writes: end of stdin ends the broker.
            }
        }
    }
}
