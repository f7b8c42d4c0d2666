package dev.sluice.client;

import static dev.sluice.client.internal.ConfigChecks.checkBootstrap;
import static dev.sluice.client.internal.ConfigChecks.checkRange;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The settings of a {@link QueueConsumer}, validated when built: each out-of-range value fails with
 * an {@link IllegalArgumentException} naming the setting, its value and its range. See
 * {@code docs/client.md}, "Queue mode", for what each setting guarantees.
 *
 * <p>{@code maxAttempts}, {@code deadLetterTopic} and {@code messageGroups} are the group's
 * settings: the first receive of a group creates it with them, and a consumer with other values is
 * refused ({@code GROUP_MODE_MISMATCH}).
 *
 * <p>Immutable and thread-safe. Start from {@link #builder(String)}.
 *
 * @param bootstrap the broker's {@code host:port}
 * @param clientId a name for this client in the broker's logs
 * @param group the queue-mode group {@link QueueConsumer#subscribe(String)} uses, or {@code null}
 *     when the application always names it in {@link QueueConsumer#subscribe(String, String)}
 * @param deliveryMode {@link DeliveryMode#AT_LEAST_ONCE} (the application or the listener acks
 *     after processing) or {@link DeliveryMode#AT_MOST_ONCE} ({@code poll} acks before returning);
 *     {@link DeliveryMode#EXACTLY_ONCE} is refused: use {@code IdempotentConsumer}
 * @param visibilityTimeoutMs how long a delivered message stays invisible to other consumers while
 *     this one works on it; unacknowledged, it is delivered again after that
 * @param maxAttempts deliveries of a message before it is dead-lettered
 * @param deadLetterTopic where messages go after {@code maxAttempts} or a reject: {@code null} is
 *     the broker's default {@code <group>.dlq}, {@code ""} none (such messages are dropped)
 * @param messageGroups FIFO per key: at most one message per record key in flight, in offset order
 * @param maxPollMessages the most messages one {@code poll} returns
 * @param fetchMaxWaitMs the longest a receive long poll parks at the broker
 * @param fetchMaxBytes the most record bytes one receive answer carries (whole batches; the first
 *     is always sent)
 * @param redeliveryDelayMs the listener's nack delay after a first failed delivery; it doubles with
 *     each further delivery
 * @param redeliveryDelayMaxMs the longest nack delay of the listener
 * @param requestTimeoutMs how long a request other than a long poll waits for its answer; also how
 *     long an acknowledgement is retried across lost connections
 * @param retryBackoffMs the first back-off after a failed request or lost connection
 * @param retryBackoffMaxMs the longest back-off
 * @param closeTimeoutMs how long {@code close} waits for the listener and acknowledgements in flight
 */
public record QueueConsumerConfig(
        String bootstrap,
        String clientId,
        String group,
        DeliveryMode deliveryMode,
        int visibilityTimeoutMs,
        int maxAttempts,
        String deadLetterTopic,
        boolean messageGroups,
        int maxPollMessages,
        int fetchMaxWaitMs,
        int fetchMaxBytes,
        int redeliveryDelayMs,
        int redeliveryDelayMaxMs,
        int requestTimeoutMs,
        int retryBackoffMs,
        int retryBackoffMaxMs,
        long closeTimeoutMs) {

    /** The shortest visibility timeout the broker allows. */
    public static final int VISIBILITY_TIMEOUT_MS_MIN = 1_000;
    /** The longest visibility timeout, nack delay and extension the broker allows: 12 hours. */
    public static final int VISIBILITY_TIMEOUT_MS_MAX = 43_200_000;
    /** The most deliveries of one message. */
    public static final int MAX_ATTEMPTS_MAX = 1_000;
    /** The most messages one poll returns (one receive's limit). */
    public static final int MAX_POLL_MESSAGES_MAX = 100_000;
    /** The longest long poll the broker allows. */
    public static final int FETCH_MAX_WAIT_MS_MAX = 30_000;
    /** The most bytes of one answer: below the broker's 16 MiB frame limit. */
    public static final int FETCH_MAX_BYTES_MAX = 15 * 1024 * 1024;
    /** The longest of the timeouts. */
    public static final int TIMEOUT_MS_MAX = 24 * 60 * 60 * 1000;

    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    /** Checks every setting; see the type's doc. */
    public QueueConsumerConfig {
        checkBootstrap(bootstrap);
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(deliveryMode, "deliveryMode");
        if (deliveryMode == DeliveryMode.EXACTLY_ONCE) {
            throw new IllegalArgumentException("deliveryMode EXACTLY_ONCE is not a queue consumer's: a queue consumer "
                    + "delivers AT_LEAST_ONCE or AT_MOST_ONCE; for exactly-once processing use IdempotentConsumer");
        }
        if (group != null && group.isEmpty()) {
            throw new IllegalArgumentException("group must not be empty; leave it null to name it in subscribe");
        }
        checkRange("visibilityTimeoutMs", visibilityTimeoutMs, VISIBILITY_TIMEOUT_MS_MIN, VISIBILITY_TIMEOUT_MS_MAX);
        checkRange("maxAttempts", maxAttempts, 1, MAX_ATTEMPTS_MAX);
        if (deadLetterTopic != null && !deadLetterTopic.isEmpty()
                && (!TOPIC_NAME.matcher(deadLetterTopic).matches() || deadLetterTopic.startsWith("__"))) {
            throw new IllegalArgumentException("deadLetterTopic '" + deadLetterTopic + "' is not a topic name: 1-249 "
                    + "characters of [A-Za-z0-9._-], not starting with __ (null: <group>.dlq, empty: none)");
        }
        checkRange("maxPollMessages", maxPollMessages, 1, MAX_POLL_MESSAGES_MAX);
        checkRange("fetchMaxWaitMs", fetchMaxWaitMs, 0, FETCH_MAX_WAIT_MS_MAX);
        checkRange("fetchMaxBytes", fetchMaxBytes, 1, FETCH_MAX_BYTES_MAX);
        checkRange("redeliveryDelayMs", redeliveryDelayMs, 0, VISIBILITY_TIMEOUT_MS_MAX);
        checkRange("redeliveryDelayMaxMs", redeliveryDelayMaxMs, redeliveryDelayMs, VISIBILITY_TIMEOUT_MS_MAX);
        checkRange("requestTimeoutMs", requestTimeoutMs, 1, TIMEOUT_MS_MAX);
        checkRange("retryBackoffMs", retryBackoffMs, 1, TIMEOUT_MS_MAX);
        checkRange("retryBackoffMaxMs", retryBackoffMaxMs, retryBackoffMs, TIMEOUT_MS_MAX);
        checkRange("closeTimeoutMs", closeTimeoutMs, 0, TIMEOUT_MS_MAX);
    }

    /** Defaults for a queue consumer of the broker at {@code bootstrap} ({@code host:port}). */
    public static Builder builder(String bootstrap) {
        return new Builder(bootstrap);
    }

    /**
     * The listener's nack delay for a message that failed on its {@code deliveryCount}-th delivery:
     * {@code redeliveryDelayMs} doubled for each delivery after the first, at most
     * {@code redeliveryDelayMaxMs}.
     */
    public long redeliveryDelayMs(int deliveryCount) {
        int doublings = Math.min(Math.max(0, deliveryCount - 1), 30);
        return Math.min(redeliveryDelayMaxMs, (long) redeliveryDelayMs << doublings);
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(bootstrap).clientId(clientId).group(group).deliveryMode(deliveryMode)
                .visibilityTimeoutMs(visibilityTimeoutMs).maxAttempts(maxAttempts).deadLetterTopic(deadLetterTopic)
                .messageGroups(messageGroups).maxPollMessages(maxPollMessages).fetchMaxWaitMs(fetchMaxWaitMs)
                .fetchMaxBytes(fetchMaxBytes).redeliveryDelayMs(redeliveryDelayMs)
                .redeliveryDelayMaxMs(redeliveryDelayMaxMs).requestTimeoutMs(requestTimeoutMs)
                .retryBackoffMs(retryBackoffMs).retryBackoffMaxMs(retryBackoffMaxMs).closeTimeoutMs(closeTimeoutMs);
    }

    /** Builds a {@link QueueConsumerConfig}; every setting starts at its default. Not thread-safe. */
    public static final class Builder {
        private final String bootstrap;
        private String clientId = "sluice-queue-consumer";
        private String group;
        private DeliveryMode deliveryMode = DeliveryMode.AT_LEAST_ONCE;
        private int visibilityTimeoutMs = 30_000;
        private int maxAttempts = 5;
        private String deadLetterTopic;
        private boolean messageGroups;
        private int maxPollMessages = 500;
        private int fetchMaxWaitMs = 500;
        private int fetchMaxBytes = 4 * 1024 * 1024;
        private int redeliveryDelayMs = 1_000;
        private int redeliveryDelayMaxMs = 60_000;
        private int requestTimeoutMs = 30_000;
        private int retryBackoffMs = 100;
        private int retryBackoffMaxMs = 1_000;
        private long closeTimeoutMs = 30_000;

        private Builder(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        /** Default {@code "sluice-queue-consumer"}. */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** Default none: name it in {@code subscribe(topic, group)}. */
        public Builder group(String group) {
            this.group = group;
            return this;
        }

        /** Default {@link DeliveryMode#AT_LEAST_ONCE}; {@link DeliveryMode#EXACTLY_ONCE} is refused. */
        public Builder deliveryMode(DeliveryMode deliveryMode) {
            this.deliveryMode = deliveryMode;
            return this;
        }

        /** Default 30,000 ms; 1,000 to 43,200,000 (12 h). */
        public Builder visibilityTimeoutMs(int visibilityTimeoutMs) {
            this.visibilityTimeoutMs = visibilityTimeoutMs;
            return this;
        }

        /** Default 5; 1 to 1,000. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Default {@code null}: the broker's {@code <group>.dlq}; {@code ""}: none. */
        public Builder deadLetterTopic(String deadLetterTopic) {
            this.deadLetterTopic = deadLetterTopic;
            return this;
        }

        /** Default false. */
        public Builder messageGroups(boolean messageGroups) {
            this.messageGroups = messageGroups;
            return this;
        }

        /** Default 500; 1 to 100,000. */
        public Builder maxPollMessages(int maxPollMessages) {
            this.maxPollMessages = maxPollMessages;
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

        /** Default 1,000 ms; 0 to 43,200,000. */
        public Builder redeliveryDelayMs(int redeliveryDelayMs) {
            this.redeliveryDelayMs = redeliveryDelayMs;
            return this;
        }

        /** Default 60,000 ms; at least {@code redeliveryDelayMs}. */
        public Builder redeliveryDelayMaxMs(int redeliveryDelayMaxMs) {
            this.redeliveryDelayMaxMs = redeliveryDelayMaxMs;
            return this;
        }

        /** Default 30,000 ms. */
        public Builder requestTimeoutMs(int requestTimeoutMs) {
            this.requestTimeoutMs = requestTimeoutMs;
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
        public QueueConsumerConfig build() {
            return new QueueConsumerConfig(bootstrap, clientId, group, deliveryMode, visibilityTimeoutMs, maxAttempts,
                    deadLetterTopic, messageGroups, maxPollMessages, fetchMaxWaitMs, fetchMaxBytes, redeliveryDelayMs,
                    redeliveryDelayMaxMs, requestTimeoutMs, retryBackoffMs, retryBackoffMaxMs, closeTimeoutMs);
        }
    }
}
