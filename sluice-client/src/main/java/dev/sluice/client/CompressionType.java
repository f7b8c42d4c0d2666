package dev.sluice.client;

/** How the producer compresses each batch (the whole records section of a RecordBatch v2). */
public enum CompressionType {
    /** No compression. */
    NONE,
    /** gzip, with {@code java.util.zip}. */
    GZIP
}
