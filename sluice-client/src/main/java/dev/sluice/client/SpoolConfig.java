package dev.sluice.client;

import dev.sluice.client.internal.ConfigChecks;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The local spool of a {@link SpoolingProducer}: a directory of files on the producer's machine
 * where every accepted message waits until the broker acknowledges it. Immutable.
 *
 * @param directory where the spool files live; one producer at a time (a lock file says so)
 * @param bytesMax the most bytes of unacknowledged messages the spool holds; a send beyond it fails
 *     at once with a {@link BufferExhaustedException} ("fail loudly", rather than block or drop)
 * @param sync whether {@code send} returns only once the message is fsynced to the spool (one
 *     fsync serves every send waiting at that moment): then a crash of the producer's machine loses
 *     nothing {@code send} accepted, at the cost of an fsync wait per send. Without it (the default)
 *     {@code send} returns once the message is written (a killed producer process loses nothing),
 *     the spool is fsynced every {@code syncIntervalMs}, and a machine crash may lose the messages
 *     of the last interval that had not reached the broker yet
 * @param syncIntervalMs how often an unsynced spool is fsynced ({@code sync} false)
 * @param segmentBytes the size at which the spool starts a new file; a file is deleted once every
 *     message in it is acknowledged
 * @param inFlightBytesMax the most spooled bytes handed to the broker connection at once; the rest
 *     wait on disk (each unacknowledged message still keeps a few hundred bytes of bookkeeping on
 *     the heap)
 * @param resendBackoffMs the first wait before a message is sent again after a retriable failure
 *     (the broker unreachable past the producer's {@code deliveryTimeoutMs}, say)
 * @param resendBackoffMaxMs the longest such wait (the back-off doubles up to it)
 * @param assignMessageIds whether a message without a message id gets one made from the spool's
 *     id and the message's spool sequence, so that a message sent again after a producer crash is
 *     de-duplicated by the broker's message-id window
 */
public record SpoolConfig(Path directory, long bytesMax, boolean sync, long syncIntervalMs, int segmentBytes,
        long inFlightBytesMax, long resendBackoffMs, long resendBackoffMaxMs, boolean assignMessageIds) {
    /** Default {@code bytesMax}: 256 MiB. */
    public static final long DEFAULT_BYTES_MAX = 256L * 1024 * 1024;
    /** Default {@code segmentBytes}: 16 MiB. */
    public static final int DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;
    /** Default {@code inFlightBytesMax}: 8 MiB. */
    public static final long DEFAULT_IN_FLIGHT_BYTES_MAX = 8L * 1024 * 1024;

    /** Checks every value; an error names the setting, the value and the rule. */
    public SpoolConfig {
        Objects.requireNonNull(directory, "directory");
        ConfigChecks.checkRange("bytesMax", bytesMax, 1024, Long.MAX_VALUE);
        ConfigChecks.checkRange("syncIntervalMs", syncIntervalMs, 1, 60_000);
        ConfigChecks.checkRange("segmentBytes", segmentBytes, 64 * 1024, 1024 * 1024 * 1024);
        ConfigChecks.checkRange("inFlightBytesMax", inFlightBytesMax, 1024, Long.MAX_VALUE);
        ConfigChecks.checkRange("resendBackoffMs", resendBackoffMs, 1, 600_000);
        ConfigChecks.checkRange("resendBackoffMaxMs", resendBackoffMaxMs, resendBackoffMs, 3_600_000);
    }

    /** A spool in {@code directory} with the defaults: 256 MiB, fsynced each second, message ids assigned. */
    public static SpoolConfig of(Path directory) {
        return new SpoolConfig(directory, DEFAULT_BYTES_MAX, false, 1_000, DEFAULT_SEGMENT_BYTES,
                DEFAULT_IN_FLIGHT_BYTES_MAX, 100, 5_000, true);
    }

    /** This config with another {@code bytesMax}. */
    public SpoolConfig withBytesMax(long newBytesMax) {
        return new SpoolConfig(directory, newBytesMax, sync, syncIntervalMs, segmentBytes, inFlightBytesMax,
                resendBackoffMs, resendBackoffMaxMs, assignMessageIds);
    }

    /** This config with another {@code sync}. */
    public SpoolConfig withSync(boolean newSync) {
        return new SpoolConfig(directory, bytesMax, newSync, syncIntervalMs, segmentBytes, inFlightBytesMax,
                resendBackoffMs, resendBackoffMaxMs, assignMessageIds);
    }

    /** This config with other resend back-offs. */
    public SpoolConfig withResendBackoff(long newBackoffMs, long newBackoffMaxMs) {
        return new SpoolConfig(directory, bytesMax, sync, syncIntervalMs, segmentBytes, inFlightBytesMax,
                newBackoffMs, newBackoffMaxMs, assignMessageIds);
    }

    /** This config with another {@code segmentBytes}. */
    public SpoolConfig withSegmentBytes(int newSegmentBytes) {
        return new SpoolConfig(directory, bytesMax, sync, syncIntervalMs, newSegmentBytes, inFlightBytesMax,
                resendBackoffMs, resendBackoffMaxMs, assignMessageIds);
    }
}
