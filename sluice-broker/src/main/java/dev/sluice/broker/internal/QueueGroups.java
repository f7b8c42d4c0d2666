package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.QueueAck;
import dev.sluice.broker.QueueAckResult;
import dev.sluice.broker.QueueGroupCoordinator;
import dev.sluice.broker.QueueGroupDescription;
import dev.sluice.broker.QueueReceiveRequest;
import dev.sluice.broker.QueueReceiveResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The queue-mode {@link QueueGroupCoordinator}. Work in progress: not implemented yet. */
public final class QueueGroups implements QueueGroupCoordinator {
    @Override
    public CompletableFuture<QueueReceiveResult> receive(QueueReceiveRequest request) {
        return CompletableFuture.failedFuture(notYet());
    }

    @Override
    public CompletableFuture<List<QueueAckResult>> acknowledge(String group, String topic, List<QueueAck> acks) {
        return CompletableFuture.failedFuture(notYet());
    }

    @Override
    public QueueGroupDescription describe(String group) {
        return null;
    }

    @Override
    public List<String> list() {
        return List.of();
    }

    private static BrokerException notYet() {
        return new BrokerException(BrokerError.UNKNOWN_SERVER_ERROR, "queue mode is not implemented yet");
    }
}
