package dev.sluice.server.internal;

import dev.sluice.broker.Broker;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.CreditRequest;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FrameHeader;
import dev.sluice.protocol.Frames;
import dev.sluice.protocol.ProtocolException;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.Response;
import dev.sluice.protocol.SubscribeRequest;
import dev.sluice.protocol.SubscribeResponse;
import dev.sluice.protocol.UnsubscribeRequest;
import dev.sluice.protocol.UnsubscribeResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the native protocol: decodes each frame, hands the request to the
 * {@link RequestHandler} (or its own push subscriptions), and writes the answer when it is ready.
 * Answers go out as they complete, so a parked FETCH never holds up a PRODUCE behind it; clients
 * match them by correlation id.
 *
 * <p>A request frame is kept (not released) until its answer is written, because PRODUCE appends
 * read the batches straight from it. At most {@code inFlightRequestsMax} requests are worked on
 * at once; beyond that the connection stops reading until half have been answered (TCP then
 * pushes back on the client). Confined to the channel's event loop.
 */
final class NativeConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOGGER = LoggerFactory.getLogger(NativeConnection.class);

    private final NativeChannelInitializer owner;
    private final RequestHandler handler;
    private final Broker broker;
    private final ServerMetrics metrics;
    private final int inFlightRequestsMax;
    private final int subscriptionsMax;
    private final int frameBytesMax;
    private final Map<Integer, PushSubscription> subscriptions = new HashMap<>();
    /** Requests read but held back: the connection's answers are over budget or it is not writable. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Bound on the answers of dispatched requests not yet written to the socket (see {@link #answerBudget}). */
    private long answerBytesInFlight;
    /** FETCHes and QUEUE_RECEIVEs being worked on (maybe parked): cancelled when the connection closes, freeing their slots. */
    private final java.util.Set<CompletableFuture<?>> fetchesInFlight = new java.util.HashSet<>();
    private ChannelHandlerContext context;
    private String host = "unknown";
    private int inFlight;
    private int nextSubscriptionId = 1;

    /**
     * Most answer bytes one connection may have on the way (worked on, or queued for its socket)
     * before the broker stops taking its requests: what a client that does not read costs at most.
     */
    static final long ANSWER_BYTES_IN_FLIGHT_MAX = 32L << 20;
    /** The budget of an answer other than FETCH's: small lists and descriptions. */
    private static final long SMALL_ANSWER_BYTES = 64 * 1024;

    private record Pending(FrameHeader header, Request request, ByteBuf frame, long startNs) {
    }

    NativeConnection(NativeChannelInitializer owner, RequestHandler handler, Broker broker, ServerMetrics metrics,
            int inFlightRequestsMax, int subscriptionsMax, int frameBytesMax) {
        this.owner = owner;
        this.handler = handler;
        this.broker = broker;
        this.metrics = metrics;
        this.inFlightRequestsMax = inFlightRequestsMax;
        this.subscriptionsMax = subscriptionsMax;
        this.frameBytesMax = frameBytesMax;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        context = ctx;
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress address) {
            host = address.getHostString() + ":" + address.getPort();
        }
        metrics.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.connectionClosed();
        for (Pending held : pending) {
            held.frame().release();
        }
        pending.clear();
        for (CompletableFuture<?> fetch : List.copyOf(fetchesInFlight)) {
            fetch.cancel(false);
        }
        subscriptions.values().forEach(PushSubscription::close);
        subscriptions.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drainPending();
            subscriptions.values().forEach(PushSubscription::pump);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ByteBuf frame = (ByteBuf) message;
        long startNs = System.nanoTime();
        metrics.received(frame.readableBytes());
        FrameHeader header;
        try {
            header = FrameHeader.decode(frame);
        } catch (ProtocolException e) {
            frame.release();
            rejectConnection(ctx, e);
            return;
        }
        Request request;
        try {
            request = Frames.decodeRequest(header, frame);
        } catch (ProtocolException e) {
            frame.release();
            answerError(header, e.errorCode(), e.getMessage(), startNs);
            return;
        }
        if (owner.closing()) {
            frame.release();
            answerError(header, ErrorCode.SHUTTING_DOWN, "the broker is shutting down", startNs);
            return;
        }
        if (!pending.isEmpty() || !mayDispatch(request)) {
            pending.add(new Pending(header, request, frame, startNs));
            pauseReading();
            return;
        }
        process(header, request, frame, startNs);
    }

    private void process(FrameHeader header, Request request, ByteBuf frame, long startNs) {
        switch (request.apiKey()) {
            case SUBSCRIBE -> {
                frame.release();
                answer(header, subscribe((SubscribeRequest) request), startNs);
            }
            case CREDIT -> {
                frame.release();
                CreditRequest credit = (CreditRequest) request;
                PushSubscription subscription = subscriptions.get(credit.subscriptionId());
                if (subscription != null) {
                    subscription.addCredit(credit.creditBytes());
                }
                metrics.request(ApiKey.CREDIT.name(), subscription == null ? ErrorCode.UNKNOWN_SUBSCRIPTION.name() : "NONE",
                        System.nanoTime() - startNs);
            }
            case UNSUBSCRIBE -> {
                frame.release();
                PushSubscription removed = subscriptions.remove(((UnsubscribeRequest) request).subscriptionId());
                if (removed == null) {
                    answerError(header, ErrorCode.UNKNOWN_SUBSCRIPTION, "no subscription "
                            + ((UnsubscribeRequest) request).subscriptionId() + " on this connection", startNs);
                } else {
                    removed.close();
                    answer(header, UnsubscribeResponse.success(), startNs);
                }
            }
            default -> dispatch(header, request, frame, startNs);
        }
    }

    /** Whether the connection's answers leave room for this request's (one request always fits). */
    private boolean mayDispatch(Request request) {
        return context.channel().isWritable()
                && (answerBytesInFlight == 0 || answerBytesInFlight + answerBudget(request) <= ANSWER_BYTES_IN_FLIGHT_MAX);
    }

    /** A bound on the answer's size: FETCH's and QUEUE_RECEIVE's is their byte limit; the others' are small. */
    private long answerBudget(Request request) {
        if (request instanceof dev.sluice.protocol.FetchRequest fetch) {
            return Math.min(Math.max(0, fetch.maxBytes()), frameBytesMax) + 512L * (fetch.entries().size() + 1);
        }
        if (request instanceof dev.sluice.protocol.QueueReceiveRequest receive) {
            return QueueModeHandler.answerBudget(receive, frameBytesMax);
        }
        return SMALL_ANSWER_BYTES;
    }

    /** Takes held requests again while their answers fit; reads the socket again once none is held. */
    private void drainPending() {
        while (!pending.isEmpty() && mayDispatch(pending.peekFirst().request())) {
            Pending next = pending.pollFirst();
            process(next.header(), next.request(), next.frame(), next.startNs());
        }
        if (pending.isEmpty()) {
            maybeResumeReading();
        }
    }

    private void answerWritten(long budget) {
        answerBytesInFlight -= budget;
        drainPending();
    }

    private void dispatch(FrameHeader header, Request request, ByteBuf frame, long startNs) {
        long budget = answerBudget(request);
        answerBytesInFlight += budget;
        CompletableFuture<? extends Response> response;
        try {
            response = handler.handle(request, host);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        // Long polls (FETCH, QUEUE_RECEIVE) may park: they do not hold up a graceful shutdown, and
        // a closed connection cancels them.
        boolean counted = request.apiKey() != ApiKey.FETCH && request.apiKey() != ApiKey.QUEUE_RECEIVE;
        requestStarted(counted);
        if (!counted) {
            fetchesInFlight.add(response);
        }
        CompletableFuture<? extends Response> started = response;
        response.whenComplete((answer, failure) -> context.executor().execute(() -> {
            fetchesInFlight.remove(started);
            frame.release();
            requestFinished(counted);
            if (failure != null) {
                logUnexpected(header, failure);
                answerError(header, RequestHandler.errorCode(failure), RequestHandler.message(failure), startNs, budget);
            } else {
                answer(header, answer, startNs, budget);
            }
        }));
    }

    private Response subscribe(SubscribeRequest request) {
        subscriptions.values().removeIf(PushSubscription::closed);
        if (subscriptions.size() >= subscriptionsMax) {
            return SubscribeResponse.error(ErrorCode.BROKER_BUSY, "this connection has " + subscriptions.size()
                    + " subscriptions, the most server.subscriptionsMax allows");
        }
        if (request.creditBytes() < 0 || request.offset() < 0) {
            return SubscribeResponse.error(ErrorCode.INVALID_REQUEST, "SUBSCRIBE offset " + request.offset()
                    + " and creditBytes " + request.creditBytes() + " may not be negative");
        }
        try {
            broker.metadata(request.topic(), false);
            if (request.queue() < 0 || request.queue() >= broker.metadata(request.topic(), false).queueCount()) {
                return SubscribeResponse.error(ErrorCode.UNKNOWN_QUEUE, "topic " + request.topic() + " has no queue "
                        + request.queue());
            }
        } catch (BrokerException e) {
            return SubscribeResponse.error(RequestHandler.errorCode(e.error()), e.getMessage());
        }
        int id = nextSubscriptionId++;
        PushSubscription subscription = new PushSubscription(id, request.topic(), request.queue(), request.offset(),
                request.creditBytes(), context.channel(), broker, metrics);
        subscriptions.put(id, subscription);
        // Pushes start after the SUBSCRIBE answer, so the client knows the id before the first frame.
        context.executor().execute(subscription::pump);
        return SubscribeResponse.success(id);
    }

    private void answer(FrameHeader header, Response response, long startNs) {
        answer(header, response, startNs, 0);
    }

    /** Writes an answer; {@code budget} returns to the connection once it is written (or not sent). */
    private void answer(FrameHeader header, Response response, long startNs, long budget) {
        metrics.request(header.apiKey().name(), response.errorCode().name(), System.nanoTime() - startNs);
        if (header.isOneway() || !context.channel().isActive()) {
            answerWritten(budget);
            return;
        }
        ByteBuf out;
        try {
            out = Frames.encodeResponse(context.alloc(), header.version(), header.correlationId(), response);
        } catch (RuntimeException e) {
            LOGGER.warn("cannot encode the {} answer to {}; answering UNKNOWN_SERVER_ERROR", header.apiKey(), host, e);
            answerError(header, ErrorCode.UNKNOWN_SERVER_ERROR, "the answer could not be encoded; the broker log has why",
                    startNs, budget);
            return;
        }
        write(out, budget);
    }

    private void write(ByteBuf out, long budget) {
        metrics.sent(out.readableBytes());
        if (budget == 0) {
            context.writeAndFlush(out, context.voidPromise());
        } else {
            context.writeAndFlush(out).addListener(written -> answerWritten(budget));
        }
        maybePauseReading();
    }

    private void answerError(FrameHeader header, ErrorCode code, String message, long startNs) {
        answerError(header, code, message, startNs, 0);
    }

    private void answerError(FrameHeader header, ErrorCode code, String message, long startNs, long budget) {
        String api = header.apiId() >= 0 && header.apiId() < ApiKey.values().length ? apiName(header) : "UNKNOWN";
        metrics.request(api, code.name(), System.nanoTime() - startNs);
        if (header.isOneway() || !context.channel().isActive()) {
            answerWritten(budget);
            return;
        }
        write(Frames.encodeErrorResponse(context.alloc(), header, code, message), budget);
    }

    /**
     * A client that does not read its answers must not make the broker buffer them without bound:
     * past the write buffer's high-water mark, stop reading its requests until the answers drain.
     */
    private void maybePauseReading() {
        if (!context.channel().isWritable()) {
            pauseReading();
        }
    }

    private void pauseReading() {
        if (context.channel().config().isAutoRead()) {
            context.channel().config().setAutoRead(false);
        }
    }

    private void maybeResumeReading() {
        if (inFlight <= inFlightRequestsMax / 2 && pending.isEmpty() && context.channel().isWritable()
                && !context.channel().config().isAutoRead()) {
            context.channel().config().setAutoRead(true);
        }
    }

    private static String apiName(FrameHeader header) {
        try {
            return header.apiKey().name();
        } catch (ProtocolException e) {
            return "UNKNOWN";
        }
    }

    private void requestStarted(boolean counted) {
        inFlight++;
        if (counted) {
            owner.requestStarted();
        }
        if (inFlight >= inFlightRequestsMax && context.channel().config().isAutoRead()) {
            context.channel().config().setAutoRead(false);
        }
    }

    private void requestFinished(boolean counted) {
        inFlight--;
        if (counted) {
            owner.requestFinished();
        }
        maybeResumeReading();
    }

    private void logUnexpected(FrameHeader header, Throwable failure) {
        Throwable cause = RequestHandler.unwrap(failure);
        if (cause instanceof java.util.concurrent.CancellationException) {
            return; // a parked FETCH or QUEUE_RECEIVE of a connection that closed
        }
        if (!(cause instanceof BrokerException broker) || broker.error() == BrokerError.UNKNOWN_SERVER_ERROR) {
            LOGGER.warn("{} request from {} failed unexpectedly", apiName(header), host, cause);
        }
    }

    private void rejectConnection(ChannelHandlerContext ctx, ProtocolException e) {
        metrics.connectionRejected();
        LOGGER.warn("closing connection from {}: {}", host, e.getMessage());
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ProtocolException protocol) {
            rejectConnection(ctx, protocol);
        } else if (cause instanceof java.io.IOException) {
            LOGGER.debug("connection from {} failed: {}", host, cause.getMessage());
            ctx.close();
        } else {
            LOGGER.warn("closing connection from {} after an unexpected error", host, cause);
            ctx.close();
        }
    }
}
