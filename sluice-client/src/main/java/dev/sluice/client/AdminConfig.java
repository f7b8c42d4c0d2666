package dev.sluice.client;

import static dev.sluice.client.internal.ConfigChecks.checkBootstrap;
import static dev.sluice.client.internal.ConfigChecks.checkRange;

import java.util.Objects;

/**
 * The settings of an {@link Admin}, validated when built. Immutable and thread-safe.
 *
 * @param bootstrap the broker's {@code host:port}
 * @param clientId a name for this client in the broker's logs
 * @param requestTimeoutMs how long one request waits for its answer
 */
public record AdminConfig(String bootstrap, String clientId, int requestTimeoutMs) {
    /** The longest {@code requestTimeoutMs}. */
    public static final int REQUEST_TIMEOUT_MS_MAX = 24 * 60 * 60 * 1000;
    /** The default {@code requestTimeoutMs}. */
    public static final int REQUEST_TIMEOUT_MS_DEFAULT = 30_000;

    /** Checks every setting. */
    public AdminConfig {
        checkBootstrap(bootstrap);
        Objects.requireNonNull(clientId, "clientId");
        checkRange("requestTimeoutMs", requestTimeoutMs, 1, REQUEST_TIMEOUT_MS_MAX);
    }

    /** Defaults (client id {@code "sluice-admin"}, 30 s requests) for the broker at {@code bootstrap}. */
    public static AdminConfig of(String bootstrap) {
        return new AdminConfig(bootstrap, "sluice-admin", REQUEST_TIMEOUT_MS_DEFAULT);
    }
}
