package dev.sluice.record;

import java.util.function.BiConsumer;

/**
 * Walks the records of one batch without materializing them (made by {@link
 * RecordBatchReader#cursor}): after each {@link #next()} the current record's offset and
 * timestamp are at hand, and {@link #key()}, {@link #value()} and {@link #forEachHeader} copy its
 * bytes into fresh arrays, once each, only for the records the caller keeps. For readers on a hot
 * path (the client's fetch parser); {@link RecordBatchReader#records} is the simple way.
 *
 * <p>Not thread-safe: one cursor per walk. The batch's bytes must not change while it is read.
 */
public final class RecordCursor {
    private final RecordDecoder decoder;

    RecordCursor(RecordDecoder decoder) {
        this.decoder = decoder;
    }

    /**
     * Moves to the next record.
     *
     * @return false after the last one (having checked that the records fill the section)
     * @throws InvalidBatchException if the record is malformed
     */
    public boolean next() {
        if (decoder == null) {
            return false;
        }
        if (!decoder.hasNext()) {
            decoder.finish();
            return false;
        }
        decoder.advance();
        return true;
    }

    /** The current record's absolute offset. */
    public long offset() {
        return decoder.offset();
    }

    /** The current record's timestamp in epoch milliseconds. */
    public long timestamp() {
        return decoder.timestamp();
    }

    /** A fresh copy of the current record's key, or {@code null}. */
    public byte[] key() {
        return decoder.keyBytes();
    }

    /** A fresh copy of the current record's value, or {@code null}. */
    public byte[] value() {
        return decoder.valueBytes();
    }

    /** The current record's header count. */
    public int headerCount() {
        return decoder.headerCount();
    }

    /** Hands each header of the current record, in order, to {@code sink}: its key and a fresh copy of its value (or {@code null}). */
    public void forEachHeader(BiConsumer<String, byte[]> sink) {
        decoder.forEachHeader(sink);
    }
}
