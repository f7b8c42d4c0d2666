package dev.sluice.client.internal;

import dev.sluice.client.OffsetReset;
import dev.sluice.client.SluiceException;
import dev.sluice.protocol.CommitOffsetsRequest;
import dev.sluice.protocol.CommitOffsetsResponse;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FetchOffsetsRequest;
import dev.sluice.protocol.FetchOffsetsResponse;
import dev.sluice.protocol.ListOffsetsRequest;
import dev.sluice.protocol.ListOffsetsResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Offset requests of a consumer: committed offsets (FETCH_OFFSETS), offsets by time or end
 * (LIST_OFFSETS), and commits (COMMIT_OFFSETS). Thread-safe (stateless over the connection).
 */
public final class GroupOffsets {
    private final BrokerConnection connection;
    private final String group;
    private final String topic;
    private final int requestTimeoutMs;

    /** Offsets of {@code group} on {@code topic}. */
    public GroupOffsets(BrokerConnection connection, String group, String topic, int requestTimeoutMs) {
        this.connection = connection;
        this.group = group;
        this.topic = topic;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    /** The group. */
    public String group() {
        return group;
    }

    /** The group's committed offsets of {@code queues}; queues with nothing committed are absent. */
    public Map<Integer, Long> committed(Collection<Integer> queues) {
        FetchOffsetsResponse response = Errors.check(connection.<FetchOffsetsResponse>send(
                new FetchOffsetsRequest(group, topic), requestTimeoutMs).join());
        Map<Integer, Long> offsets = new HashMap<>();
        for (FetchOffsetsResponse.Entry entry : response.entries()) {
            if (queues.contains(entry.queue()) && entry.offset() != FetchOffsetsResponse.NO_OFFSET) {
                offsets.put(entry.queue(), entry.offset());
            }
        }
        return offsets;
    }

    /** The offsets of {@code queues} that {@code reset} points at. */
    public Map<Integer, Long> resolve(Collection<Integer> queues, OffsetReset reset) {
        List<ListOffsetsRequest.Entry> entries = new ArrayList<>();
        for (int queue : queues) {
            entries.add(new ListOffsetsRequest.Entry(queue, reset.wireTimestamp()));
        }
        ListOffsetsResponse response = Errors.check(connection.<ListOffsetsResponse>send(
                new ListOffsetsRequest(topic, entries), requestTimeoutMs).join());
        Map<Integer, Long> offsets = new HashMap<>();
        for (ListOffsetsResponse.Entry entry : response.entries()) {
            if (entry.errorCode() != ErrorCode.NONE) {
                throw Errors.toException(entry.errorCode(), "LIST_OFFSETS of " + topic + " queue " + entry.queue());
            }
            offsets.put(entry.queue(), entry.offset());
        }
        return offsets;
    }

    /**
     * Commits {@code offsets} (queue → next offset to consume) as {@code memberId} (empty: an admin
     * commit); the future fails with the first queue's error.
     */
    public CompletableFuture<Void> commit(String memberId, Map<Integer, Long> offsets) {
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CommitOffsetsRequest.Entry> entries = new ArrayList<>();
        offsets.forEach((queue, offset) -> entries.add(new CommitOffsetsRequest.Entry(queue, offset)));
        return connection.<CommitOffsetsResponse>send(
                new CommitOffsetsRequest(group, memberId, topic, entries), requestTimeoutMs)
                .thenAccept(response -> {
                    Errors.check(response);
                    for (CommitOffsetsResponse.Entry entry : response.entries()) {
                        if (entry.errorCode() != ErrorCode.NONE) {
                            throw commitError(entry);
                        }
                    }
                });
    }

    private SluiceException commitError(CommitOffsetsResponse.Entry entry) {
        return Errors.toException(entry.errorCode(), "commit of group " + group + " topic " + topic + " queue "
                + entry.queue());
    }
}
