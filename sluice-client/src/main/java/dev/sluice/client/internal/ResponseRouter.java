package dev.sluice.client.internal;

import dev.sluice.client.ConnectionException;
import dev.sluice.client.SluiceException;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FrameHeader;
import dev.sluice.protocol.Frames;
import dev.sluice.protocol.ProtocolException;
import dev.sluice.protocol.PushRecords;
import dev.sluice.protocol.Response;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: decodes each frame and completes the request waiting
 * for it, or hands a push frame to the {@link BrokerConnection.PushSink}; fails every waiting
 * request when the connection ends. The frame is released after it is handled.
 *
 * <p>One per channel. Requests are registered from any thread; frames are read on the event loop.
 */
final class ResponseRouter extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOGGER = LoggerFactory.getLogger(ResponseRouter.class);

    private final BrokerAddress address;
    private final BrokerConnection.PushSink pushSink;
    private final Map<Integer, PendingRequest<?, ?>> pending = new ConcurrentHashMap<>();
    private volatile boolean inactive;

    ResponseRouter(BrokerAddress address, BrokerConnection.PushSink pushSink) {
        this.address = address;
        this.pushSink = pushSink;
    }

    void register(int correlationId, PendingRequest<?, ?> request) {
        pending.put(correlationId, request);
        if (inactive && pending.remove(correlationId, request)) {
            // The connection ended between choosing it and registering: fail at once.
            request.fail(lost(null));
        }
    }

    boolean remove(int correlationId, PendingRequest<?, ?> request) {
        return pending.remove(correlationId, request);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        FrameHeader header;
        try {
            header = FrameHeader.decode(frame);
        } catch (ProtocolException e) {
            LOGGER.warn("closing connection: corrupt frame header broker={} reason={}", address, e.getMessage());
            ctx.close();
            return;
        }
        if (header.isPush()) {
            onPush(ctx, header, frame);
            return;
        }
        PendingRequest<?, ?> request = pending.remove(header.correlationId());
        if (request == null) {
            LOGGER.debug("answer to a request no longer waited for broker={} correlationId={}", address,
                    header.correlationId());
            return;
        }
        Response response;
        try {
            response = Frames.decodeResponse(header, frame);
        } catch (ProtocolException e) {
            request.fail(new SluiceException(ErrorCode.CORRUPT_FRAME, "answer to " + request.api + " from " + address
                    + " does not parse: " + e.getMessage()));
            return;
        }
        request.complete(response);
    }

    private void onPush(ChannelHandlerContext ctx, FrameHeader header, ByteBuf frame) {
        PushRecords push;
        try {
            push = (PushRecords) Frames.decodeResponse(header, frame);
        } catch (ProtocolException | ClassCastException e) {
            LOGGER.warn("closing connection: bad push frame broker={} reason={}", address, e.getMessage());
            frame.clear();
            // The subscription's credit is lost with the frame: a new connection resubscribes.
            ctx.close();
            return;
        }
        if (pushSink == null) {
            LOGGER.warn("push frame on a connection without subscriptions broker={} subscriptionId={}", address,
                    header.correlationId());
            return;
        }
        ByteBuffer records = ByteBuffer.allocate(0);
        if (!push.isError() && push.records() != null) {
            records = ByteBuffer.allocate(push.records().readableBytes());
            push.records().getBytes(push.records().readerIndex(), records);
            records.flip();
        }
        pushSink.onPush(header.correlationId(),
                new PushedRecords(push.errorCode(), push.errorMessage(), push.nextOffset(), records));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        inactive = true;
        failAll(null);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOGGER.warn("closing connection broker={} reason={}", address, cause.toString());
        failAll(cause);
        ctx.close();
    }

    private void failAll(Throwable cause) {
        List<Integer> ids = new ArrayList<>(pending.keySet());
        for (Integer id : ids) {
            PendingRequest<?, ?> request = pending.remove(id);
            if (request != null) {
                request.fail(lost(cause));
            }
        }
    }

    private ConnectionException lost(Throwable cause) {
        return new ConnectionException("connection to " + address + " lost before the answer came", cause);
    }
}
