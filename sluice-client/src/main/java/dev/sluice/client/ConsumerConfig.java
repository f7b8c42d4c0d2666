package dev.sluice.client;

import static dev.sluice.client.internal.ConfigChecks.checkBootstrap;
import static dev.sluice.client.internal.ConfigChecks.checkRange;

import java.util.Objects;

/**
 * The settings of a {@link Consumer}, validated when built: each out-of-range value fails with
 * an {@link IllegalArgumentException} naming the setting, its value and its range. See
 * {@code docs/client.md} for what each setting guarantees.
 *
 * <p>Immutable and thread-safe. Start from {@link #builder(String)}.
 *
 * @param bootstrap the broker's {@code host:port}
 * @param clientId a name for this client in the broker's group listings
 * @param group the consumer group {@link Consumer#subscribe(String)} joins, or {@code null}
 *     when the application always names it in {@link Consumer#subscribe(String, String)}
 * @param ackMode when positions are committed; {@link Builder#deliveryMode} sets it by the
 *     guarantee wanted
 * @param autoOffsetReset where a queue without a committed offset starts
 * @param sessionTimeoutMs how long the broker keeps a member whose heartbeats stop
 * @param fetchMaxWaitMs the longest a FETCH long poll parks at the broker
 * @param fetchMaxBytes the most bytes one FETCH answer carries over all queues (the first
 *     batch is always sent whole)
 * @param queueFetchMaxBytes the most bytes one FETCH answer carries for one queue
 * @param maxPollMessages the most messages one {@code poll} returns
 * @param requestTimeoutMs how long a request other than a long poll waits for its answer
 * @param pushCreditBytes the push-mode credit window per queue: bytes the broker may send
 *     ahead of the listener
 * @param autoCommitIntervalMs in push mode with {@link AckMode#AFTER_PROCESSING}, how often the
 *     listener's progress is committed
 * @param retryBackoffMs the first back-off after a failed request or lost connection
 * @param retryBackoffMaxMs the longest back-off
 * @param closeTimeoutMs how long {@code close} waits for its commit and LEAVE_GROUP
 */
