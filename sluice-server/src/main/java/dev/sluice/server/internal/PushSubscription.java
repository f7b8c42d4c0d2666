package dev.sluice.server.internal;

import dev.sluice.broker.Broker;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.FetchResult;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.Frames;
import dev.sluice.protocol.PushRecords;
import dev.sluice.record.RecordBatchDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One push subscription of one connection: streams a queue's batches to the client as
 * {@code PUSH_RECORDS} frames while it has credit and the connection is writable, and waits for
 * data (a parked wait in the broker) when it has caught up. The broker therefore buffers at most
 * the credit window plus one batch, and never more than the channel's write-buffer high-water mark
 * plus one frame, however slow the consumer.
 *
 * <p>Confined to the channel's event loop: every method runs there.
 */
final class PushSubscription {
    /** Most bytes read for one push frame. */
    static final int PUSH_FRAME_BYTES_MAX = 1 << 20;
    /** Frames written in one turn before yielding the event loop to other connections. */
    private static final int FRAMES_PER_TURN = 16;
    /** How long one parked wait for data lasts before it is renewed. */
    private static final long DATA_WAIT_MS = 30_000;
    /** Back-off when the broker has too many parked waits. */
    private static final long BUSY_RETRY_MS = 100;

    private final int id;
    private final String topic;
    private final int queue;
    private final Channel channel;
    private final Broker broker;
    private final ServerMetrics metrics;
    private long nextOffset;
    private long creditBytes;
    private boolean waiting;
    private boolean closed;
    /** The parked wait for data, cancelled on close so it does not hold a parked slot in the broker. */
    private CompletableFuture<Void> dataWait;

    PushSubscription(int id, String topic, int queue, long offset, int creditBytes, Channel channel, Broker broker,
            ServerMetrics metrics) {
        this.id = id;
        this.topic = topic;
        this.queue = queue;
        this.nextOffset = offset;
        this.creditBytes = creditBytes;
        this.channel = channel;
        this.broker = broker;
        this.metrics = metrics;
    }

    int id() {
        return id;
    }

    /** Adds credit (saturating) and resumes sending. */
    void addCredit(int bytes) {
        creditBytes = Math.min(Long.MAX_VALUE / 2, creditBytes + Math.max(0, bytes));
        pump();
    }

    void close() {
        closed = true;
        if (dataWait != null) {
            dataWait.cancel(false);
            dataWait = null;
        }
    }

    /** Whether it ended: unsubscribed, or failed with an error frame. */
    boolean closed() {
        return closed;
    }

    /** Sends what credit and writability allow; parks a wait for data when caught up. */
    void pump() {
        if (closed || waiting) {
            return;
        }
        int frames = 0;
        while (creditBytes > 0 && channel.isWritable()) {
            if (frames == FRAMES_PER_TURN) {
                channel.flush();
                channel.eventLoop().execute(this::pump);
                return;
            }
            FetchResult result = broker.read(topic, queue, nextOffset, (int) Math.min(creditBytes, PUSH_FRAME_BYTES_MAX));
            if (result.error() != null) {
                fail(RequestHandler.errorCode(result.error()), result.errorMessage());
                return;
            }
            if (result.batches().isEmpty()) {
                awaitData();
                break;
            }
            ByteBuffer last = result.batches().get(result.batches().size() - 1);
            long after = RecordBatchDescriptor.baseOffset(last, last.position())
                    + RecordBatchDescriptor.lastOffsetDelta(last, last.position()) + 1;
            ByteBuf frame = Frames.encodePush(channel.alloc(), id, PushRecords.of(after, result.batches()));
            metrics.sent(frame.readableBytes());
            channel.write(frame, channel.voidPromise());
            creditBytes -= result.bytes();
            nextOffset = after;
            frames++;
        }
        if (frames > 0) {
            channel.flush();
        }
    }

    private void awaitData() {
        waiting = true;
        dataWait = broker.awaitData(topic, queue, nextOffset, DATA_WAIT_MS);
        dataWait.whenComplete((ignored, failure) ->
                channel.eventLoop().execute(() -> {
                    waiting = false;
                    dataWait = null;
                    if (closed) {
                        return;
                    }
                    if (failure == null) {
                        pump();
                        return;
                    }
                    Throwable cause = RequestHandler.unwrap(failure);
                    if (cause instanceof BrokerException broker && broker.error() == BrokerError.BROKER_BUSY) {
                        waiting = true;
                        channel.eventLoop().schedule(() -> {
                            waiting = false;
                            pump();
                        }, BUSY_RETRY_MS, TimeUnit.MILLISECONDS);
                    } else {
                        fail(RequestHandler.errorCode(cause), RequestHandler.message(cause));
                    }
                }));
    }

    private void fail(ErrorCode code, String message) {
        closed = true;
        channel.writeAndFlush(Frames.encodePush(channel.alloc(), id, PushRecords.error(code, message)), channel.voidPromise());
    }
}
