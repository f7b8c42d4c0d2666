package dev.sluice.server.internal;

import dev.sluice.broker.Broker;
import dev.sluice.protocol.FrameDecoder;
import dev.sluice.server.ServerConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sets up each native-protocol connection (frame decoder, then a {@link NativeConnection}) and
 * tracks them all for a graceful shutdown: {@link #drain} refuses new requests, waits for the
 * requests in flight (parked fetches excepted: the broker answers those when it closes), then
 * closes every connection. Thread-safe.
 */
@ChannelHandler.Sharable
public final class NativeChannelInitializer extends ChannelInitializer<Channel> {
    private final ServerConfig config;
    private final Broker broker;
    private final ServerMetrics metrics;
    private final RequestHandler handler;
    private final ChannelGroup channels = new DefaultChannelGroup("sluice-native", GlobalEventExecutor.INSTANCE);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private long requestsInFlight;

    public NativeChannelInitializer(ServerConfig config, Broker broker, ServerMetrics metrics) {
        this.config = config;
        this.broker = broker;
        this.metrics = metrics;
        this.handler = new RequestHandler(broker, config.frameBytesMax());
    }

    @Override
    protected void initChannel(Channel channel) {
        channels.add(channel);
        channel.pipeline().addLast("frames", new FrameDecoder(config.frameBytesMax()));
        channel.pipeline().addLast("requests", new NativeConnection(this, handler, broker, metrics,
                config.inFlightRequestsMax(), config.subscriptionsMax(), config.frameBytesMax()));
    }

    boolean closing() {
        return closing.get();
    }

    void requestStarted() {
        lock.lock();
        try {
            requestsInFlight++;
        } finally {
            lock.unlock();
        }
    }

    void requestFinished() {
        lock.lock();
        try {
            requestsInFlight--;
            if (requestsInFlight == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new requests ({@code SHUTTING_DOWN}), waits up to {@code timeoutMs} for those in
     * flight, then closes every connection.
     */
    public void drain(long timeoutMs) {
        closing.set(true);
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lock();
        try {
            long leftNs = deadlineNs - System.nanoTime();
            while (requestsInFlight > 0 && leftNs > 0) {
                leftNs = idle.awaitNanos(leftNs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        channels.close().awaitUninterruptibly(timeoutMs + 1_000);
    }
}
