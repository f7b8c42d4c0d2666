package dev.sluice.cli;

import dev.sluice.server.ServerConfig;
import dev.sluice.server.SluiceServer;
import dev.sluice.server.config.ServerConfigs;
import dev.sluice.server.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice server}: runs a broker until SIGTERM or Ctrl-C, then shuts down gracefully
 * (flushes and closes the log). Prints one line when it is ready, for scripts and tests:
 * {@code Sluice is ready: native 127.0.0.1:7700, http 127.0.0.1:7701, data ./sluice-data}.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Start a broker. Settings: defaults < --config file < SLUICE_* environment < options here "
                + "(see docs/configuration.md).")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of settings.")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (data.dir; default ./sluice-data).")
    String dataDir;

    @Option(names = "--port", description = "Native protocol port (server.port; default 7700; 0 picks a free one).")
    Integer port;

    @Option(names = "--http-port", description = "HTTP port for /metrics and /health (http.port; default 7701).")
    Integer httpPort;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting, e.g. --set storage.flushPolicy=sync.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> overrides = new LinkedHashMap<>(settings);
        if (dataDir != null) {
            overrides.put("data.dir", dataDir);
        }
        if (port != null) {
            overrides.put("server.port", port.toString());
        }
        if (httpPort != null) {
            overrides.put("http.port", httpPort.toString());
        }
        ServerConfig config = ServerConfigs.from(Settings.load(configFile, System.getenv(), overrides));
        SluiceServer server = SluiceServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "sluice-shutdown"));
        System.out.println("Sluice is ready: native " + server.bootstrap()
                + (server.httpAddress() == null ? "" : ", http " + server.httpAddress().getHostString() + ":"
                        + server.httpAddress().getPort())
                + ", data " + config.broker().storage().directory());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
