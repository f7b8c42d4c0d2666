package dev.sluice.server;

import dev.sluice.broker.Broker;
import dev.sluice.server.internal.HttpHandler;
import dev.sluice.server.internal.NativeChannelInitializer;
import dev.sluice.server.internal.ServerMetrics;
import dev.sluice.server.internal.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker process: opens the {@link Broker} (recovering its data after a crash), then serves the
 * native protocol ({@code docs/protocol.md}) and HTTP ({@code /metrics}, {@code /health}).
 *
 * <p>{@link #close()} is graceful: it stops accepting connections, answers new requests with
 * {@code SHUTTING_DOWN}, waits up to {@code shutdownTimeoutMs} for requests in flight, closes the
 * connections, then checkpoints and closes the broker. Thread-safe.
 */
public final class SluiceServer implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(SluiceServer.class);
    /** Outbound bytes queued on one connection before it counts as not writable (push subscriptions pause). */
    static final int WRITE_BUFFER_HIGH_BYTES = 4 << 20;
    static final int WRITE_BUFFER_LOW_BYTES = 1 << 20;

    private final ServerConfig config;
    private final Broker broker;
    private final ServerMetrics metrics;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final NativeChannelInitializer nativeInitializer;
    private final Channel nativeChannel;
    private final Channel httpChannel;
    private final Transport transport;
    private boolean closed;

    private SluiceServer(ServerConfig config, Broker broker) throws InterruptedException {
        this.config = config;
        this.broker = broker;
        this.transport = Transport.select(config.transport());
        this.metrics = new ServerMetrics(broker);
        this.acceptGroup = transport.newGroup("accept", 1);
        this.ioGroup = transport.newGroup("io", config.ioThreads());
        this.nativeInitializer = new NativeChannelInitializer(config, broker, metrics);
        Channel nativeBound = null;
        Channel httpBound = null;
        try {
            nativeBound = new ServerBootstrap()
                    .group(acceptGroup, ioGroup)
                    .channel(transport.serverChannelClass())
                    .option(ChannelOption.SO_BACKLOG, 1_024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(WRITE_BUFFER_LOW_BYTES, WRITE_BUFFER_HIGH_BYTES))
                    .childHandler(nativeInitializer)
                    .bind(config.host(), config.port()).sync().channel();
            if (config.httpEnabled()) {
                httpBound = new ServerBootstrap()
                        .group(acceptGroup, ioGroup)
                        .channel(transport.serverChannelClass())
                        .childHandler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel channel) {
                                channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                        new HttpHandler(metrics::scrape, this::healthProblem));
                            }

                            private String healthProblem() {
                                return SluiceServer.this.healthProblem();
                            }
                        })
                        .bind(config.httpHost(), config.httpPort()).sync().channel();
            }
        } catch (InterruptedException | RuntimeException e) {
            if (nativeBound != null) {
                nativeBound.close();
            }
            shutdownGroups();
            metrics.close();
            throw e;
        }
        this.nativeChannel = nativeBound;
        this.httpChannel = httpBound;
    }

    /**
     * Opens the broker and binds the listeners.
     *
     * @throws dev.sluice.storage.StorageLockedException when another broker has the data directory
     * @throws RuntimeException when a port cannot be bound (the broker is closed again)
     */
    public static SluiceServer start(ServerConfig config) {
        Broker broker = Broker.open(config.broker());
        try {
            SluiceServer server = new SluiceServer(config, broker);
            LOGGER.info("Sluice started: native={} http={} transport={} dataDir={}", server.nativeAddress(),
                    server.httpAddress(), server.transport.name(), config.broker().storage().directory().toAbsolutePath());
            return server;
        } catch (InterruptedException e) {
            broker.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the listeners", e);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** Where the native listener is bound (the port is the real one when 0 was asked for). */
    public InetSocketAddress nativeAddress() {
        return (InetSocketAddress) nativeChannel.localAddress();
    }

    /** Where the HTTP listener is bound, or null when it is off. */
    public InetSocketAddress httpAddress() {
        return httpChannel == null ? null : (InetSocketAddress) httpChannel.localAddress();
    }

    /** {@code host:port} of the native listener, as clients take it. */
    public String bootstrap() {
        InetSocketAddress address = nativeAddress();
        return address.getHostString() + ":" + address.getPort();
    }

    public Broker broker() {
        return broker;
    }

    public ServerConfig config() {
        return config;
    }

    /** Null when healthy, else why not: the commit log FAILED, or the server is stopping. */
    public String healthProblem() {
        synchronized (this) {
            if (closed) {
                return "the broker is shutting down";
            }
        }
        dev.sluice.broker.BrokerHealth health = broker.health();
        return health.ok() ? null : health.status() + ": " + health.failureMessage();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        LOGGER.info("Sluice stopping: waiting up to {} ms for requests in flight", config.shutdownTimeoutMs());
        nativeChannel.close().syncUninterruptibly();
        if (httpChannel != null) {
            httpChannel.close().syncUninterruptibly();
        }
        nativeInitializer.drain(config.shutdownTimeoutMs());
        broker.close();
        shutdownGroups();
        metrics.close();
        LOGGER.info("Sluice stopped");
    }

    private void shutdownGroups() {
        acceptGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
