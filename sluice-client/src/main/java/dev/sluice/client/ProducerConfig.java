package dev.sluice.client;

import static dev.sluice.client.internal.ConfigChecks.checkBootstrap;
import static dev.sluice.client.internal.ConfigChecks.checkRange;

import java.util.Objects;

/**
 * The settings of a {@link Producer}, validated when built: each out-of-range value fails with
 * an {@link IllegalArgumentException} naming the setting, its value and its range. See
 * {@code docs/client.md} for what each setting guarantees.
 *
 * <p>Immutable and thread-safe. Start from {@link #builder(String)}.
 *
 * @param bootstrap the broker's {@code host:port}
 * @param clientId a name for this client in the broker's logs and group listings
 * @param acks what the broker does before it acknowledges a batch
 * @param lingerMs how long a batch waits for more messages before it is sent
 * @param batchBytes the size at which a batch is sent without waiting for {@code lingerMs}
 * @param messageBytesMax the largest message accepted by {@code send} (encoded size)
 * @param compression the batch compression
 * @param bufferBytesMax the most bytes of messages waiting to be sent or acknowledged
 * @param maxBlockMs how long {@code send} waits for buffer room or topic metadata
 * @param requestTimeoutMs how long one request waits for its answer
 * @param deliveryTimeoutMs how long a send may take in all, retries included, from {@code send}
 *     to its result
 * @param retryBackoffMs the first back-off before a retry
 * @param retryBackoffMaxMs the longest back-off between retries
 * @param inFlightRequestsMax requests the producer has on its connection at once
 * @param inFlightBatchesPerQueueMax acknowledged batches of one queue in flight at once: more keeps a
 *     busy queue's pipe full; 1 keeps send order even across retries (with more, a retried batch
 *     may be stored after a later one)
 * @param metadataMaxAgeMs how long a topic's queue count is cached before it is asked again
 * @param closeTimeoutMs how long {@code close} waits for buffered messages to be sent
 * @param allowAutoCreateTopics whether sending to a missing topic asks the broker to create it
 * @param idempotence whether acknowledged batches carry a producer id and per-queue sequence
 *     numbers, so that the broker stores a retried batch once and in order (see
 *     {@code docs/guarantees.md}); needs {@code inFlightBatchesPerQueueMax} of at most
 *     {@value #IDEMPOTENT_IN_FLIGHT_BATCHES_PER_QUEUE_MAX}
 */
