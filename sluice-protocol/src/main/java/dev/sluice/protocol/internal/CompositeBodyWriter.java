package dev.sluice.protocol.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Encodes a frame as a {@link CompositeByteBuf}: runs of header bytes in buffers from the
 * allocator, interleaved with the {@code records} buffers themselves, so a frame of batches read
 * from memory-mapped files reaches the socket without a copy (Netty writes a composite with one
 * gathering write).
 *
 * <p>The composite holds its own reference to each records buffer
 * ({@link ByteBuf#retainedDuplicate()}); the caller keeps its own. The memory behind them (for
 * example a mapped segment) must stay valid until the frame is written and released. Records
 * smaller than {@link #LINK_BYTES_MIN} are copied: a component costs more than copying them.
 * Not thread-safe; one writer per frame.
 */
public final class CompositeBodyWriter implements BodyWriter {
    /** Records at least this large are linked into the frame rather than copied. */
    public static final int LINK_BYTES_MIN = 1024;

    private static final int CHUNK_BYTES_INITIAL = 128;

    private final ByteBufAllocator allocator;
    private final CompositeByteBuf composite;
    private ByteBuf current;

    /** Starts with {@code first} (holding the frame header), whose ownership passes to this. */
    public CompositeBodyWriter(ByteBufAllocator allocator, ByteBuf first) {
        this.allocator = allocator;
        this.current = first;
        CompositeByteBuf created;
        try {
            // No limit on components: past the limit Netty consolidates them, copying.
            created = allocator.compositeBuffer(Integer.MAX_VALUE);
        } catch (RuntimeException | Error e) {
            first.release();
            throw e;
        }
        this.composite = created;
    }

    @Override
    public ByteBuf out() {
        return current;
    }

    @Override
    public void writeRecords(ByteBuf records, String field) {
        if (records == null || records.readableBytes() < LINK_BYTES_MIN) {
            Fields.writeBytes(current, records, field);
            return;
        }
        current.writeInt(records.readableBytes());
        ByteBuf chunk = current;
        current = null;
        composite.addComponent(true, chunk);
        composite.addComponent(true, records.retainedDuplicate());
        current = allocator.buffer(CHUNK_BYTES_INITIAL);
    }

    /** The whole frame; this writer must not be used after. */
    public ByteBuf finish() {
        if (composite.numComponents() == 0) {
            composite.release();
            return current;
        }
        ByteBuf last = current;
        current = null;
        if (last.isReadable()) {
            composite.addComponent(true, last);
        } else {
            last.release();
        }
        return composite;
    }

    /** Releases everything written so far, after a failure. */
    public void abort() {
        composite.release();
        if (current != null) {
            current.release();
            current = null;
        }
    }
}
