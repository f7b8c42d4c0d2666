package dev.sluice.protocol;

/** Constants of native protocol v1 that are not tied to one api. */
public final class Protocol {
    /** The protocol version this codec speaks: every api's only version today. */
    public static final short PROTOCOL_VERSION = 1;

    /** Default for the broker's {@code server.frameBytesMax}: 16 MiB. */
    public static final int FRAME_BYTES_MAX_DEFAULT = 16 * 1024 * 1024;

    /** Default for the broker's {@code storage.batchBytesMax}: 1 MiB. */
    public static final int BATCH_BYTES_MAX_DEFAULT = 1024 * 1024;

    private Protocol() {}
}
