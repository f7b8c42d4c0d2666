package dev.sluice.server.internal;

import dev.sluice.broker.Broker;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.FetchEntry;
import dev.sluice.broker.FetchResult;
import dev.sluice.broker.GroupDescription;
import dev.sluice.broker.TopicDescription;
import dev.sluice.broker.TopicInfo;
import dev.sluice.broker.TopicSpec;
import dev.sluice.protocol.Acks;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.ApiVersionsResponse;
import dev.sluice.protocol.CommitOffsetsRequest;
import dev.sluice.protocol.CommitOffsetsResponse;
import dev.sluice.protocol.CreateTopicRequest;
import dev.sluice.protocol.CreateTopicResponse;
import dev.sluice.protocol.DeleteTopicRequest;
import dev.sluice.protocol.DeleteTopicResponse;
import dev.sluice.protocol.DescribeGroupRequest;
import dev.sluice.protocol.DescribeGroupResponse;
import dev.sluice.protocol.DescribeQueueGroupRequest;
import dev.sluice.protocol.DescribeTopicRequest;
import dev.sluice.protocol.DescribeTopicResponse;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FetchOffsetsRequest;
import dev.sluice.protocol.FetchOffsetsResponse;
import dev.sluice.protocol.FetchRequest;
import dev.sluice.protocol.FetchResponse;
import dev.sluice.protocol.HeartbeatRequest;
import dev.sluice.protocol.HeartbeatResponse;
import dev.sluice.protocol.LeaveGroupRequest;
import dev.sluice.protocol.LeaveGroupResponse;
import dev.sluice.protocol.InitProducerIdRequest;
import dev.sluice.protocol.InitProducerIdResponse;
import dev.sluice.protocol.ListGroupsResponse;
import dev.sluice.protocol.ListOffsetsRequest;
import dev.sluice.protocol.ListOffsetsResponse;
import dev.sluice.protocol.ListTopicsResponse;
import dev.sluice.protocol.MetadataRequest;
import dev.sluice.protocol.MetadataResponse;
import dev.sluice.protocol.ProduceRequest;
import dev.sluice.protocol.ProduceResponse;
import dev.sluice.protocol.QueueAckRequest;
import dev.sluice.protocol.QueueReceiveRequest;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.Response;
import dev.sluice.protocol.TopicFlushPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Maps each request of the native protocol onto the {@link Broker} API and its answer back onto a
 * response body. Stateless apart from the broker; connection state (push subscriptions) lives in
 * {@link NativeConnection}. Called on event-loop threads: every method here is quick or returns a
 * future that the broker completes on its own threads. {@code broker.produce} may block while the
 * storage append queue is full: that is the broker's back-pressure, felt by every connection.
 */
final class RequestHandler {
    /** Room left in a FETCH answer for its headers: per entry at most a 249-byte topic and 40 bytes of fields. */
    private static final int FETCH_ENTRY_OVERHEAD_BYTES = 512;

    private final Broker broker;
    private final int frameBytesMax;
    private final String brokerVersion;
    private final QueueModeHandler queueMode;

    RequestHandler(Broker broker, int frameBytesMax) {
        this.broker = broker;
        this.frameBytesMax = frameBytesMax;
        this.queueMode = new QueueModeHandler(broker, frameBytesMax);
        String version = RequestHandler.class.getPackage().getImplementationVersion();
        this.brokerVersion = "sluice " + (version == null ? "development build" : version);
    }

