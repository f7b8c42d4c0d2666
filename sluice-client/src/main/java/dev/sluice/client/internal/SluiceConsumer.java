package dev.sluice.client.internal;

import dev.sluice.client.AckMode;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.MessageListener;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.SluiceException;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FetchRequest;
import dev.sluice.protocol.FetchResponse;
import dev.sluice.protocol.LeaveGroupRequest;
import dev.sluice.protocol.LeaveGroupResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Consumer}; see its doc for the threading rules. */
public final class SluiceConsumer implements Consumer {
    private static final Logger LOGGER = LoggerFactory.getLogger(SluiceConsumer.class);
    /** Fetch a queue only when at least this much is readable: one record. */
    private static final int FETCH_MIN_BYTES = 1;

    private final ConsumerConfig config;
    private final ClientIo io;
    private final BrokerConnection connection;
    private final RetryBackoff backoff;
    private final GroupMembership membership = new GroupMembership();
    private final SingleThreadAccess access = new SingleThreadAccess("the consumer");
    /**
     * Per owned queue, fetched messages past {@code maxPollMessages} that a poll did not return
     * yet, from the queue's position on: the next poll returns them without fetching them again.
     * Poll thread only.
     */
    private final Map<Integer, Deque<ReceivedMessage>> buffered = new HashMap<>();
    /**
     * The one FETCH in flight, or {@code null}: sent by a poll that found nothing buffered, or as
     * a prefetch by a poll that returned buffered messages, asking for the offsets after what is
     * buffered. So the consumer holds at most two answers (one buffered, one on its way), each at
     * most {@code fetchMaxBytes} of records. Poll thread only.
     */
    private InFlightFetch inFlight;
    private final OwnedQueues.Hooks pollHooks = new OwnedQueues.Hooks() {
        @Override
        public void beforeRevoke(int queue) {
            buffered.remove(queue);
            abandonFetch();
        }

        @Override
        public void afterAssign(int queue, long position) {
            abandonFetch(); // the new queue is fetched at once, not after a parked fetch of the old set
        }
    };
    private volatile PushListenerLoop pushLoop;
    private String topic;
    private GroupOffsets offsets;
    private OwnedQueues owned;
    private ConsumerHeartbeat heartbeat;
    private Thread heartbeatThread;
    private Thread listenerThread;
    private volatile boolean closed;

    /** A consumer; it connects on subscribe. */
    public SluiceConsumer(ConsumerConfig config) {
        this.config = config;
        this.io = new ClientIo();
        this.backoff = RetryBackoff.of(config.retryBackoffMs(), config.retryBackoffMaxMs());
        this.connection = new BrokerConnection(io, BrokerAddress.parse(config.bootstrap()), backoff, (id, push) -> {
            PushListenerLoop loop = pushLoop;
            if (loop != null) {
                loop.onPush(id, push);
            }
        });
    }

    @Override
    public void subscribe(String topic) {
        if (config.group() == null) {
            throw new IllegalStateException("the config names no group: use subscribe(topic, group)");
        }
        subscribe(topic, config.group());
    }

    @Override
    public synchronized void subscribe(String topic, String group) {
        ensureOpen();
        if (this.topic != null) {
            throw new IllegalStateException("already subscribed to " + this.topic);
        }
        this.topic = topic;
        this.offsets = new GroupOffsets(connection, group, topic, config.requestTimeoutMs());
        this.owned = new OwnedQueues(membership, offsets, config.ackMode(), config.autoOffsetReset());
        this.heartbeat = new ConsumerHeartbeat(connection, membership, group, topic, config.clientId(),
                config.sessionTimeoutMs(), config.requestTimeoutMs(), backoff);
        this.heartbeatThread = new Thread(heartbeat, "sluice-consumer-heartbeat");
        heartbeatThread.setDaemon(true);
        heartbeatThread.start();
    }

    @Override
    public List<ReceivedMessage> poll(Duration timeout) {
        acquire();
        try {
            ensureSubscribed();
            if (pushLoop != null) {
                throw new IllegalStateException("the consumer is in push mode: no poll");
            }
            return pollOwned(System.nanoTime() + timeout.toNanos());
        } finally {
            release();
        }
    }

