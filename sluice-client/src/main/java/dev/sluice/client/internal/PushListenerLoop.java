package dev.sluice.client.internal;

import dev.sluice.client.AckMode;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.MessageListener;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.protocol.CreditRequest;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.SubscribeRequest;
import dev.sluice.protocol.SubscribeResponse;
import dev.sluice.protocol.UnsubscribeRequest;
import dev.sluice.protocol.UnsubscribeResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push-mode listener thread, {@code sluice-consumer-listener}: owns the consumer's queues,
 * subscribes each (SUBSCRIBE from its position with a window of {@code pushCreditBytes}), hands
 * each pushed message to the {@link MessageListener}, and returns a frame's bytes as credit
 * (CREDIT) once the listener has finished its messages, so that the broker never runs more than
 * one window (plus one batch) ahead of the listener.
 *
 * <p>On a rebalance it unsubscribes revoked queues, drops frames still queued for them, commits
 * (AFTER_PROCESSING) and drops them; new queues are subscribed. A subscription the broker ends
 * (an error frame) or that a reconnect lost is made again from the queue's position.
 * Commits: BEFORE_PROCESSING commits a frame's end before the listener sees it; AFTER_PROCESSING
 * commits progress every {@code autoCommitIntervalMs}, on revocation and at stop; MANUAL never.
 */
public final class PushListenerLoop implements Runnable {
    private static final Logger LOGGER = LoggerFactory.getLogger(PushListenerLoop.class);
    /** The longest the thread waits for a frame before looking at rebalances and commits. */
    private static final long IDLE_WAIT_MS = 50;

    /** A frame, stamped with the connection it came on: subscription ids restart on every connection. */
    private record Pushed(int connectionEpoch, int subscriptionId, PushedRecords push) {
        /** The key of its subscription: connection epoch and id, unique across reconnects. */
        long subscriptionKey() {
            return key(connectionEpoch, subscriptionId);
        }
    }

    private static final Pushed WAKEUP = new Pushed(-1, -1, null);
    /** Queued after the last frame of a connection that closed: its subscriptions are gone. */
    private static final Pushed CONNECTION_LOST = new Pushed(-1, -2, null);

    private final ConsumerConfig config;
    private final String topic;
    private final BrokerConnection connection;
    private final GroupMembership membership;
    private final OwnedQueues owned;
    private final GroupOffsets offsets;
    private final MessageListener listener;
    private final LinkedBlockingQueue<Pushed> frames = new LinkedBlockingQueue<>();
    /** Subscription key (connection epoch and id) → queue. */
    private final Map<Long, Integer> queueBySubscription = new HashMap<>();
    private final Map<Integer, Long> subscriptionByQueue = new HashMap<>();
    /** Counts closed connections; a frame or subscription of an older epoch belongs to a dead connection. */
    private final java.util.concurrent.atomic.AtomicInteger connectionEpoch = new java.util.concurrent.atomic.AtomicInteger();
    /** Record bytes pushed and not yet handled by the listener (nor dropped). */
    private final AtomicLong backlogBytes = new AtomicLong();
    private volatile boolean stopped;
    private volatile boolean aborted;
    private long lastCommitNs = System.nanoTime();

    PushListenerLoop(ConsumerConfig config, String topic, BrokerConnection connection, GroupMembership membership,
            OwnedQueues owned, GroupOffsets offsets, MessageListener listener) {
        this.config = config;
        this.topic = topic;
        this.connection = connection;
        this.membership = membership;
        this.owned = owned;
        this.offsets = offsets;
        this.listener = listener;
        // Subscriptions live and die with their connection: react to its close, not to a
        // later look at isConnected(), which misses a drop followed by a quick reconnect.
        connection.onDisconnect(() -> {
            connectionEpoch.incrementAndGet();
            frames.add(CONNECTION_LOST);
        });
    }

    /** Event loop: a push frame arrived. */
    void onPush(int subscriptionId, PushedRecords push) {
        backlogBytes.addAndGet(push.records().remaining());
        frames.add(new Pushed(connectionEpoch.get(), subscriptionId, push));
    }

    /**
     * Record bytes the broker pushed that the listener has not finished yet: at most the credit
     * window plus one batch per subscribed queue while the listener is blocked.
     */
    long backlogBytes() {
        return backlogBytes.get();
    }

    /** Finishes the message in hand, unsubscribes, commits per the mode, and ends. */
    void stop() {
        stopped = true;
        frames.add(WAKEUP);
    }

    /** Ends without unsubscribing or committing (a simulated crash). */
    void abort() {
        aborted = true;
        stop();
    }

