package dev.sluice.client.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The network threads of one client instance (a producer, a consumer or an admin): one Netty
 * event loop, epoll where the native transport loads, else NIO. Its thread is named
 * {@code sluice-client-io-*}.
 *
 * <p>Thread-safe. {@link #close()} stops the thread and waits for it.
 */
public final class ClientIo implements AutoCloseable {
    /** One thread: a client has one connection, and decoding is cheap next to the network. */
    private static final int IO_THREAD_COUNT = 1;
    /** How long {@link #close()} waits for the event loop to finish its tasks. */
    private static final long SHUTDOWN_TIMEOUT_MS = 5_000;

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;

    /** Starts the event loop. */
    public ClientIo() {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(
                IO_THREAD_COUNT, new DefaultThreadFactory("sluice-client-io", true), factory);
        this.channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The event loop group. */
    public EventLoopGroup group() {
        return group;
    }

    /** The socket channel class matching the transport. */
    public Class<? extends SocketChannel> channelClass() {
        return channelClass;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(2 * SHUTDOWN_TIMEOUT_MS);
    }
}