    /**
     * Handles one request other than the connection-scoped SUBSCRIBE, CREDIT and UNSUBSCRIBE.
     *
     * @param host the client's address, for group descriptions
     * @return the response, possibly later; fails with {@link BrokerException} for whole-request errors
     */
    CompletableFuture<? extends Response> handle(Request request, String host) {
        return switch (request.apiKey()) {
            case API_VERSIONS -> CompletableFuture.completedFuture(apiVersions());
            case METADATA -> CompletableFuture.completedFuture(metadata((MetadataRequest) request));
            case CREATE_TOPIC -> CompletableFuture.completedFuture(createTopic((CreateTopicRequest) request));
            case DELETE_TOPIC -> {
                broker.deleteTopic(((DeleteTopicRequest) request).topic());
                yield CompletableFuture.completedFuture(DeleteTopicResponse.success());
            }
            case LIST_TOPICS -> CompletableFuture.completedFuture(ListTopicsResponse.success(broker.topics().stream()
                    .map(topic -> new ListTopicsResponse.Topic(topic.name(), topic.queueCount())).toList()));
            case DESCRIBE_TOPIC -> CompletableFuture.completedFuture(describeTopic((DescribeTopicRequest) request));
            case PRODUCE -> produce((ProduceRequest) request);
            case FETCH -> fetch((FetchRequest) request);
            case LIST_OFFSETS -> CompletableFuture.completedFuture(listOffsets((ListOffsetsRequest) request));
            case HEARTBEAT -> CompletableFuture.completedFuture(heartbeat((HeartbeatRequest) request, host));
            case LEAVE_GROUP -> {
                LeaveGroupRequest leave = (LeaveGroupRequest) request;
                broker.groups().leave(leave.group(), leave.memberId());
                yield CompletableFuture.completedFuture(LeaveGroupResponse.success());
            }
            case COMMIT_OFFSETS -> commit((CommitOffsetsRequest) request);
            case FETCH_OFFSETS -> CompletableFuture.completedFuture(fetchOffsets((FetchOffsetsRequest) request));
            case DESCRIBE_GROUP -> CompletableFuture.completedFuture(describeGroup((DescribeGroupRequest) request));
            case LIST_GROUPS -> CompletableFuture.completedFuture(ListGroupsResponse.success(broker.groups().list().stream()
                    .map(group -> new ListGroupsResponse.Group(group.group(), group.topic(), group.memberCount())).toList()));
            case INIT_PRODUCER_ID -> CompletableFuture.completedFuture(initProducerId((InitProducerIdRequest) request));
            case QUEUE_RECEIVE -> queueMode.receive((QueueReceiveRequest) request);
            case QUEUE_ACK -> queueMode.acknowledge((QueueAckRequest) request);
            case DESCRIBE_QUEUE_GROUP -> CompletableFuture.completedFuture(
                    queueMode.describe((DescribeQueueGroupRequest) request));
            default -> throw new IllegalStateException(request.apiKey() + " is handled by the connection");
        };
    }

    private InitProducerIdResponse initProducerId(InitProducerIdRequest request) {
        if (request.transactionalId() != null) {
            return InitProducerIdResponse.error(ErrorCode.INVALID_REQUEST,
                    "transactional ids are not supported yet; send a null transactionalId");
        }
        return InitProducerIdResponse.success(broker.initProducerId(), (short) 0);
    }

    private ApiVersionsResponse apiVersions() {
        List<ApiVersionsResponse.Api> apis = new ArrayList<>();
        for (ApiKey api : ApiKey.values()) {
            apis.add(new ApiVersionsResponse.Api(api.id(), api.minVersion(), api.maxVersion()));
        }
        return ApiVersionsResponse.success(apis, brokerVersion, frameBytesMax, broker.config().storage().batchBytesMax());
    }

    private MetadataResponse metadata(MetadataRequest request) {
        List<MetadataResponse.Topic> topics = new ArrayList<>(request.topics().size());
        for (String name : request.topics()) {
            try {
                TopicInfo topic = broker.metadata(name, request.allowAutoCreate());
                topics.add(new MetadataResponse.Topic(name, ErrorCode.NONE, topic.queueCount()));
            } catch (BrokerException e) {
                topics.add(new MetadataResponse.Topic(name, errorCode(e.error()), 0));
            }
        }
        return MetadataResponse.success(topics);
    }

    private CreateTopicResponse createTopic(CreateTopicRequest request) {
        broker.createTopic(new TopicSpec(request.topic(), request.queueCount(), request.retentionMs(),
                switch (request.flushPolicy()) {
                    case BROKER_DEFAULT -> dev.sluice.broker.TopicFlushPolicy.DEFAULT;
                    case ASYNC -> dev.sluice.broker.TopicFlushPolicy.ASYNC;
                    case SYNC -> dev.sluice.broker.TopicFlushPolicy.SYNC;
                }, request.messageIdWindowMs()));
        return CreateTopicResponse.success();
    }

    private DescribeTopicResponse describeTopic(DescribeTopicRequest request) {
        TopicDescription description = broker.describeTopic(request.topic());
        TopicInfo info = description.info();
        return DescribeTopicResponse.success(info.queueCount(), info.retentionMs(),
                switch (info.flushPolicy()) {
                    case DEFAULT -> TopicFlushPolicy.BROKER_DEFAULT;
                    case ASYNC -> TopicFlushPolicy.ASYNC;
                    case SYNC -> TopicFlushPolicy.SYNC;
                },
                info.createdAtMs(), info.messageIdWindowMs(),
                description.queues().stream()
                        .map(queue -> new DescribeTopicResponse.Queue(queue.queue(), queue.startOffset(), queue.endOffset()))
                        .toList());
    }

