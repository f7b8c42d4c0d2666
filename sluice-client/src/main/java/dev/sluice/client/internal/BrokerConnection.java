package dev.sluice.client.internal;

import dev.sluice.client.ConnectionException;
import dev.sluice.client.SluiceException;
import dev.sluice.client.SluiceTimeoutException;
import dev.sluice.protocol.ApiVersionsRequest;
import dev.sluice.protocol.ApiVersionsResponse;
import dev.sluice.protocol.FrameDecoder;
import dev.sluice.protocol.Frames;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.Response;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's connection to one broker: pipelined requests matched to their responses by
 * correlation id (answers may come in any order), a timeout per request, and push frames
 * handed to a {@link PushSink}.
 *
 * <p>Connects lazily, on the first request. When the connection is lost, every request waiting
 * for an answer fails with a (retriable) {@link ConnectionException}, and the next request
 * reconnects, no sooner than an exponential back-off after the last failed attempt. A failed
 * connect fails the request that asked for it; callers retry with their own policy.
 *
 * <p>Each new connection first sends API_VERSIONS, without holding other requests back (the broker
 * answers each request when it completes; API_VERSIONS completes at once, so in practice its answer
 * comes first, but nothing relies on that); the broker's size limits are then {@link #limits()} and
 * go to the {@link #onLimits} listeners. Until they arrive the client's own defaults apply.
 *
 * <p>No {@link ByteBuf} leaves the event loop: a response is decoded and, if it holds records,
 * converted (the records copied to the heap) by the caller's converter on the event loop,
 * before the frame is released.
 *
 * <p>Thread-safe.
 */
public final class BrokerConnection implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(BrokerConnection.class);
    /** How long a TCP connect may take. */
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /**
     * The largest frame the client accepts: the broker's own upper bound on {@code server.frameBytesMax}
     * (1 GiB), so that a broker configured for large batches never has its answers refused.
     */
    static final int FRAME_BYTES_MAX = 1 << 30;

    /** Receives push frames; called on the event loop, so it must not block. */
    public interface PushSink {
        /** A PUSH_RECORDS frame for {@code subscriptionId}, its records copied to the heap. */
        void onPush(int subscriptionId, PushedRecords push);
    }

    private final ClientIo io;
    private final BrokerAddress address;
    private final RetryBackoff reconnectBackoff;
    private final PushSink pushSink;
    private final AtomicInteger correlationIds = new AtomicInteger();
    private final List<Runnable> disconnectListeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<BrokerLimits>> limitsListeners = new CopyOnWriteArrayList<>();
    private volatile BrokerLimits limits = BrokerLimits.UNKNOWN;
    private final Object lock = new Object();
    private Channel channel;
    private CompletableFuture<Channel> connecting;
    private int connectFailures;
    private long nextConnectAtNs;
    private boolean closed;

    /**
     * A connection (not yet made) to {@code address}.
     *
     * @param pushSink receives push frames, or {@code null} if this client never subscribes
     */
    public BrokerConnection(ClientIo io, BrokerAddress address, RetryBackoff reconnectBackoff, PushSink pushSink) {
        this.io = io;
        this.address = address;
        this.reconnectBackoff = reconnectBackoff;
        this.pushSink = pushSink;
    }

    /**
     * Registers {@code listener} to run (on the event loop; it must not block) each time an
     * established connection closes, after the requests waiting on it have failed.
     */
    public void onDisconnect(Runnable listener) {
        disconnectListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Registers {@code listener} for the broker's limits, told on every connect (on the event loop). */
    public void onLimits(java.util.function.Consumer<BrokerLimits> listener) {
        limitsListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The broker's limits from the last API_VERSIONS answer, or {@link BrokerLimits#UNKNOWN}. */
    public BrokerLimits limits() {
        return limits;
    }

    /** The broker's address. */
    public BrokerAddress address() {
        return address;
    }

    /** Sends a request whose response holds no records, and returns the response. */
    public <R extends Response> CompletableFuture<R> send(Request request, long timeoutMs) {
        return send(request, timeoutMs, Function.identity());
    }

    /**
     * Sends a request; the future completes with {@code converter} applied to the response on
     * the event loop, while the frame is alive. An error-header response is converted too.
     *
     * @param timeoutMs how long to wait for the answer after the request is written
     */
    public <R extends Response, T> CompletableFuture<T> send(
            Request request, long timeoutMs, Function<? super R, ? extends T> converter) {
        Objects.requireNonNull(converter, "converter");
        return channel().thenCompose(ch -> sendOn(ch, request, timeoutMs, converter));
    }

    private <R extends Response, T> CompletableFuture<T> sendOn(
            Channel ch, Request request, long timeoutMs, Function<? super R, ? extends T> converter) {
        ResponseRouter router = ch.pipeline().get(ResponseRouter.class);
        int correlationId = correlationIds.incrementAndGet();
        CompletableFuture<T> future = new CompletableFuture<>();
        PendingRequest<R, T> pending = new PendingRequest<>(request.apiKey(), future, converter);
        router.register(correlationId, pending);
        pending.timeout = ch.eventLoop().schedule(() -> {
            if (router.remove(correlationId, pending)) {
                future.completeExceptionally(new SluiceTimeoutException(String.format(
                        "%s to %s got no answer within %,d ms (requestTimeoutMs)",
                        request.apiKey(), address, timeoutMs)));
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        ByteBuf frame;
        try {
            frame = Frames.encodeRequest(ch.alloc(), correlationId, request);
        } catch (RuntimeException e) {
            router.remove(correlationId, pending);
            pending.timeout.cancel(false);
            future.completeExceptionally(e);
            return future;
        }
        ch.writeAndFlush(frame).addListener((ChannelFuture written) -> {
            if (!written.isSuccess() && router.remove(correlationId, pending)) {
                pending.timeout.cancel(false);
                future.completeExceptionally(new ConnectionException(
                        "sending " + request.apiKey() + " to " + address + " failed", written.cause()));
            }
        });
        return future;
    }

    /**
     * Sends a request with flag {@code ONEWAY}; the future completes when it is written to the
     * socket (nothing more is known).
     */
    public CompletableFuture<Void> sendOneway(Request request) {
        return channel().thenCompose(ch -> {
            CompletableFuture<Void> future = new CompletableFuture<>();
            ByteBuf frame;
            try {
                frame = Frames.encodeOnewayRequest(ch.alloc(), correlationIds.incrementAndGet(), request);
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
                return future;
            }
            ch.writeAndFlush(frame).addListener((ChannelFuture written) -> {
                if (written.isSuccess()) {
                    future.complete(null);
                } else {
                    future.completeExceptionally(new ConnectionException(
                            "sending " + request.apiKey() + " to " + address + " failed", written.cause()));
                }
            });
            return future;
        });
    }

    /** The connected channel, connecting (after the back-off) if there is none. */
    private CompletableFuture<Channel> channel() {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new SluiceException("the client is closed", false));
            }
            if (channel != null && channel.isActive()) {
                return CompletableFuture.completedFuture(channel);
            }
            if (connecting != null) {
                return connecting;
            }
            CompletableFuture<Channel> future = new CompletableFuture<>();
            connecting = future;
            long delayNs = Math.max(0, nextConnectAtNs - System.nanoTime());
            if (delayNs == 0) {
                connect(future);
            } else {
                io.group().schedule(() -> connect(future), delayNs, TimeUnit.NANOSECONDS);
            }
            return future;
        }
    }

    private void connect(CompletableFuture<Channel> future) {
        Bootstrap bootstrap = new Bootstrap()
                .group(io.group())
                .channel(io.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(FRAME_BYTES_MAX), new ResponseRouter(address, pushSink));
                    }
                });
        ChannelFuture connected;
        try {
            connected = bootstrap.connect(address.host(), address.port());
        } catch (RuntimeException e) {
            onConnectDone(future, null, e);
            return;
        }
        connected.addListener((ChannelFuture done) ->
                onConnectDone(future, done.isSuccess() ? done.channel() : null, done.cause()));
    }

    private void onConnectDone(CompletableFuture<Channel> future, Channel connected, Throwable cause) {
        boolean closeIt = false;
        synchronized (lock) {
            connecting = null;
            if (connected != null && !closed) {
                channel = connected;
                connectFailures = 0;
                connected.closeFuture().addListener(done -> disconnectListeners.forEach(Runnable::run));
            } else if (connected != null) {
                closeIt = true;
            } else {
                connectFailures++;
                nextConnectAtNs = System.nanoTime()
                        + TimeUnit.MILLISECONDS.toNanos(reconnectBackoff.backoffMs(connectFailures));
            }
        }
        if (connected != null && !closeIt) {
            askLimits(connected);
        }
        if (closeIt) {
            connected.close();
            future.completeExceptionally(new SluiceException("the client is closed", false));
        } else if (connected != null) {
            future.complete(connected);
        } else {
            future.completeExceptionally(new ConnectionException("cannot connect to " + address, cause));
        }
    }

    /** Sends API_VERSIONS first on a new connection; its answer sets the limits. */
    private void askLimits(Channel connected) {
        this.<ApiVersionsResponse, ApiVersionsResponse>sendOn(connected, new ApiVersionsRequest("sluice-java"),
                CONNECT_TIMEOUT_MS, Function.identity()).whenComplete((answer, failure) -> {
                    if (failure != null || answer.isError()) {
                        LOGGER.debug("no API_VERSIONS answer; broker limits stay as they were broker={} cause={}",
                                address, failure != null ? failure.toString() : answer.errorMessage());
                        return;
                    }
                    BrokerLimits told = new BrokerLimits(answer.frameBytesMax(), answer.batchBytesMax());
                    limits = told;
                    limitsListeners.forEach(listener -> listener.accept(told));
                });
    }

    /** Drops the connection (requests waiting fail with {@link ConnectionException}); the next request reconnects. */
    public void disconnect() {
        Channel current;
        synchronized (lock) {
            current = channel;
        }
        if (current != null) {
            current.close().awaitUninterruptibly();
        }
    }

    /** Whether a connection is up now. */
    public boolean isConnected() {
        synchronized (lock) {
            return channel != null && channel.isActive();
        }
    }

    /** Closes the connection; waiting requests fail; later requests fail at once. Idempotent. */
    @Override
    public void close() {
        Channel current;
        synchronized (lock) {
            closed = true;
            current = channel;
            channel = null;
        }
        if (current != null) {
            current.close().awaitUninterruptibly();
        }
    }
}
