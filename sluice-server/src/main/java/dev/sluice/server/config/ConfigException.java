package dev.sluice.server.config;

/**
 * A configuration value that cannot be used. The message names the key, where it came from (file
 * and line, or environment variable) and the rule it broke, for example
 * {@code storage.segmentBytes = "12x" in /etc/sluice.properties: not a size (use 1073741824, 1g, 512m)}.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
