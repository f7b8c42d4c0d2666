package dev.sluice.client.internal;

/**
 * A broker's {@code host:port}, parsed from a bootstrap string. Immutable.
 *
 * @param host a host name or an IPv4 address, or an IPv6 address without brackets
 * @param port the TCP port
 */
public record BrokerAddress(String host, int port) {

    /**
     * Parses {@code host:port} ({@code [v6addr]:port} for IPv6).
     *
     * @throws IllegalArgumentException naming the string when it is not of that form
     */
    public static BrokerAddress parse(String bootstrap) {
        String text = bootstrap.trim();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("bootstrap '" + bootstrap + "' must be host:port, e.g. 127.0.0.1:7420");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bootstrap '" + bootstrap + "' has no numeric port", e);
        }
        if (!ConfigChecks.plausibleHost(host) || !ConfigChecks.validPort(port)) {
            throw new IllegalArgumentException(
                    "bootstrap '" + bootstrap + "' must be host:port with a port from 1 to 65535");
        }
        return new BrokerAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