    @Override
    public void run() {
        Hooks hooks = new Hooks();
        try {
            while (!stopped) {
                membership.checkFatal();
                try {
                    owned.applyChanges(hooks);
                    resubscribeLost();
                } catch (RuntimeException e) {
                    if (!Errors.retriable(e)) {
                        throw e;
                    }
                    LOGGER.debug("rebalance step failed, will retry topic={} cause={}", topic, e.toString());
                }
                Pushed pushed = frames.poll(IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
                if (pushed == CONNECTION_LOST) {
                    // Frames of the closed connection came before this marker; subscribe again on the next one.
                    new ArrayList<>(subscriptionByQueue.keySet()).forEach(this::forget);
                } else if (pushed != null && pushed != WAKEUP) {
                    try {
                        onFrame(pushed);
                    } finally {
                        backlogBytes.addAndGet(-pushed.push().records().remaining());
                    }
                }
                maybeAutoCommit();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOGGER.error("push listener stopped topic={}", topic, e);
        } finally {
            if (!aborted) {
                shutdown();
            }
        }
    }

    private void onFrame(Pushed pushed) {
        Integer queue = queueBySubscription.get(pushed.subscriptionKey());
        if (queue == null) {
            return; // unsubscribed since: the frame's queue is no longer ours
        }
        PushedRecords push = pushed.push();
        if (push.errorCode() != ErrorCode.NONE) {
            LOGGER.info("subscription ended by the broker; subscribing again topic={} queue={} error={} message={}",
                    topic, queue, push.errorCode(), push.errorMessage());
            forget(queue);
            return;
        }
        Long position = owned.position(queue);
        if (position == null) {
            return;
        }
        int frameBytes = push.records().remaining();
        List<ReceivedMessage> messages = new ArrayList<>();
        long next = RecordsParser.parse(topic, queue, push.records().duplicate(), position, Integer.MAX_VALUE,
                messages);
        if (config.ackMode() == AckMode.BEFORE_PROCESSING && next != position) {
            Map<Integer, Long> end = Map.of(queue, next);
            offsets.commit(membership.memberId(), end).join();
            owned.markCommitted(end);
        }
        for (ReceivedMessage message : messages) {
            try {
                listener.onMessage(message);
            } catch (RuntimeException e) {
                LOGGER.warn("message listener threw; the message counts as handled topic={} queue={} offset={}",
                        topic, queue, message.offset(), e);
            }
            owned.position(queue, message.offset() + 1);
        }
        owned.position(queue, Math.max(next, owned.position(queue)));
        if (frameBytes > 0 && pushed.connectionEpoch() == connectionEpoch.get()) {
            // Credit goes only to a live subscription: on a new connection the same id is another one.
            connection.sendOneway(new CreditRequest(pushed.subscriptionId(), frameBytes));
        }
    }

    private void maybeAutoCommit() {
        if (config.ackMode() != AckMode.AFTER_PROCESSING
                || System.nanoTime() - lastCommitNs < TimeUnit.MILLISECONDS.toNanos(config.autoCommitIntervalMs())) {
            return;
        }
        lastCommitNs = System.nanoTime();
        Map<Integer, Long> positions = owned.uncommitted();
        if (!positions.isEmpty() && membership.isJoined()) {
            offsets.commit(membership.memberId(), positions).whenComplete((v, e) -> {
                if (e == null) {
                    owned.markCommitted(positions);
                }
            });
        }
    }

    /** Subscribes owned queues that have no subscription (new, ended by the broker, or lost with a connection). */
    private void resubscribeLost() {
        for (int queue : owned.queues()) {
            if (!subscriptionByQueue.containsKey(queue)) {
                subscribe(queue, owned.position(queue));
            }
        }
    }

    private void subscribe(int queue, long position) {
        int epoch = connectionEpoch.get();
        SubscribeResponse response = Errors.check(connection.<SubscribeResponse>send(
                new SubscribeRequest(topic, queue, position, config.pushCreditBytes()), config.requestTimeoutMs())
                .join());
        long key = key(epoch, response.subscriptionId());
        queueBySubscription.put(key, queue);
        subscriptionByQueue.put(queue, key);
    }

    private void unsubscribe(int queue) {
        Long key = subscriptionByQueue.get(queue);
        forget(queue);
        // A subscription of a closed connection is gone with it; its id may name another one now.
        if (key != null && (int) (key >>> 32) == connectionEpoch.get()) {
            int subscriptionId = (int) (long) key;
            try {
                connection.<UnsubscribeResponse>send(new UnsubscribeRequest(subscriptionId), config.requestTimeoutMs())
                        .join();
            } catch (RuntimeException e) {
                LOGGER.debug("UNSUBSCRIBE failed topic={} queue={} cause={}", topic, queue, e.toString());
            }
        }
    }

    private void forget(int queue) {
        Long key = subscriptionByQueue.remove(queue);
        if (key != null) {
            queueBySubscription.remove(key);
        }
    }

    private static long key(int connectionEpoch, int subscriptionId) {
        return ((long) connectionEpoch << 32) | (subscriptionId & 0xFFFF_FFFFL);
    }

    private void shutdown() {
        for (Integer queue : new ArrayList<>(subscriptionByQueue.keySet())) {
            unsubscribe(queue);
        }
        if (config.ackMode() == AckMode.AFTER_PROCESSING && membership.isJoined()) {
            Map<Integer, Long> positions = owned.uncommitted();
            try {
                offsets.commit(membership.memberId(), positions).join();
                owned.markCommitted(positions);
            } catch (RuntimeException e) {
                LOGGER.warn("commit at close failed topic={} cause={}", topic, e.toString());
            }
        }
    }

    /** Rebalance steps in push mode: unsubscribe before a queue is committed and dropped. */
    private final class Hooks implements OwnedQueues.Hooks {
        @Override
        public void beforeRevoke(int queue) {
            unsubscribe(queue);
        }

        @Override
        public void afterAssign(int queue, long position) {
            subscribe(queue, position);
        }
    }
}
