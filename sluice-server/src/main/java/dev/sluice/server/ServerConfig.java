package dev.sluice.server;

import dev.sluice.broker.BrokerConfig;
import java.util.Objects;

/**
 * Settings of the broker process's listeners, with the broker's own config. Built from
 * {@link dev.sluice.server.config.Settings} by {@link dev.sluice.server.config.ServerConfigs}, or
 * directly in tests and embedded mode.
 *
 * @param host address the native listener binds
 * @param port its port; 0 picks a free one
 * @param transport {@code auto}, {@code epoll} or {@code nio}
 * @param ioThreads network threads; 0: one per core
 * @param frameBytesMax largest frame a client may send
 * @param inFlightRequestsMax requests of one connection being worked on before the broker stops reading it
 * @param subscriptionsMax push subscriptions per connection
 * @param shutdownTimeoutMs how long a graceful close waits for requests in flight
 * @param httpEnabled whether to serve /metrics and /health
 * @param httpHost address the HTTP listener binds
 * @param httpPort its port; 0 picks a free one
 * @param broker the broker core's config (storage, topics, groups)
 */
public record ServerConfig(
        String host,
        int port,
        String transport,
        int ioThreads,
        int frameBytesMax,
        int inFlightRequestsMax,
        int subscriptionsMax,
        long shutdownTimeoutMs,
        boolean httpEnabled,
        String httpHost,
        int httpPort,
        BrokerConfig broker) {

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(broker, "broker");
        check(port >= 0 && port <= 65_535, "port", port);
        check(httpPort >= 0 && httpPort <= 65_535, "httpPort", httpPort);
        check(ioThreads >= 0, "ioThreads", ioThreads);
        check(frameBytesMax >= 1_024, "frameBytesMax", frameBytesMax);
        check(frameBytesMax >= broker.storage().batchBytesMax() + 1_024L, "frameBytesMax (must exceed batchBytesMax by 1,024)",
                frameBytesMax);
        check(inFlightRequestsMax >= 1, "inFlightRequestsMax", inFlightRequestsMax);
        check(subscriptionsMax >= 1, "subscriptionsMax", subscriptionsMax);
        check(shutdownTimeoutMs >= 0, "shutdownTimeoutMs", shutdownTimeoutMs);
    }

    /** Defaults for a broker in {@code broker}'s data directory, listening on free loopback ports (tests, embedded mode). */
    public static ServerConfig loopback(BrokerConfig broker) {
        return new ServerConfig("127.0.0.1", 0, "auto", 2, 16 << 20, 1_024, 1_024, 5_000, true, "127.0.0.1", 0, broker);
    }

    /** A copy without the HTTP listener. */
    public ServerConfig withoutHttp() {
        return new ServerConfig(host, port, transport, ioThreads, frameBytesMax, inFlightRequestsMax, subscriptionsMax,
                shutdownTimeoutMs, false, httpHost, httpPort, broker);
    }

    private static void check(boolean condition, String field, long value) {
        if (!condition) {
            throw new IllegalArgumentException("server config " + field + " out of range: " + value);
        }
    }
}