    private List<ReceivedMessage> pollOwned(long deadlineNs) {
        if (config.ackMode() == AckMode.AFTER_PROCESSING) {
            commitAsyncOwned();
        }
        int failures = 0;
        while (true) {
            membership.checkFatal();
            try {
                owned.applyChanges(pollHooks);
                List<ReceivedMessage> ready = takeBuffered();
                if (!ready.isEmpty()) {
                    maybePrefetch();
                    if (config.ackMode() == AckMode.BEFORE_PROCESSING) {
                        commitOwned();
                    }
                    return ready;
                }
                CompletableFuture<Void> changed = membership.changedFuture();
                long remainingMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
                if (inFlight == null) {
                    Map<Integer, Long> positions = owned.positions();
                    if (positions.isEmpty()) {
                        await(changed, remainingMs);
                    } else {
                        int maxWaitMs = (int) Math.min(config.fetchMaxWaitMs(), remainingMs);
                        inFlight = sendFetch(positions, maxWaitMs);
                        awaitFetch(changed, maxWaitMs + (long) config.requestTimeoutMs());
                    }
                } else {
                    // A prefetch, perhaps parked at the broker: wait for it no longer than this poll.
                    awaitFetch(changed, remainingMs);
                }
                failures = 0;
            } catch (RuntimeException e) {
                if (!Errors.retriable(e)) {
                    throw Errors.asRuntime(e);
                }
                failures++;
                LOGGER.debug("poll step failed topic={} failures={} cause={}", topic, failures,
                        Errors.unwrap(e).toString());
                long remainingMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
                await(membership.changedFuture(), Math.min(backoff.backoffMs(failures), remainingMs));
            }
            if (System.nanoTime() - deadlineNs >= 0) {
                return List.of();
            }
        }
    }

    /** Up to {@code maxPollMessages} buffered messages, moving their queues' positions past them. */
    private List<ReceivedMessage> takeBuffered() {
        List<ReceivedMessage> messages = new ArrayList<>();
        var queues = buffered.entrySet().iterator();
        while (queues.hasNext() && messages.size() < config.maxPollMessages()) {
            var entry = queues.next();
            Deque<ReceivedMessage> queued = entry.getValue();
            Long position = owned.position(entry.getKey());
            if (position == null || queued.isEmpty() || queued.peekFirst().offset() != position) {
                queues.remove(); // revoked or moved since: fetch again from the position
                continue;
            }
            while (!queued.isEmpty() && messages.size() < config.maxPollMessages()) {
                messages.add(queued.pollFirst());
            }
            owned.position(entry.getKey(), messages.get(messages.size() - 1).offset() + 1);
            if (queued.isEmpty()) {
                queues.remove();
            }
        }
        return messages;
    }

    private static void await(CompletableFuture<?> future, long timeoutMs) {
        try {
            future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("interrupted in poll", false, e);
        } catch (ExecutionException | TimeoutException e) {
            // The caller looks at the fetch itself.
        }
    }

    /** Waits for the fetch in flight or a membership change; takes the answer in if it came. */
    private void awaitFetch(CompletableFuture<Void> changed, long timeoutMs) {
        InFlightFetch fetch = inFlight;
        await(CompletableFuture.anyOf(fetch.answer, changed), timeoutMs);
        if (fetch.answer.isDone() && inFlight == fetch) {
            inFlight = null;
            onFetched(fetch.answer.join(), fetch.asked);
        }
    }

    /**
     * Sends the next FETCH while the application works on what poll returns, unless one is in
     * flight: from the offset after each queue's buffered messages, else from its position.
     * Never fails the poll (the messages it returns have moved the positions): a failed send
     * shows on the next poll that needs the answer.
     */
    private void maybePrefetch() {
        if (inFlight != null) {
            return;
        }
        Map<Integer, Long> from = owned.positions();
        from.replaceAll((queue, position) -> {
            Deque<ReceivedMessage> queued = buffered.get(queue);
            return queued == null || queued.isEmpty() || queued.peekFirst().offset() != position
                    ? position : queued.peekLast().offset() + 1;
        });
        if (from.isEmpty()) {
            return;
        }
        try {
            inFlight = sendFetch(from, config.fetchMaxWaitMs());
        } catch (RuntimeException e) {
            LOGGER.debug("prefetch not sent topic={} cause={}", topic, Errors.unwrap(e).toString());
        }
    }

