package dev.sluice.record;

import java.util.Locale;

/**
 * The compression codec of a RecordBatch v2, stored in bits 0-2 of the batch's attributes (see
 * {@link RecordBatchDescriptor}). The compressed area is the whole records section; the 61-byte
 * batch header is never compressed.
 *
 * <p>Sluice's codec builds and reads {@link #NONE} and {@link #GZIP} (with {@code java.util.zip}).
 * The other codecs are listed so that their ids are known and a batch using them can be checked
 * and stored as opaque bytes, but {@link RecordBatchBuilder} and {@link RecordBatchReader} throw
 * {@link UnsupportedOperationException} for them.
 *
 * <p>Immutable and thread-safe.
 */
public enum Compression {
    NONE(0, true),
    GZIP(1, true),
    SNAPPY(2, false),
    LZ4(3, false),
    ZSTD(4, false);

    private static final Compression[] BY_ID = values();

    private final int id;
    private final boolean supported;

    Compression(int id, boolean supported) {
        this.id = id;
        this.supported = supported;
    }

    /** The codec id as stored in the attributes' low three bits. */
    public int id() {
        return id;
    }

    /** Whether Sluice's builder and reader can encode and decode records with this codec. */
    public boolean isSupported() {
        return supported;
    }

    /**
     * The codec with the given id.
     *
     * @throws IllegalArgumentException if {@code id} is not 0 to 4
     */
    public static Compression forId(int id) {
        if (id < 0 || id >= BY_ID.length) {
            throw new IllegalArgumentException("compression codec " + id + " is unknown; known codecs are 0 to 4");
        }
        return BY_ID[id];
    }

    /**
     * Fails unless this codec is supported by Sluice's builder and reader.
     *
     * @throws UnsupportedOperationException naming the codec, for snappy, lz4 and zstd
     */
    public void requireSupported() {
        if (!supported) {
            throw new UnsupportedOperationException(
                    name().toLowerCase(Locale.ROOT) + " compression is not supported by Sluice's codec yet");
        }
    }
}
