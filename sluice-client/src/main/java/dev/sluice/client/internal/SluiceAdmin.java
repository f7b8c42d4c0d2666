package dev.sluice.client.internal;

import dev.sluice.client.Admin;
import dev.sluice.client.AdminConfig;
import dev.sluice.client.OffsetReset;
import dev.sluice.protocol.CreateTopicRequest;
import dev.sluice.protocol.CreateTopicResponse;
import dev.sluice.protocol.DeleteTopicRequest;
import dev.sluice.protocol.DeleteTopicResponse;
import dev.sluice.protocol.DescribeGroupRequest;
import dev.sluice.protocol.DescribeGroupResponse;
import dev.sluice.protocol.DescribeQueueGroupRequest;
import dev.sluice.protocol.DescribeQueueGroupResponse;
import dev.sluice.protocol.DescribeTopicRequest;
import dev.sluice.protocol.DescribeTopicResponse;
import dev.sluice.protocol.ListGroupsRequest;
import dev.sluice.protocol.ListGroupsResponse;
import dev.sluice.protocol.ListTopicsRequest;
import dev.sluice.protocol.ListTopicsResponse;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.Response;
import dev.sluice.protocol.TopicFlushPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/** The {@link Admin}: one request per call over one connection. Thread-safe. */
public final class SluiceAdmin implements Admin {
    private final AdminConfig config;
    private final ClientIo io;
    private final BrokerConnection connection;

    /** An admin client; it connects on first use. */
    public SluiceAdmin(AdminConfig config) {
        this.config = config;
        this.io = new ClientIo();
        this.connection = new BrokerConnection(io, BrokerAddress.parse(config.bootstrap()),
                RetryBackoff.of(100, 1_000), null);
    }

    private <R extends Response> R call(Request request) {
        try {
            return Errors.check(connection.<R>send(request, config.requestTimeoutMs()).join());
        } catch (RuntimeException e) {
            throw Errors.asRuntime(e);
        }
    }

    @Override
    public void createTopic(String topic, int queueCount) {
        createTopic(topic, queueCount, CreateTopicRequest.RETENTION_MS_BROKER_DEFAULT, FlushPolicy.BROKER_DEFAULT);
    }

    @Override
    public void createTopic(String topic, int queueCount, long retentionMs, FlushPolicy flushPolicy) {
        createTopic(topic, queueCount, retentionMs, flushPolicy, CreateTopicRequest.MESSAGE_ID_WINDOW_MS_BROKER_DEFAULT);
    }

    @Override
    public void createTopic(String topic, int queueCount, long retentionMs, FlushPolicy flushPolicy,
            long messageIdWindowMs) {
        TopicFlushPolicy policy = TopicFlushPolicy.valueOf(flushPolicy.name());
        this.<CreateTopicResponse>call(new CreateTopicRequest(topic, queueCount, retentionMs, policy, messageIdWindowMs));
    }

    @Override
    public void deleteTopic(String topic) {
        this.<DeleteTopicResponse>call(new DeleteTopicRequest(topic));
    }

    @Override
    public List<TopicInfo> listTopics() {
        ListTopicsResponse response = call(new ListTopicsRequest());
        return response.topics().stream().map(t -> new TopicInfo(t.topic(), t.queueCount())).toList();
    }

    @Override
    public TopicDescription describeTopic(String topic) {
        DescribeTopicResponse response = call(new DescribeTopicRequest(topic));
        List<QueueOffsets> queues = response.queues().stream()
                .map(q -> new QueueOffsets(q.queue(), q.startOffset(), q.endOffset())).toList();
        return new TopicDescription(topic, response.queueCount(), response.retentionMs(),
                FlushPolicy.valueOf(response.flushPolicy().name()), response.createdAtMs(),
                response.messageIdWindowMs(), queues);
    }

    @Override
    public List<GroupInfo> listGroups() {
        ListGroupsResponse response = call(new ListGroupsRequest());
        return response.groups().stream().map(g -> new GroupInfo(g.group(), g.topic(), g.memberCount())).toList();
    }

    @Override
    public GroupDescription describeGroup(String group) {
        DescribeGroupResponse response = call(new DescribeGroupRequest(group));
        List<GroupMember> members = response.members().stream()
                .map(m -> new GroupMember(m.memberId(), m.clientId(), m.host(), List.copyOf(m.queues()))).toList();
        List<QueueLag> queues = response.queues().stream()
                .map(q -> new QueueLag(q.queue(), q.owner(), q.committedOffset(), q.endOffset(), q.lag())).toList();
        return new GroupDescription(group, response.topic(), response.generation(), members, queues);
    }

    @Override
    public QueueGroupDescription describeQueueGroup(String group) {
        DescribeQueueGroupResponse response = call(new DescribeQueueGroupRequest(group));
        List<QueueGroupQueue> queues = response.queues().stream()
                .map(q -> new QueueGroupQueue(q.queue(), q.startOffset(), q.endOffset(), q.inFlight(), q.available(),
                        q.delayed(), q.deadLettered()))
                .toList();
        return new QueueGroupDescription(group, response.topic(), response.maxAttempts(), response.deadLetterTopic(),
                response.messageGroups(), queues);
    }

    @Override
    public void resetOffsets(String group, String topic, OffsetReset reset) {
        Map<Integer, Long> offsets = listOffsets(topic, reset);
        try {
            new GroupOffsets(connection, group, topic, config.requestTimeoutMs()).commit("", offsets).join();
        } catch (RuntimeException e) {
            throw Errors.asRuntime(e);
        }
    }

    @Override
    public Map<Integer, Long> listOffsets(String topic, OffsetReset reset) {
        int queueCount = describeTopic(topic).queueCount();
        List<Integer> queues = new ArrayList<>(IntStream.range(0, queueCount).boxed().toList());
        try {
            return new TreeMap<>(new GroupOffsets(connection, "", topic, config.requestTimeoutMs())
                    .resolve(queues, reset));
        } catch (RuntimeException e) {
            throw Errors.asRuntime(e);
        }
    }

    @Override
    public void close() {
        connection.close();
        io.close();
    }
}
