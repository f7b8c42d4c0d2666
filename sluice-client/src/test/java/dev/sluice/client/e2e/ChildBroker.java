package dev.sluice.client.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A broker for a child JVM ({@code dev.sluice.testsupport.ChildJvm}): {@code ChildBroker <dataDir>
 * <port>} starts a server on that port (0: a free one) and data directory, prints
 * {@value #BOOTSTRAP_PREFIX}{@code host:port}, and runs until its stdin ends (the parent closed
 * it, or died), or until it is killed.
 */
public final class ChildBroker {
    static final String BOOTSTRAP_PREFIX = "BOOTSTRAP ";

    private ChildBroker() {}

    public static void main(String[] args) throws IOException {
        try (TestServer server = TestServer.start(Path.of(args[0]), Integer.parseInt(args[1]), Map.of())) {
            System.out.println(BOOTSTRAP_PREFIX + server.bootstrap());
            while (System.in.read() >= 0) {
                // Nothing to do: the parent never writes; end of stdin ends the broker.
            }
        }
    }
}