    /**
     * Appends each entry's batch. The batches are views of the request frame: the caller keeps the
     * frame until the returned future completes, which is after every append has completed.
     */
    private CompletableFuture<ProduceResponse> produce(ProduceRequest request) {
        dev.sluice.broker.Acks acks = switch (request.acks()) {
            case NONE -> dev.sluice.broker.Acks.NONE;
            case LEADER -> dev.sluice.broker.Acks.LEADER;
            case DURABLE -> dev.sluice.broker.Acks.DURABLE;
        };
        List<ProduceRequest.Entry> entries = request.entries();
        @SuppressWarnings("unchecked")
        CompletableFuture<ProduceResponse.Entry>[] results = new CompletableFuture[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            ProduceRequest.Entry entry = entries.get(i);
            int queue = entry.queue();
            results[i] = broker.produce(request.topic(), queue, entry.batch().nioBuffer(), acks)
                    .handle((result, failure) -> failure == null
                            ? new ProduceResponse.Entry(queue, ErrorCode.NONE, null, result.baseOffset(), result.appendTimeMs(),
                                    duplicates(result))
                            : new ProduceResponse.Entry(queue, errorCode(failure), message(failure), -1, -1));
        }
        return CompletableFuture.allOf(results).thenApply(ignored -> {
            List<ProduceResponse.Entry> answer = new ArrayList<>(results.length);
            for (CompletableFuture<ProduceResponse.Entry> result : results) {
                answer.add(result.join());
            }
            return ProduceResponse.success(answer);
        });
    }

    private static List<ProduceResponse.Duplicate> duplicates(dev.sluice.broker.ProduceResult result) {
        if (result.duplicates().isEmpty()) {
            return List.of();
        }
        return result.duplicates().stream()
                .map(duplicate -> new ProduceResponse.Duplicate(duplicate.index(), duplicate.queue(), duplicate.offset()))
                .toList();
    }

    private CompletableFuture<FetchResponse> fetch(FetchRequest request) {
        if (request.maxWaitMs() < 0 || request.minBytes() < 0 || request.maxBytes() < 0) {
            throw new BrokerException(BrokerError.INVALID_REQUEST, "FETCH maxWaitMs " + request.maxWaitMs()
                    + ", minBytes " + request.minBytes() + ", maxBytes " + request.maxBytes() + ": none may be negative");
        }
        // The answer must fit a frame: whole batches beyond maxBytes are still sent (at least one), and
        // one batch is at most batchBytesMax, which the settings keep 1 KiB below frameBytesMax.
        int room = Math.max(0, frameBytesMax - FETCH_ENTRY_OVERHEAD_BYTES * (request.entries().size() + 1));
        int maxBytes = Math.min(request.maxBytes(), room);
        List<FetchEntry> entries = new ArrayList<>(request.entries().size());
        for (FetchRequest.Entry entry : request.entries()) {
            entries.add(new FetchEntry(entry.topic(), entry.queue(), entry.offset(), Math.min(entry.queueMaxBytes(), maxBytes)));
        }
        CompletableFuture<List<FetchResult>> parked =
                broker.fetch(new dev.sluice.broker.FetchRequest(entries, request.maxWaitMs(), request.minBytes(), maxBytes));
        CompletableFuture<FetchResponse> answer = parked.thenApply(results -> {
                    List<FetchResponse.Entry> answered = new ArrayList<>(results.size());
                    for (FetchResult result : results) {
                        answered.add(result.error() == null
                                ? FetchResponse.entry(result.topic(), result.queue(), result.startOffset(), result.endOffset(),
                                        result.batches())
                                : FetchResponse.errorEntry(result.topic(), result.queue(), errorCode(result.error()),
                                        result.errorMessage()));
                    }
                    return FetchResponse.success(answered);
                });
        // Cancelling the answer (the connection closed) cancels the parked fetch, freeing its slot.
        answer.whenComplete((ignored, failure) -> {
            if (answer.isCancelled()) {
                parked.cancel(false);
            }
        });
        return answer;
    }