    /** Forgets the fetch in flight (its answer, if it comes, is not parsed); the next poll fetches anew. */
    private void abandonFetch() {
        InFlightFetch fetch = inFlight;
        if (fetch != null) {
            fetch.abandoned = true;
            inFlight = null;
        }
    }

    private InFlightFetch sendFetch(Map<Integer, Long> positions, int maxWaitMs) {
        List<FetchRequest.Entry> entries = new ArrayList<>(positions.size());
        positions.forEach((queue, offset) ->
                entries.add(new FetchRequest.Entry(topic, queue, offset, config.queueFetchMaxBytes())));
        FetchRequest request = new FetchRequest(maxWaitMs, FETCH_MIN_BYTES, config.fetchMaxBytes(), entries);
        InFlightFetch fetch = new InFlightFetch(positions);
        String fetchTopic = topic;
        fetch.answer = connection.send(request, maxWaitMs + (long) config.requestTimeoutMs(),
                (FetchResponse response) -> fetch.abandoned ? List.of() : FetchedQueue.parse(response, fetchTopic,
                        fetch.asked));
        return fetch;
    }

    /**
     * Buffers the messages of a fetch whose offsets are still the queues' positions (nothing is
     * buffered when an answer is taken in); positions move only when poll returns messages.
     */
    private void onFetched(List<FetchedQueue> fetched, Map<Integer, Long> asked) {
        for (FetchedQueue queue : fetched) {
            Long position = owned.position(queue.queue());
            if (position == null || !position.equals(asked.get(queue.queue()))) {
                continue; // revoked or moved (seek) since the fetch was sent
            }
            if (queue.errorCode() == ErrorCode.OFFSET_OUT_OF_RANGE) {
                long reset = offsets.resolve(Set.of(queue.queue()), config.autoOffsetReset()).get(queue.queue());
                LOGGER.info("position out of range, reset topic={} queue={} from={} to={}", topic, queue.queue(),
                        position, reset);
                owned.position(queue.queue(), reset);
                continue;
            }
            if (queue.errorCode() != ErrorCode.NONE) {
                throw Errors.toException(queue.errorCode(), queue.errorMessage());
            }
            assert !buffered.containsKey(queue.queue()) : "an answer taken in while queue " + queue.queue()
                    + " has buffered messages";
            if (!queue.messages().isEmpty()) {
                buffered.put(queue.queue(), new ArrayDeque<>(queue.messages()));
            }
        }
    }

    @Override
    public void listen(MessageListener listener) {
        acquire();
        try {
            ensureSubscribed();
            if (pushLoop != null) {
                throw new IllegalStateException("already listening");
            }
            PushListenerLoop loop = new PushListenerLoop(config, topic, connection, membership, owned, offsets,
                    listener);
            pushLoop = loop;
            listenerThread = new Thread(loop, "sluice-consumer-listener");
            listenerThread.setDaemon(true);
            listenerThread.start();
        } finally {
            release();
        }
    }

    /**
     * Push mode: record bytes the broker pushed that the listener has not finished yet (0 when not
     * listening). Any thread; for tests and monitoring.
     */
    public long pushBacklogBytes() {
        PushListenerLoop loop = pushLoop;
        return loop == null ? 0 : loop.backlogBytes();
    }

    @Override
    public void commitSync() {
        acquire();
        try {
            ensureSubscribed();
            commitOwned();
        } finally {
            release();
        }
    }

    @Override
    public CompletableFuture<Void> commitAsync() {
        acquire();
        try {
            ensureSubscribed();
            return commitAsyncOwned();
        } finally {
            release();
        }
    }

    @Override
    public void commit(Map<Integer, Long> offsetsToCommit) {
        acquire();
        try {
            ensureSubscribed();
            Map<Integer, Long> copy = Map.copyOf(offsetsToCommit);
            join(offsets.commit(membership.memberId(), copy));
            owned.markCommitted(copy);
        } finally {
            release();
        }
    }

