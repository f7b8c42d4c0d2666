package dev.sluice.protocol.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;

/** Wraps batches read from storage as one {@code records} buffer, without copying. */
public final class RecordsBuffers {
    private RecordsBuffers() {}

    /**
     * One buffer over {@code batches}' remaining bytes, back to back: a wrapper (one batch) or a
     * composite of wrappers (several), never a copy. Positions and limits of the ByteBuffers are
     * not changed. The result needs no release; the ByteBuffers' memory must stay valid while it
     * is used.
     */
    public static ByteBuf wrap(List<ByteBuffer> batches) {
        if (batches.isEmpty()) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuffer[] views = new ByteBuffer[batches.size()];
        for (int i = 0; i < views.length; i++) {
            views[i] = batches.get(i).duplicate();
        }
        return views.length == 1
                ? Unpooled.wrappedBuffer(views[0])
                : Unpooled.wrappedBuffer(views.length, views);
    }
}