public record ConsumerConfig(
        String bootstrap,
        String clientId,
        String group,
        AckMode ackMode,
        OffsetReset autoOffsetReset,
        int sessionTimeoutMs,
        int fetchMaxWaitMs,
        int fetchMaxBytes,
        int queueFetchMaxBytes,
        int maxPollMessages,
        int requestTimeoutMs,
        int pushCreditBytes,
        int autoCommitIntervalMs,
        int retryBackoffMs,
        int retryBackoffMaxMs,
        long closeTimeoutMs) {

    /** The shortest session: heartbeats must fit several times into it. */
    public static final int SESSION_TIMEOUT_MS_MIN = 100;
    /** The longest session: a dead member holds its queues at most this long. */
    public static final int SESSION_TIMEOUT_MS_MAX = 600_000;
    /** The longest long poll the broker allows ({@code fetch.maxWaitMsMax} default). */
    public static final int FETCH_MAX_WAIT_MS_MAX = 30_000;
    /** The most bytes of one answer: below the broker's 16 MiB frame limit. */
    public static final int FETCH_MAX_BYTES_MAX = 15 * 1024 * 1024;
    /** The most messages one poll returns. */
    public static final int MAX_POLL_MESSAGES_MAX = 100_000;
    /** The longest of the timeouts. */
    public static final int TIMEOUT_MS_MAX = 24 * 60 * 60 * 1000;

    /** Checks every setting; see the type's doc. */
    public ConsumerConfig {
        checkBootstrap(bootstrap);
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(ackMode, "ackMode");
        Objects.requireNonNull(autoOffsetReset, "autoOffsetReset");
        if (group != null && group.isEmpty()) {
            throw new IllegalArgumentException("group must not be empty; leave it null to name it in subscribe");
        }
        checkRange("sessionTimeoutMs", sessionTimeoutMs, SESSION_TIMEOUT_MS_MIN, SESSION_TIMEOUT_MS_MAX);
        checkRange("fetchMaxWaitMs", fetchMaxWaitMs, 0, FETCH_MAX_WAIT_MS_MAX);
        checkRange("fetchMaxBytes", fetchMaxBytes, 1, FETCH_MAX_BYTES_MAX);
        checkRange("queueFetchMaxBytes", queueFetchMaxBytes, 1, fetchMaxBytes);
        checkRange("maxPollMessages", maxPollMessages, 1, MAX_POLL_MESSAGES_MAX);
        checkRange("requestTimeoutMs", requestTimeoutMs, 1, TIMEOUT_MS_MAX);
        checkRange("pushCreditBytes", pushCreditBytes, 1, FETCH_MAX_BYTES_MAX);
        checkRange("autoCommitIntervalMs", autoCommitIntervalMs, 1, TIMEOUT_MS_MAX);
        checkRange("retryBackoffMs", retryBackoffMs, 1, TIMEOUT_MS_MAX);
        checkRange("retryBackoffMaxMs", retryBackoffMaxMs, retryBackoffMs, TIMEOUT_MS_MAX);
        checkRange("closeTimeoutMs", closeTimeoutMs, 0, TIMEOUT_MS_MAX);
    }

    /**
     * The delivery guarantee of {@link #ackMode}: {@link DeliveryMode#AT_MOST_ONCE} for
     * {@link AckMode#BEFORE_PROCESSING}, {@link DeliveryMode#AT_LEAST_ONCE} for
     * {@link AckMode#AFTER_PROCESSING}, {@code null} for {@link AckMode#MANUAL} (it depends on when
     * the application commits).
     */
    public DeliveryMode deliveryMode() {
        return switch (ackMode) {
            case BEFORE_PROCESSING -> DeliveryMode.AT_MOST_ONCE;
            case AFTER_PROCESSING -> DeliveryMode.AT_LEAST_ONCE;
            case MANUAL -> null;
        };
    }

    /** Defaults for a consumer of the broker at {@code bootstrap} ({@code host:port}). */
    public static Builder builder(String bootstrap) {
        return new Builder(bootstrap);
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(bootstrap).clientId(clientId).group(group).ackMode(ackMode)
                .autoOffsetReset(autoOffsetReset).sessionTimeoutMs(sessionTimeoutMs).fetchMaxWaitMs(fetchMaxWaitMs)
                .fetchMaxBytes(fetchMaxBytes).queueFetchMaxBytes(queueFetchMaxBytes)
                .maxPollMessages(maxPollMessages).requestTimeoutMs(requestTimeoutMs)
                .pushCreditBytes(pushCreditBytes).autoCommitIntervalMs(autoCommitIntervalMs)
                .retryBackoffMs(retryBackoffMs).retryBackoffMaxMs(retryBackoffMaxMs).closeTimeoutMs(closeTimeoutMs);
    }

    /** Builds a {@link ConsumerConfig}; every setting starts at its default. Not thread-safe. */
    public static final class Builder {
        private final String bootstrap;
        private String clientId = "sluice-consumer";
        private String group;
        private AckMode ackMode = AckMode.AFTER_PROCESSING;
        private OffsetReset autoOffsetReset = OffsetReset.LATEST;
        private int sessionTimeoutMs = 10_000;
        private int fetchMaxWaitMs = 500;
        private int fetchMaxBytes = 4 * 1024 * 1024;
        private int queueFetchMaxBytes = 1024 * 1024;
        private int maxPollMessages = 500;
        private int requestTimeoutMs = 30_000;
        private int pushCreditBytes = 1024 * 1024;
        private int autoCommitIntervalMs = 1_000;
        private int retryBackoffMs = 100;
        private int retryBackoffMaxMs = 1_000;
        private long closeTimeoutMs = 30_000;

        private Builder(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        /** Default {@code "sluice-consumer"}. */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** Default none: name it in {@code subscribe(topic, group)}. */
        public Builder group(String group) {
            this.group = group;
            return this;
        }

        /** Default {@link AckMode#AFTER_PROCESSING}. */
        public Builder ackMode(AckMode ackMode) {
            this.ackMode = ackMode;
            return this;
        }

        /**
         * Sets the {@link #ackMode} that gives {@code deliveryMode}: {@link DeliveryMode#AT_MOST_ONCE}
         * is {@link AckMode#BEFORE_PROCESSING}, {@link DeliveryMode#AT_LEAST_ONCE} (the default) is
         * {@link AckMode#AFTER_PROCESSING}. The two settings are one: the later call wins.
         * {@link AckMode#MANUAL} has no delivery mode (the application decides when to commit).
         *
         * @throws IllegalArgumentException for {@link DeliveryMode#EXACTLY_ONCE}, which a plain
         *     consumer cannot give: use an {@link IdempotentConsumer}
         */
        public Builder deliveryMode(DeliveryMode deliveryMode) {
            this.ackMode = switch (Objects.requireNonNull(deliveryMode, "deliveryMode")) {
                case AT_MOST_ONCE -> AckMode.BEFORE_PROCESSING;
                case AT_LEAST_ONCE -> AckMode.AFTER_PROCESSING;
                case EXACTLY_ONCE -> throw new IllegalArgumentException("deliveryMode EXACTLY_ONCE needs consumer-side"
                        + " de-duplication, which a plain Consumer does not do: use IdempotentConsumer (it takes this"
                        + " config with AT_LEAST_ONCE and records processed message ids in your database)");
            };
            return this;
        }

        /** Default {@link OffsetReset#LATEST}. */
        public Builder autoOffsetReset(OffsetReset autoOffsetReset) {
            this.autoOffsetReset = autoOffsetReset;
            return this;
        }

        /** Default 10,000 ms; 100 to 600,000. */
        public Builder sessionTimeoutMs(int sessionTimeoutMs) {
            this.sessionTimeoutMs = sessionTimeoutMs;
            return this;
        }

        /** Default 500 ms; 0 to 30,000. */
        public Builder fetchMaxWaitMs(int fetchMaxWaitMs) {
            this.fetchMaxWaitMs = fetchMaxWaitMs;
            return this;
        }

        /** Default 4 MiB; at most 15 MiB. */
        public Builder fetchMaxBytes(int fetchMaxBytes) {
            this.fetchMaxBytes = fetchMaxBytes;
            return this;
        }

        /** Default 1 MiB; at most {@code fetchMaxBytes}. */
        public Builder queueFetchMaxBytes(int queueFetchMaxBytes) {
            this.queueFetchMaxBytes = queueFetchMaxBytes;
            return this;
        }

        /** Default 500; 1 to 100,000. */
        public Builder maxPollMessages(int maxPollMessages) {
            this.maxPollMessages = maxPollMessages;
            return this;
        }

        /** Default 30,000 ms. */
        public Builder requestTimeoutMs(int requestTimeoutMs) {
            this.requestTimeoutMs = requestTimeoutMs;
            return this;
        }

        /** Default 1 MiB; at most 15 MiB. */
        public Builder pushCreditBytes(int pushCreditBytes) {
            this.pushCreditBytes = pushCreditBytes;
            return this;
        }

        /** Default 1,000 ms. */
        public Builder autoCommitIntervalMs(int autoCommitIntervalMs) {
            this.autoCommitIntervalMs = autoCommitIntervalMs;
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

        /** Default 30,000 ms. */
        public Builder closeTimeoutMs(long closeTimeoutMs) {
            this.closeTimeoutMs = closeTimeoutMs;
            return this;
        }

        /**
         * The config.
         *
         * @throws IllegalArgumentException naming the first setting out of range
         */
        public ConsumerConfig build() {
            return new ConsumerConfig(bootstrap, clientId, group, ackMode, autoOffsetReset, sessionTimeoutMs,
                    fetchMaxWaitMs, fetchMaxBytes, queueFetchMaxBytes, maxPollMessages, requestTimeoutMs,
                    pushCreditBytes, autoCommitIntervalMs, retryBackoffMs, retryBackoffMaxMs, closeTimeoutMs);
        }
    }
}