public record ProducerConfig(
        String bootstrap,
        String clientId,
        Acks acks,
        int lingerMs,
        int batchBytes,
        int messageBytesMax,
        CompressionType compression,
        long bufferBytesMax,
        long maxBlockMs,
        int requestTimeoutMs,
        long deliveryTimeoutMs,
        int retryBackoffMs,
        int retryBackoffMaxMs,
        int inFlightRequestsMax,
        int inFlightBatchesPerQueueMax,
        long metadataMaxAgeMs,
        long closeTimeoutMs,
        boolean allowAutoCreateTopics,
        boolean idempotence) {

    /** The longest {@code lingerMs}: a minute; longer only delays messages. */
    public static final int LINGER_MS_MAX = 60_000;
    /** The smallest {@code batchBytes}: one small message and its header. */
    public static final int BATCH_BYTES_MIN = 128;
    /** The largest {@code batchBytes} and {@code messageBytesMax}: the broker's frame limit. */
    public static final int BATCH_BYTES_MAX = 16 * 1024 * 1024;
    /** The smallest {@code bufferBytesMax}. */
    public static final long BUFFER_BYTES_MIN = 1024;
    /** The most requests in flight on one connection: the broker's own limit. */
    public static final int IN_FLIGHT_REQUESTS_MAX = 1024;
    /** Largest {@code inFlightBatchesPerQueueMax}. */
    public static final int IN_FLIGHT_BATCHES_PER_QUEUE_MAX = 64;
    /** The most batches per queue in flight with idempotence: the broker remembers a producer's last 5. */
    public static final int IDEMPOTENT_IN_FLIGHT_BATCHES_PER_QUEUE_MAX = 5;
    /** The longest of the timeouts. */
    public static final long TIMEOUT_MS_MAX = 24L * 60 * 60 * 1000;

    /** Checks every setting; see the type's doc. */
    public ProducerConfig {
        checkBootstrap(bootstrap);
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(acks, "acks");
        Objects.requireNonNull(compression, "compression");
        checkRange("lingerMs", lingerMs, 0, LINGER_MS_MAX);
        checkRange("batchBytes", batchBytes, BATCH_BYTES_MIN, BATCH_BYTES_MAX);
        checkRange("messageBytesMax", messageBytesMax, BATCH_BYTES_MIN, BATCH_BYTES_MAX);
        checkRange("bufferBytesMax", bufferBytesMax, Math.max(BUFFER_BYTES_MIN, messageBytesMax), Long.MAX_VALUE);
        checkRange("maxBlockMs", maxBlockMs, 0, TIMEOUT_MS_MAX);
        checkRange("requestTimeoutMs", requestTimeoutMs, 1, TIMEOUT_MS_MAX);
        checkRange("retryBackoffMs", retryBackoffMs, 1, TIMEOUT_MS_MAX);
        checkRange("retryBackoffMaxMs", retryBackoffMaxMs, retryBackoffMs, TIMEOUT_MS_MAX);
        // A batch must get at least one full attempt after lingering, or every send times out.
        checkRange("deliveryTimeoutMs", deliveryTimeoutMs, (long) lingerMs + requestTimeoutMs, TIMEOUT_MS_MAX);
        checkRange("inFlightRequestsMax", inFlightRequestsMax, 1, IN_FLIGHT_REQUESTS_MAX);
        checkRange("inFlightBatchesPerQueueMax", inFlightBatchesPerQueueMax, 1,
                idempotence ? IDEMPOTENT_IN_FLIGHT_BATCHES_PER_QUEUE_MAX : IN_FLIGHT_BATCHES_PER_QUEUE_MAX);
        checkRange("metadataMaxAgeMs", metadataMaxAgeMs, 0, TIMEOUT_MS_MAX);
        checkRange("closeTimeoutMs", closeTimeoutMs, 0, TIMEOUT_MS_MAX);
    }

    /** Defaults for a producer of the broker at {@code bootstrap} ({@code host:port}). */
    public static Builder builder(String bootstrap) {
        return new Builder(bootstrap);
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(bootstrap).clientId(clientId).acks(acks).lingerMs(lingerMs).batchBytes(batchBytes)
                .messageBytesMax(messageBytesMax).compression(compression).bufferBytesMax(bufferBytesMax)
                .maxBlockMs(maxBlockMs).requestTimeoutMs(requestTimeoutMs).deliveryTimeoutMs(deliveryTimeoutMs)
                .retryBackoffMs(retryBackoffMs).retryBackoffMaxMs(retryBackoffMaxMs)
                .inFlightRequestsMax(inFlightRequestsMax).inFlightBatchesPerQueueMax(inFlightBatchesPerQueueMax)
                .metadataMaxAgeMs(metadataMaxAgeMs)
                .closeTimeoutMs(closeTimeoutMs).allowAutoCreateTopics(allowAutoCreateTopics).idempotence(idempotence);
    }

    /** Builds a {@link ProducerConfig}; every setting starts at its default. Not thread-safe. */
    public static final class Builder {
        private final String bootstrap;
        private String clientId = "sluice-producer";
        private Acks acks = Acks.LEADER;
        private int lingerMs = 5;
        private int batchBytes = 64 * 1024;
        private int messageBytesMax = 1024 * 1024;
        private CompressionType compression = CompressionType.NONE;
        private long bufferBytesMax = 32L * 1024 * 1024;
        private long maxBlockMs = 60_000;
        private int requestTimeoutMs = 30_000;
        private long deliveryTimeoutMs = 120_000;
        private int retryBackoffMs = 100;
        private int retryBackoffMaxMs = 1_000;
        private int inFlightRequestsMax = 64;
        private int inFlightBatchesPerQueueMax = 5;
        private long metadataMaxAgeMs = 300_000;
        private long closeTimeoutMs = 30_000;
        private boolean allowAutoCreateTopics = true;
        private boolean idempotence = true;

        private Builder(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        /** Default {@code "sluice-producer"}. */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** Default {@link Acks#LEADER}. */
        public Builder acks(Acks acks) {
            this.acks = acks;
            return this;
        }

        /** Default 5 ms; 0 to 60,000. */
        public Builder lingerMs(int lingerMs) {
            this.lingerMs = lingerMs;
            return this;
        }

        /** Default 64 KiB; 128 B to 16 MiB. */
        public Builder batchBytes(int batchBytes) {
            this.batchBytes = batchBytes;
            return this;
        }

        /** Default 1 MiB (the broker's default {@code batchBytesMax}); 128 B to 16 MiB. */
        public Builder messageBytesMax(int messageBytesMax) {
            this.messageBytesMax = messageBytesMax;
            return this;
        }

        /** Default {@link CompressionType#NONE}. */
        public Builder compression(CompressionType compression) {
            this.compression = compression;
            return this;
        }

        /** Default 32 MiB; at least {@code messageBytesMax}. */
        public Builder bufferBytesMax(long bufferBytesMax) {
            this.bufferBytesMax = bufferBytesMax;
            return this;
        }

        /** Default 60,000 ms. */
        public Builder maxBlockMs(long maxBlockMs) {
            this.maxBlockMs = maxBlockMs;
            return this;
        }

        /** Default 30,000 ms. */
        public Builder requestTimeoutMs(int requestTimeoutMs) {
            this.requestTimeoutMs = requestTimeoutMs;
            return this;
        }

        /** Default 120,000 ms; at least {@code lingerMs + requestTimeoutMs}. */
        public Builder deliveryTimeoutMs(long deliveryTimeoutMs) {
            this.deliveryTimeoutMs = deliveryTimeoutMs;
            return this;
        }

        /** Default 100 ms. */
        public Builder retryBackoffMs(int retryBackoffMs) {
            this.retryBackoffMs = retryBackoffMs;
            return this;
        }

        /** Default 1,000 ms; at least {@code retryBackoffMs}. */
        public Builder retryBackoffMaxMs(int retryBackoffMaxMs) {
            this.retryBackoffMaxMs = retryBackoffMaxMs;
            return this;
        }

        /** Default 64; 1 to 1,024. */
        public Builder inFlightRequestsMax(int inFlightRequestsMax) {
            this.inFlightRequestsMax = inFlightRequestsMax;
            return this;
        }

        /** Default 5; 1 to 64. 1 keeps a queue's send order even across retries. */
        public Builder inFlightBatchesPerQueueMax(int inFlightBatchesPerQueueMax) {
            this.inFlightBatchesPerQueueMax = inFlightBatchesPerQueueMax;
            return this;
        }

        /** Default 300,000 ms. */
        public Builder metadataMaxAgeMs(long metadataMaxAgeMs) {
            this.metadataMaxAgeMs = metadataMaxAgeMs;
            return this;
        }

        /** Default 30,000 ms. */
        public Builder closeTimeoutMs(long closeTimeoutMs) {
            this.closeTimeoutMs = closeTimeoutMs;
            return this;
        }

        /** Default {@code true}. */
        public Builder allowAutoCreateTopics(boolean allowAutoCreateTopics) {
            this.allowAutoCreateTopics = allowAutoCreateTopics;
            return this;
        }

        /** Default {@code true}; with it, {@code inFlightBatchesPerQueueMax} may be at most 5. */
        public Builder idempotence(boolean idempotence) {
            this.idempotence = idempotence;
            return this;
        }

        /**
         * The config.
         *
         * @throws IllegalArgumentException naming the first setting out of range
         */
        public ProducerConfig build() {
            return new ProducerConfig(bootstrap, clientId, acks, lingerMs, batchBytes, messageBytesMax, compression,
                    bufferBytesMax, maxBlockMs, requestTimeoutMs, deliveryTimeoutMs, retryBackoffMs, retryBackoffMaxMs,
                    inFlightRequestsMax, inFlightBatchesPerQueueMax, metadataMaxAgeMs, closeTimeoutMs,
                    allowAutoCreateTopics, idempotence);
        }
    }
}
