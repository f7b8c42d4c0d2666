package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.QueueAck;
import dev.sluice.broker.QueueAckType;
import dev.sluice.broker.QueueGroupSettings;
import dev.sluice.broker.QueueReceiveRequest;

/**
 * Checks of queue-mode requests against the contract's ranges: INVALID_REQUEST naming the field,
 * the value and the rule. Stateless.
 */
final class QueueRequests {
    private QueueRequests() {}

    /** The request's settings with the dead-letter topic resolved ("<group>.dlq" for null). */
    static QueueGroupSettings resolved(QueueReceiveRequest request) {
        return new QueueGroupSettings(request.settings().maxAttempts(),
                deadLetterTopic(request.group(), request.settings()), request.settings().messageGroups());
    }

    /** INVALID_REQUEST unless every field of the receive is within its range. */
    static void check(QueueReceiveRequest request) {
        StreamGroups.checkName("group", request.group(), false);
        QueueGroupSettings settings = request.settings();
        checkRange("maxAttempts", settings.maxAttempts(), QueueGroupSettings.MAX_ATTEMPTS_MIN,
                QueueGroupSettings.MAX_ATTEMPTS_MAX);
        checkRange("maxMessages", request.maxMessages(), 1, QueueReceiveRequest.MAX_MESSAGES_MAX);
        checkRange("maxBytes", request.maxBytes(), 1, Integer.MAX_VALUE);
        checkRange("visibilityTimeoutMs", request.visibilityTimeoutMs(), QueueReceiveRequest.VISIBILITY_TIMEOUT_MS_MIN,
                QueueReceiveRequest.VISIBILITY_TIMEOUT_MS_MAX);
        checkRange("maxWaitMs", request.maxWaitMs(), 0, QueueReceiveRequest.MAX_WAIT_MS_MAX);
        String deadLetterTopic = deadLetterTopic(request.group(), settings);
        if (!deadLetterTopic.isEmpty()) {
            try {
                TopicRegistry.checkName(deadLetterTopic);
            } catch (BrokerException e) {
                throw new BrokerException(BrokerError.INVALID_REQUEST, "deadLetterTopic: " + e.getMessage()
                        + (settings.deadLetterTopic() == null ? " (the default <group>.dlq; name one, or \"\" for none)"
                                : ""));
            }
            if (deadLetterTopic.equals(request.topic())) {
                throw new BrokerException(BrokerError.INVALID_REQUEST, String.format(
                        "deadLetterTopic %s is the group's own topic", deadLetterTopic));
            }
        }
    }

    static void checkRange(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new BrokerException(BrokerError.INVALID_REQUEST,
                    String.format("%s is %,d; it must be between %,d and %,d", field, value, min, max));
        }
    }

    static String deadLetterTopic(String group, QueueGroupSettings settings) {
        return settings.deadLetterTopic() == null ? group + ".dlq" : settings.deadLetterTopic();
    }

    static String describe(QueueGroupSettings settings) {
        return String.format("maxAttempts %d, deadLetterTopic '%s', messageGroups %s", settings.maxAttempts(),
                settings.deadLetterTopic(), settings.messageGroups());
    }

    /** Why an acknowledgement entry is refused, or null. */
    static String invalid(QueueAck ack, int queueCount) {
        if (ack.queue() < 0 || ack.queue() >= queueCount) {
            return String.format("queue %,d is not below queueCount %,d", ack.queue(), queueCount);
        }
        if (ack.type() == null) {
            return "type is missing";
        }
        if (ack.type() == QueueAckType.NACK && (ack.delayMs() < 0
                || ack.delayMs() > QueueReceiveRequest.VISIBILITY_TIMEOUT_MS_MAX)) {
            return String.format("delayMs is %,d; a NACK's must be between 0 and %,d", ack.delayMs(),
                    QueueReceiveRequest.VISIBILITY_TIMEOUT_MS_MAX);
        }
        if (ack.type() == QueueAckType.RENEW && (ack.delayMs() < QueueReceiveRequest.VISIBILITY_TIMEOUT_MS_MIN
                || ack.delayMs() > QueueReceiveRequest.VISIBILITY_TIMEOUT_MS_MAX)) {
            return String.format("delayMs is %,d; a RENEW's must be between %,d and %,d", ack.delayMs(),
                    QueueReceiveRequest.VISIBILITY_TIMEOUT_MS_MIN, QueueReceiveRequest.VISIBILITY_TIMEOUT_MS_MAX);
        }
        if (ack.reason() != null && ack.reason().length() > QueueAck.REASON_LENGTH_MAX) {
            return String.format("reason has %,d characters; REASON_LENGTH_MAX is %,d", ack.reason().length(),
                    QueueAck.REASON_LENGTH_MAX);
        }
        return null;
    }
}
