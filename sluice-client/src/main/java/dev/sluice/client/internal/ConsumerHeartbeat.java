package dev.sluice.client.internal;

import dev.sluice.client.SluiceException;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.HeartbeatRequest;
import dev.sluice.protocol.HeartbeatResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's heartbeat thread, {@code sluice-consumer-heartbeat}: joins the group, then sends
 * HEARTBEAT every {@code heartbeatIntervalMs} (the broker's), or at once when the owner dropped
 * queues, reporting the owned queues and passing each answer to {@link GroupMembership}. On
 * UNKNOWN_MEMBER it marks the queues lost and joins again; on a lost connection or a retriable
 * error it backs off and tries again; on any other error it records it for the owner to throw.
 */
public final class ConsumerHeartbeat implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(ConsumerHeartbeat.class);
    /** Heartbeat interval before the broker has told one: a third of the session. */
    private static final int SESSION_FRACTION = 3;

    private final BrokerConnection connection;
    private final GroupMembership membership;
    private final String group;
    private final String topic;
    private final String clientId;
    private final int sessionTimeoutMs;
    private final int requestTimeoutMs;
    private final RetryBackoff backoff;
    private volatile boolean stopped;

    /** A heartbeat loop for one member. */
    public ConsumerHeartbeat(BrokerConnection connection, GroupMembership membership, String group, String topic,
            String clientId, int sessionTimeoutMs, int requestTimeoutMs, RetryBackoff backoff) {
        this.connection = connection;
        this.membership = membership;
        this.group = group;
        this.topic = topic;
        this.clientId = clientId;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.requestTimeoutMs = requestTimeoutMs;
        this.backoff = backoff;
    }

    /** Ends the loop; the thread exits promptly. */
    public void stop() {
        stopped = true;
        membership.wakeHeartbeat();
    }

    @Override
    public void run() {
        int failures = 0;
        try {
            while (!stopped) {
                long waitMs;
                if (beat()) {
                    failures = 0;
                    waitMs = membership.heartbeatIntervalMs(sessionTimeoutMs / SESSION_FRACTION);
                } else {
                    failures++;
                    waitMs = Math.min(backoff.backoffMs(failures), sessionTimeoutMs / SESSION_FRACTION);
                }
                if (!stopped) {
                    membership.awaitHeartbeatDue(waitMs);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOGGER.error("consumer heartbeat failed group={} topic={}", group, topic, e);
            membership.onFatal(e);
        }
    }

    /** One heartbeat; whether it succeeded. */
    private boolean beat() throws InterruptedException {
        HeartbeatRequest request = new HeartbeatRequest(group, topic, membership.memberId(), clientId,
                sessionTimeoutMs, membership.owned());
        HeartbeatResponse response;
        try {
            response = connection.<HeartbeatResponse>send(request, requestTimeoutMs)
                    .get(requestTimeoutMs + (long) requestTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = Errors.unwrap(e);
            if (!Errors.retriable(cause)) {
                membership.onFatal(Errors.asRuntime(cause));
                stopped = true;
            }
            LOGGER.debug("heartbeat failed group={} cause={}", group, cause.toString());
            return false;
        } catch (TimeoutException e) {
            return false;
        }
        if (response.errorCode() == ErrorCode.UNKNOWN_MEMBER) {
            LOGGER.info("consumer left the group by the broker; joining again group={} memberId={}", group,
                    request.memberId());
            membership.onUnknownMember();
            return true;
        }
        if (response.isError()) {
            SluiceException error = Errors.toException(response.errorCode(), response.errorMessage());
            if (error.retriable()) {
                return false;
            }
            membership.onFatal(error);
            stopped = true;
            return false;
        }
        membership.onHeartbeat(response.memberId(), response.generation(), response.heartbeatIntervalMs(),
                response.assignedQueues());
        return true;
    }
}
