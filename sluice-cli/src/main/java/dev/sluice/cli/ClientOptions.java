package dev.sluice.cli;

import dev.sluice.client.Admin;
import picocli.CommandLine.Option;

/** The broker address every client command takes: {@code --bootstrap}, else {@code $SLUICE_BOOTSTRAP}, else 127.0.0.1:7700. */
final class ClientOptions {
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:7700";

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT",
            description = "Broker address (default: $SLUICE_BOOTSTRAP, else " + DEFAULT_BOOTSTRAP + ").")
    String bootstrap;

    /** An admin client for the broker; the caller closes it. */
    Admin admin() {
        return Admin.create(bootstrap());
    }

    String bootstrap() {
        if (bootstrap != null) {
            return bootstrap;
        }
        String fromEnvironment = System.getenv("SLUICE_BOOTSTRAP");
        return fromEnvironment == null || fromEnvironment.isBlank() ? DEFAULT_BOOTSTRAP : fromEnvironment;
    }
}