    private void commitOwned() {
        join(commitAsyncOwned());
    }

    private CompletableFuture<Void> commitAsyncOwned() {
        Map<Integer, Long> positions = owned.uncommitted();
        if (positions.isEmpty() || !membership.isJoined()) {
            return CompletableFuture.completedFuture(null);
        }
        return offsets.commit(membership.memberId(), positions).thenRun(() -> owned.markCommitted(positions));
    }

    private static void join(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (RuntimeException e) {
            throw Errors.asRuntime(e);
        }
    }

    @Override
    public void seek(int queue, long offset) {
        acquire();
        try {
            ensureSubscribed();
            if (owned.position(queue) == null) {
                throw new IllegalArgumentException("queue " + queue + " is not owned by this member; owned: "
                        + owned.queues());
            }
            if (offset < 0) {
                throw new IllegalArgumentException("offset " + offset + " is negative");
            }
            owned.position(queue, offset);
            buffered.remove(queue);
            abandonFetch();
        } finally {
            release();
        }
    }

    @Override
    public void seekToTime(long timestampMs) {
        seekAll(OffsetReset.toTimestamp(timestampMs));
    }

    @Override
    public void seekToBeginning() {
        seekAll(OffsetReset.EARLIEST);
    }

    @Override
    public void seekToEnd() {
        seekAll(OffsetReset.LATEST);
    }

    private void seekAll(OffsetReset reset) {
        acquire();
        try {
            ensureSubscribed();
            Set<Integer> queues = owned.queues();
            if (!queues.isEmpty()) {
                offsets.resolve(queues, reset).forEach(owned::position);
            }
            buffered.clear();
            abandonFetch();
        } finally {
            release();
        }
    }

    @Override
    public long position(int queue) {
        ensureSubscribed();
        Long position = owned.position(queue);
        if (position == null) {
            throw new IllegalArgumentException("queue " + queue + " is not owned by this member");
        }
        return position;
    }

    @Override
    public Set<Integer> assignment() {
        return owned == null ? Set.of() : owned.queues();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (topic != null) {
                stopListener();
                if (listenerThread == null && config.ackMode() == AckMode.AFTER_PROCESSING) {
                    try {
                        commitOwned();
                    } catch (RuntimeException e) {
                        LOGGER.warn("commit at close failed topic={} cause={}", topic, e.toString());
                    }
                }
                stopHeartbeat();
                leaveGroup();
            }
        } finally {
            connection.close();
            io.close();
        }
    }

    /**
     * Ends the consumer as a crash would: no commit, no LEAVE_GROUP; the broker frees its queues
     * when its session expires. For fault tests.
     */
    public void abort() {
        closed = true;
        PushListenerLoop loop = pushLoop;
        if (loop != null) {
            loop.abort();
            joinQuietly(listenerThread);
        }
        if (heartbeat != null) {
            stopHeartbeat();
        }
        connection.close();
        io.close();
    }

    private void stopListener() {
        PushListenerLoop loop = pushLoop;
        if (loop != null) {
            loop.stop();
            joinQuietly(listenerThread);
        }
    }

    private void stopHeartbeat() {
        heartbeat.stop();
        joinQuietly(heartbeatThread);
    }

    private void leaveGroup() {
        String memberId = membership.memberId();
        if (memberId.isEmpty()) {
            return;
        }
        try {
            Errors.check(connection.<LeaveGroupResponse>send(
                    new LeaveGroupRequest(offsets == null ? "" : groupOf(), memberId), config.requestTimeoutMs())
                    .get(config.closeTimeoutMs(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOGGER.warn("LEAVE_GROUP failed; the broker frees the queues when the session expires cause={}",
                    Errors.unwrap(e).toString());
        }
    }

    private String groupOf() {
        return offsets.group();
    }

    private void joinQuietly(Thread thread) {
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(config.closeTimeoutMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the consumer is closed");
        }
    }

    private void ensureSubscribed() {
        ensureOpen();
        if (topic == null) {
            throw new IllegalStateException("subscribe first");
        }
    }

    private void acquire() {
        access.acquire();
    }

    private void release() {
        access.release();
    }
}
