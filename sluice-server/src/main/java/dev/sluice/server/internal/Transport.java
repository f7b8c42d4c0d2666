package dev.sluice.server.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The Netty transport the listeners use: epoll on Linux where its native library loads, else NIO. */
public record Transport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannelClass) {

    /**
     * Picks the transport.
     *
     * @param requested {@code auto}, {@code epoll} or {@code nio}
     * @throws IllegalStateException when epoll is asked for and is not available (with Netty's reason)
     */
    public static Transport select(String requested) {
        boolean epoll = switch (requested) {
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("server.transport = epoll, but epoll is not available here: "
                            + Epoll.unavailabilityCause());
                }
                yield true;
            }
            case "nio" -> false;
            default -> Epoll.isAvailable();
        };
        return epoll
                ? new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class)
                : new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }

    /** A group of {@code threads} event loops (0: Netty's default, two per core) named {@code sluice-<name>-N}. */
    public EventLoopGroup newGroup(String name, int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("sluice-" + name, true), ioHandlerFactory);
    }
}
