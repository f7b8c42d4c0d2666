package dev.sluice.protocol.internal;

import io.netty.buffer.ByteBuf;

/**
 * Where a body with {@code records} fields is encoded: fixed-size fields go to {@link #out()},
 * which may change after each {@link #writeRecords}; records go through
 * {@link #writeRecords}, which either copies them ({@link #copying}) or links them into a
 * composite frame without copying ({@link CompositeBodyWriter}). One encoding, two outputs.
 * Not thread-safe.
 */
public interface BodyWriter {
    /** The buffer the next fixed-size fields go to; ask again after {@link #writeRecords}. */
    ByteBuf out();

    /** Writes a {@code records} (or {@code bytes}) field: int32 length, then the bytes. */
    void writeRecords(ByteBuf records, String field);

    /** A writer that copies everything into {@code out}. */
    static BodyWriter copying(ByteBuf out) {
        return new BodyWriter() {
            @Override
            public ByteBuf out() {
                return out;
            }

            @Override
            public void writeRecords(ByteBuf records, String field) {
                Fields.writeBytes(out, records, field);
            }
        };
    }
}