    private ListOffsetsResponse listOffsets(ListOffsetsRequest request) {
        List<ListOffsetsResponse.Entry> entries = new ArrayList<>(request.entries().size());
        for (ListOffsetsRequest.Entry entry : request.entries()) {
            try {
                long offset = broker.listOffset(request.topic(), entry.queue(), entry.timestampMs());
                entries.add(new ListOffsetsResponse.Entry(entry.queue(), ErrorCode.NONE, offset));
            } catch (BrokerException e) {
                entries.add(new ListOffsetsResponse.Entry(entry.queue(), errorCode(e.error()), -1));
            }
        }
        return ListOffsetsResponse.success(entries);
    }

    private HeartbeatResponse heartbeat(HeartbeatRequest request, String host) {
        var result = broker.groups().heartbeat(new dev.sluice.broker.HeartbeatRequest(request.group(), request.topic(),
                request.memberId(), request.clientId(), host, request.sessionTimeoutMs(),
                new LinkedHashSet<>(request.ownedQueues())));
        return HeartbeatResponse.success(result.memberId(), result.generation(), result.heartbeatIntervalMs(),
                List.copyOf(result.assignedQueues()));
    }

    private CompletableFuture<CommitOffsetsResponse> commit(CommitOffsetsRequest request) {
        Map<Integer, Long> offsets = new HashMap<>();
        for (CommitOffsetsRequest.Entry entry : request.entries()) {
            if (offsets.put(entry.queue(), entry.offset()) != null) {
                throw new BrokerException(BrokerError.INVALID_REQUEST, "COMMIT_OFFSETS names queue " + entry.queue() + " twice");
            }
        }
        return broker.groups().commit(request.group(), request.memberId(), request.topic(), offsets)
                .thenApply(errors -> CommitOffsetsResponse.success(request.entries().stream()
                        .map(entry -> new CommitOffsetsResponse.Entry(entry.queue(),
                                errors.get(entry.queue()) == null ? ErrorCode.NONE : errorCode(errors.get(entry.queue()))))
                        .toList()));
    }

    private FetchOffsetsResponse fetchOffsets(FetchOffsetsRequest request) {
        TopicInfo topic = broker.metadata(request.topic(), false);
        Map<Integer, Long> committed = broker.groups().committed(request.group(), request.topic());
        List<FetchOffsetsResponse.Entry> entries = new ArrayList<>(topic.queueCount());
        for (int queue = 0; queue < topic.queueCount(); queue++) {
            entries.add(new FetchOffsetsResponse.Entry(queue, committed.getOrDefault(queue, -1L)));
        }
        return FetchOffsetsResponse.success(entries);
    }

    private DescribeGroupResponse describeGroup(DescribeGroupRequest request) {
        if (broker.queueGroups().describe(request.group()) != null) {
            return DescribeGroupResponse.error(ErrorCode.GROUP_MODE_MISMATCH, "group '" + request.group()
                    + "' is a queue-mode group: describe it with DESCRIBE_QUEUE_GROUP");
        }
        GroupDescription group = broker.groups().describe(request.group());
        if (group.topic() == null) {
            return DescribeGroupResponse.error(ErrorCode.INVALID_REQUEST, "no consumer group '" + request.group()
                    + "' (no members and no committed offsets)");
        }
        return DescribeGroupResponse.success(group.topic(), group.generation(),
                group.members().stream()
                        .map(member -> new DescribeGroupResponse.Member(member.memberId(), member.clientId(), member.host(),
                                member.queues()))
                        .toList(),
                group.queues().stream()
                        .map(queue -> new DescribeGroupResponse.Queue(queue.queue(), queue.owner(), queue.committedOffset(),
                                queue.endOffset(), queue.lag()))
                        .toList());
    }

    /** The wire code of a broker error: the two enums share names by design. */
    static ErrorCode errorCode(BrokerError error) {
        return ErrorCode.valueOf(error.name());
    }

    /** The wire code for any failure: a broker error's own, else UNKNOWN_SERVER_ERROR. */
    static ErrorCode errorCode(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof BrokerException broker ? errorCode(broker.error()) : ErrorCode.UNKNOWN_SERVER_ERROR;
    }

    /** The message a client sees: the broker's sentence, or a pointer to the log for a bug. */
    static String message(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof BrokerException ? cause.getMessage()
                : "internal error (" + cause.getClass().getSimpleName() + "); the broker log has the details";
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static boolean isAcksNone(Request request) {
        return request instanceof ProduceRequest produce && produce.acks() == Acks.NONE;
    }
}
