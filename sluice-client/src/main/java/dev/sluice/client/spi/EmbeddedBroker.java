package dev.sluice.client.spi;

/**
 * A broker running inside this JVM, started by an {@link EmbeddedBrokerProvider}: it listens on
 * a loopback TCP port for the native protocol, so clients reach it exactly as they reach a
 * remote broker.
 *
 * <p>Implementations must be thread-safe; {@link #close()} is idempotent.
 */
public interface EmbeddedBroker extends AutoCloseable {

    /**
     * Where clients connect: {@code "host:port"}, e.g. {@code "127.0.0.1:41234"}. Valid from the
     * moment {@link EmbeddedBrokerProvider#start} returns until {@link #close()}.
     */
    String bootstrap();

    /**
     * Stops the listener, closes every client connection, flushes and closes the storage, and
     * ends every thread the broker started. Idempotent; returns when all of that is done.
     */
    @Override
    void close();
}
