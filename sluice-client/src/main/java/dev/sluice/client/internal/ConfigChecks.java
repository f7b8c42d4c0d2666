package dev.sluice.client.internal;

import java.util.Objects;

/** Checks shared by the client's config records; each failure names the setting and the value. */
public final class ConfigChecks {
    /** The longest host name DNS allows. */
    private static final int HOST_LENGTH_MAX = 253;
    private static final int PORT_MAX = 65_535;

    private ConfigChecks() {}

    /** {@code value} must lie in {@code [min, max]}. */
    public static void checkRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(String.format("%s %,d must be between %,d and %,d", name, value, min, max));
        }
    }

    /** {@code bootstrap} must be {@code host:port}. */
    public static void checkBootstrap(String bootstrap) {
        Objects.requireNonNull(bootstrap, "bootstrap");
        BrokerAddress.parse(bootstrap);
    }

    /** Whether {@code host} is a plausible host name or address (no port, no spaces). */
    static boolean plausibleHost(String host) {
        return !host.isEmpty() && host.length() <= HOST_LENGTH_MAX && host.chars().noneMatch(Character::isWhitespace);
    }

    /** Whether {@code port} is a TCP port. */
    static boolean validPort(int port) {
        return port > 0 && port <= PORT_MAX;
    }
}
