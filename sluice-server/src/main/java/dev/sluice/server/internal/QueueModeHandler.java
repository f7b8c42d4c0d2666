package dev.sluice.server.internal;

import dev.sluice.broker.Broker;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.QueueAck;
import dev.sluice.broker.QueueAckResult;
import dev.sluice.broker.QueueDeliveries;
import dev.sluice.broker.QueueDelivery;
import dev.sluice.broker.QueueGroupDescription;
import dev.sluice.broker.QueueGroupSettings;
import dev.sluice.broker.QueueReceiveResult;
import dev.sluice.protocol.DescribeQueueGroupRequest;
import dev.sluice.protocol.DescribeQueueGroupResponse;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.QueueAckRequest;
import dev.sluice.protocol.QueueAckResponse;
import dev.sluice.protocol.QueueReceiveRequest;
import dev.sluice.protocol.QueueReceiveResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Maps the queue-mode apis (QUEUE_RECEIVE, QUEUE_ACK, DESCRIBE_QUEUE_GROUP) onto
 * {@link Broker#queueGroups()}. Checks the wire fields against the contract's ranges first, so a
 * client learns which field is wrong, and bounds a receive's answer to one frame. Stateless apart
 * from the broker; called on event-loop threads.
 */
final class QueueModeHandler {
    /** Bytes of one delivery in a QUEUE_RECEIVE answer: offset int64, deliveryCount int32. */
    static final int DELIVERY_BYTES = 12;
    /** Room per queue of a QUEUE_RECEIVE answer for its fields and an error message. */
    static final int QUEUE_OVERHEAD_BYTES = 512;

    private final Broker broker;
    private final int frameBytesMax;

    QueueModeHandler(Broker broker, int frameBytesMax) {
        this.broker = broker;
        this.frameBytesMax = frameBytesMax;
    }

    /**
     * A bound on a QUEUE_RECEIVE answer's size, for the connection's answer budget: its records
     * limit, its deliveries and headers, never more than a frame.
     */
    static long answerBudget(QueueReceiveRequest request, int frameBytesMax) {
        long bytes = Math.max(0, request.maxBytes()) + (long) DELIVERY_BYTES * Math.max(0, request.maxMessages())
                + QUEUE_OVERHEAD_BYTES;
        return Math.min(bytes, frameBytesMax);
    }

    CompletableFuture<QueueReceiveResponse> receive(QueueReceiveRequest request) {
        checkRange("QUEUE_RECEIVE maxMessages", request.maxMessages(), 1, dev.sluice.broker.QueueReceiveRequest.MAX_MESSAGES_MAX);
        checkRange("QUEUE_RECEIVE maxBytes", request.maxBytes(), 1, Integer.MAX_VALUE);
        checkRange("QUEUE_RECEIVE visibilityTimeoutMs", request.visibilityTimeoutMs(),
                dev.sluice.broker.QueueReceiveRequest.VISIBILITY_TIMEOUT_MS_MIN,
                dev.sluice.broker.QueueReceiveRequest.VISIBILITY_TIMEOUT_MS_MAX);
        checkRange("QUEUE_RECEIVE maxWaitMs", request.maxWaitMs(), 0, dev.sluice.broker.QueueReceiveRequest.MAX_WAIT_MS_MAX);
        checkRange("QUEUE_RECEIVE maxAttempts", request.maxAttempts(), QueueGroupSettings.MAX_ATTEMPTS_MIN,
                QueueGroupSettings.MAX_ATTEMPTS_MAX);
        if (request.group().isEmpty()) {
            throw new BrokerException(BrokerError.INVALID_REQUEST, "QUEUE_RECEIVE group is empty; name the group");
        }
        // The answer must fit a frame: its deliveries, per-queue headers and the records (whole
        // batches; the first is sent even beyond maxBytes, and one batch is at most batchBytesMax,
        // which the settings keep below frameBytesMax).
        int queueCount = broker.metadata(request.topic(), false).queueCount();
        long fixed = (long) DELIVERY_BYTES * request.maxMessages() + (long) QUEUE_OVERHEAD_BYTES * (queueCount + 1);
        int room = (int) Math.max(0, frameBytesMax - fixed);
        int maxBytes = Math.max(1, Math.min(request.maxBytes(), room));
        QueueGroupSettings settings = new QueueGroupSettings(request.maxAttempts(), request.deadLetterTopic(),
                request.messageGroups());
        CompletableFuture<QueueReceiveResult> parked = broker.queueGroups().receive(new dev.sluice.broker.QueueReceiveRequest(
                request.group(), request.topic(), settings, request.maxMessages(), maxBytes,
                request.visibilityTimeoutMs(), request.maxWaitMs()));
        CompletableFuture<QueueReceiveResponse> answer = parked.thenApply(QueueModeHandler::toResponse);
        // Cancelling the answer (the connection closed) cancels the parked receive, freeing its slot.
        // Messages acquired for an answer that is never sent come back after their visibility timeout.
        answer.whenComplete((ignored, failure) -> {
            if (answer.isCancelled()) {
                parked.cancel(false);
            }
        });
        return answer;
    }

    private static QueueReceiveResponse toResponse(QueueReceiveResult result) {
        List<QueueReceiveResponse.Queue> queues = new ArrayList<>(result.queues().size());
        for (QueueDeliveries queue : result.queues()) {
            List<QueueReceiveResponse.Delivery> deliveries = new ArrayList<>(queue.deliveries().size());
            for (QueueDelivery delivery : queue.deliveries()) {
                deliveries.add(new QueueReceiveResponse.Delivery(delivery.offset(), delivery.deliveryCount()));
            }
            queues.add(QueueReceiveResponse.queue(queue.queue(), deliveries, queue.batches()));
        }
        return QueueReceiveResponse.success(queues);
    }

    CompletableFuture<QueueAckResponse> acknowledge(QueueAckRequest request) {
        List<QueueAck> acks = new ArrayList<>(request.entries().size());
        for (QueueAckRequest.Entry entry : request.entries()) {
            acks.add(new QueueAck(entry.queue(), entry.offset(), entry.deliveryCount(),
                    dev.sluice.broker.QueueAckType.valueOf(entry.type().name()), entry.delayMs(), entry.reason()));
        }
        if (acks.isEmpty()) {
            return CompletableFuture.completedFuture(QueueAckResponse.success(List.of()));
        }
        return broker.queueGroups().acknowledge(request.group(), request.topic(), acks).thenApply(results -> {
            if (results.size() != acks.size()) {
                throw new IllegalStateException("the broker answered " + results.size() + " results to "
                        + acks.size() + " acknowledgements");
            }
            List<QueueAckResponse.Entry> entries = new ArrayList<>(results.size());
            for (QueueAckResult result : results) {
                entries.add(new QueueAckResponse.Entry(result.queue(), result.offset(),
                        result.error() == null ? ErrorCode.NONE : RequestHandler.errorCode(result.error()),
                        result.error() == null ? null : result.message()));
            }
            return QueueAckResponse.success(entries);
        });
    }

    DescribeQueueGroupResponse describe(DescribeQueueGroupRequest request) {
        QueueGroupDescription description = broker.queueGroups().describe(request.group());
        if (description == null) {
            boolean streamMode = broker.groups().list().stream().anyMatch(group -> group.group().equals(request.group()));
            return streamMode
                    ? DescribeQueueGroupResponse.error(ErrorCode.GROUP_MODE_MISMATCH, "group '" + request.group()
                            + "' is a stream-mode group: describe it with DESCRIBE_GROUP")
                    : DescribeQueueGroupResponse.error(ErrorCode.INVALID_REQUEST, "no queue-mode group '"
                            + request.group() + "'");
        }
        QueueGroupSettings settings = description.settings();
        return DescribeQueueGroupResponse.success(description.topic(), settings.maxAttempts(),
                settings.deadLetterTopic() == null ? "" : settings.deadLetterTopic(), settings.messageGroups(),
                description.queues().stream()
                        .map(queue -> new DescribeQueueGroupResponse.Queue(queue.queue(), queue.startOffset(),
                                queue.endOffset(), queue.inFlight(), queue.available(), queue.delayed(),
                                queue.deadLettered()))
                        .toList());
    }

    private static void checkRange(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new BrokerException(BrokerError.INVALID_REQUEST,
                    String.format("%s %,d is out of range: %,d to %,d", field, value, min, max));
        }
    }
}
