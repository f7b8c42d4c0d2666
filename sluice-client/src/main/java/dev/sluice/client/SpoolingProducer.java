package dev.sluice.client;

import dev.sluice.client.internal.SpoolLog;
import dev.sluice.client.internal.SpooledMessages;
import dev.sluice.record.ReservedHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Producer} with a local spool: every message {@code send} accepts is first written to
 * files on this machine ({@link SpoolConfig}) and stays there until the broker acknowledges it.
 * While the broker is unreachable, sends keep being accepted until the spool holds
 * {@code bytesMax} of unacknowledged messages; then {@code send} fails at once with a
 * {@link BufferExhaustedException} (it fails loudly; nothing is dropped silently). A message whose
 * send fails with a retriable error (the broker down longer than the inner producer's
 * {@code deliveryTimeoutMs}, say) is sent again after a back-off, for as long as it takes.
 *
 * <p><b>What it guarantees.</b> A message whose {@code send} returned reaches the broker at least
 * once even if the broker is down for hours or the producer process is killed, provided a
 * {@code SpoolingProducer} opens the same directory again (it resends what the spool holds at
 * open); with {@link SpoolConfig#sync()} also if the producer's machine crashes. With {@code assignMessageIds} (the default) a message without a message id gets one, so
 * the broker's message-id window drops the copies that a resend after a producer crash makes:
 * exactly once within the window. Order: messages are handed to the broker in spool order; a message
 * that needs a resend after a failure may land after later messages of its queue.
 *
 * <p>The spool hands messages to an inner {@link Producer} one at a time from its thread
 * {@code sluice-producer-spool}; while a topic's queue count is unknown and the broker unreachable,
 * that hand-off waits up to the producer's {@code maxBlockMs}, so set it short (a second, say) to
 * have the spool's back-off, not the metadata wait, pace the resends.
 *
 * <p>Futures complete on the inner producer's sender thread, as {@link Producer}'s do. A future
 * still open at {@link #close()} fails with a retriable {@link SluiceException} saying the
 * message stays in the spool; it is sent when the spool is opened again.
 *
 * <p>{@link #sendOneway} is not offered (a spooled message is always acknowledged). Thread-safe.
 */
public final class SpoolingProducer implements Producer {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolingProducer.class);
    private static final long IDLE_WAIT_MS = 50;
    private static final long CHECKPOINT_INTERVAL_MS = 100;

    private final SpoolConfig config;
    private final ProducerConfig producerConfig;
    private final Producer inner;
    private final SpoolLog log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private final TreeMap<Long, Pending> ready = new TreeMap<>();
    private final Thread dispatcher;
    private final Thread syncer;
    private final long recoveredMessages;
    /**
     * Made at each open and part of every message id assigned since: a sequence number may be handed
     * out again after a crash cut entries off the spool, and its message must not then look like the
     * earlier one to the broker's message-id window.
     */
    private final String openId = Long.toHexString(new java.security.SecureRandom().nextLong());
    private long pendingBytes;
    private long inFlightBytes;
    private long syncedThrough;
    private long resentMessages;
    private boolean closed;
    private boolean stopped;
    private SluiceException failure;

    /** One spooled message until the broker acknowledges it (guarded by {@code lock}). */
    private static final class Pending {
        final SpoolLog.Entry entry;
        final CompletableFuture<SendResult> future = new CompletableFuture<>();
        int attempts;
        long dueNanos;

        Pending(SpoolLog.Entry entry) {
            this.entry = entry;
            this.dueNanos = System.nanoTime();
        }
    }

    private SpoolingProducer(ProducerConfig producerConfig, SpoolConfig config, Producer inner, SpoolLog log) {
        this.producerConfig = producerConfig;
        this.config = config;
        this.inner = inner;
        this.log = log;
        List<SpoolLog.Entry> recovered = log.recovered();
        for (SpoolLog.Entry entry : recovered) {
            Pending p = new Pending(entry);
            pending.put(entry.sequence(), p);
            ready.put(entry.sequence(), p);
            pendingBytes += entry.size();
        }
        this.recoveredMessages = recovered.size();
        this.syncedThrough = log.lastSequence();
        this.dispatcher = new Thread(this::dispatchLoop, "sluice-producer-spool");
        this.dispatcher.setDaemon(true);
        this.syncer = new Thread(this::syncLoop, "sluice-producer-spool-sync");
        this.syncer.setDaemon(true);
    }

    /**
     * Opens the spool (recovering what it holds: those messages are sent again first) and a producer
     * with {@code producerConfig}.
     *
     * @throws IllegalArgumentException if {@code producerConfig} has {@code acks} NONE
     * @throws IllegalStateException if another producer holds the spool directory
     * @throws java.io.UncheckedIOException if the spool directory cannot be used
     */
    public static SpoolingProducer open(ProducerConfig producerConfig, SpoolConfig config) {
        if (producerConfig.acks() == Acks.NONE) {
            throw new IllegalArgumentException("a spooling producer needs acknowledged sends: acks is NONE");
        }
        SpoolLog log = SpoolLog.open(config);
        Producer inner;
        try {
            inner = Producer.create(producerConfig);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        SpoolingProducer producer = new SpoolingProducer(producerConfig, config, inner, log);
        producer.dispatcher.start();
        producer.syncer.start();
        return producer;
    }

    /**
     * Writes the message to the spool and sends it. The message is stamped with the time of this call
     * when it has no timestamp, and given a message id when it has none and {@code assignMessageIds}.
     *
     * @return completes when the broker acknowledged the message; fails at once with a
     *     {@link BufferExhaustedException} when the spool is full, later with a non-retriable
     *     {@link SluiceException} (unknown topic, too large, ...) that resending cannot fix
     * @throws IllegalStateException if closed
     * @throws java.io.UncheckedIOException if the spool cannot be written
     */
    @Override
    public CompletableFuture<SendResult> send(Message message) {
        Message stamped = message.timestampMs() == Message.NO_TIMESTAMP
                ? new Message(message.topic(), message.key(), message.value(), message.headers(),
                        System.currentTimeMillis(), message.queue())
                : message;
        Pending p;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the spooling producer is closed");
            }
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            long estimate = SpoolLog.ENTRY_OVERHEAD + SpooledMessages.encode(stamped).remaining() + 64;
            if (pendingBytes + estimate > config.bytesMax()) {
                return CompletableFuture.failedFuture(new BufferExhaustedException("the spool " + config.directory()
                        + " is full: " + pendingBytes + " of bytesMax " + config.bytesMax()
                        + " bytes hold messages the broker has not acknowledged (is the broker down?)"));
            }
            SpoolLog.Entry entry = log.append(sequence -> SpooledMessages.encode(withId(stamped, sequence)));
            p = new Pending(entry);
            pending.put(entry.sequence(), p);
            ready.put(entry.sequence(), p);
            pendingBytes += entry.size();
            changed.signalAll();
            while (config.sync() && syncedThrough < entry.sequence() && !stopped) {
                changed.awaitUninterruptibly();
            }
            if (failure != null) {
                // Not known to be on disk; it may still be sent at the next open.
                return CompletableFuture.failedFuture(failure);
            }
        } finally {
            lock.unlock();
        }
        return p.future;
    }

    private Message withId(Message message, long sequence) {
        if (!config.assignMessageIds()) {
            return message;
        }
        for (Header header : message.headers()) {
            if (header.key().equals(ReservedHeaders.MESSAGE_ID)) {
                return message;
            }
        }
        List<Header> headers = new ArrayList<>(message.headers());
        headers.add(Header.of(ReservedHeaders.MESSAGE_ID, log.spoolId() + "-" + openId + "-" + sequence));
        return new Message(message.topic(), message.key(), message.value(), headers, message.timestampMs(),
                message.queue());
    }

    @Override
    public SendResult sendSync(Message message) {
        try {
            return send(message).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("interrupted while waiting for the acknowledgement", false, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SluiceException se ? se
                    : new SluiceException(String.valueOf(e.getCause()), false, e.getCause());
        }
    }

    /** Not offered: every spooled message is sent acknowledged. @throws UnsupportedOperationException always */
    @Override
    public void sendOneway(Message message) {
        throw new UnsupportedOperationException(
                "a spooling producer sends every message acknowledged; use a plain Producer for one-way sends");
    }

    /** Waits until every message accepted before this call is acknowledged or failed (however long that takes). */
    @Override
    public void flush() {
        long target = log.lastSequence();
        lock.lock();
        try {
            while (!pending.isEmpty() && pending.firstKey() <= target && !stopped) {
                changed.await();
            }
            if (failure != null) {
                throw failure;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Messages in the spool that the broker has not acknowledged yet. */
    public int spooledMessages() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of spool entries the broker has not acknowledged yet. */
    public long spooledBytes() {
        lock.lock();
        try {
            return pendingBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Messages found unacknowledged in the spool when it was opened (sent again first). */
    public long recoveredMessages() {
        return recoveredMessages;
    }

    /** How many times a message was sent again after a retriable failure. */
    public long resentMessages() {
        lock.lock();
        try {
            return resentMessages;
        } finally {
            lock.unlock();
        }
    }

    /** Corrupt spool entries skipped when the spool was opened (logged at ERROR). */
    public long corruptEntriesSkipped() {
        return log.corruptEntries();
    }

    /**
     * Thread {@code sluice-producer-spool-sync}: fsyncs what was appended (at once under {@code sync},
     * else every {@code syncIntervalMs}) and writes the checkpoint, apart from the dispatcher, whose
     * hand-offs may wait for metadata while the broker is down.
     */
    private void syncLoop() {
        long lastSyncNs = System.nanoTime();
        long lastCheckpointNs = System.nanoTime();
        try {
            while (true) {
                boolean syncNow;
                lock.lock();
                try {
                    while (!stopped && !(log.lastSequence() > syncedThrough && config.sync())
                            && System.nanoTime() - lastCheckpointNs < TimeUnit.MILLISECONDS.toNanos(CHECKPOINT_INTERVAL_MS)) {
                        changed.await(IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
                    }
                    if (stopped) {
                        return;
                    }
                    syncNow = log.lastSequence() > syncedThrough && (config.sync()
                            || System.nanoTime() - lastSyncNs >= TimeUnit.MILLISECONDS.toNanos(config.syncIntervalMs()));
                } finally {
                    lock.unlock();
                }
                if (syncNow) {
                    long covered = log.force();
                    lastSyncNs = System.nanoTime();
                    lock.lock();
                    try {
                        syncedThrough = Math.max(syncedThrough, covered);
                        changed.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
                if (System.nanoTime() - lastCheckpointNs >= TimeUnit.MILLISECONDS.toNanos(CHECKPOINT_INTERVAL_MS)) {
                    log.checkpoint(ackedThrough());
                    lastCheckpointNs = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fail("the spool's fsync or checkpoint failed", e);
        }
    }

    /** Thread {@code sluice-producer-spool}: hands due messages to the inner producer, in spool order. */
    private void dispatchLoop() {
        try {
            while (true) {
                List<Pending> batch = takeDispatchable();
                for (Pending p : batch) {
                    dispatch(p);
                }
                if (batch.isEmpty()) {
                    lock.lock();
                    try {
                        if (stopped) {
                            return;
                        }
                        changed.await(IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fail("the spool's dispatcher failed", e);
        }
    }

    /**
     * A spool thread failed (an IO error on the spool files, say): the spool stops; waiting sends and
     * flushes wake, and later sends fail with the cause. What the files hold is sent at the next open.
     */
    private void fail(String what, Throwable cause) {
        LOGGER.error("{} in {}; it stops, and spooled messages wait for the next open", what, config.directory(), cause);
        lock.lock();
        try {
            if (failure == null) {
                failure = new SluiceException(what + " in " + config.directory() + ": " + cause
                        + "; spooled messages are sent when a SpoolingProducer opens the spool again", false, cause);
            }
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The ready messages that may go now: due, on disk as the sync policy asks, within the window. */
    private List<Pending> takeDispatchable() {
        List<Pending> batch = new ArrayList<>();
        long now = System.nanoTime();
        lock.lock();
        try {
            var iterator = ready.entrySet().iterator();
            while (iterator.hasNext()) {
                Map.Entry<Long, Pending> next = iterator.next();
                Pending p = next.getValue();
                if (config.sync() && p.entry.sequence() > syncedThrough) {
                    break;
                }
                if (p.dueNanos - now > 0) {
                    continue;
                }
                if (inFlightBytes > 0 && inFlightBytes + p.entry.size() > config.inFlightBytesMax()) {
                    break;
                }
                iterator.remove();
                inFlightBytes += p.entry.size();
                batch.add(p);
            }
        } finally {
            lock.unlock();
        }
        return batch;
    }

    private void dispatch(Pending p) {
        CompletableFuture<SendResult> sent;
        try {
            sent = inner.send(SpooledMessages.decode(log.read(p.entry)));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((result, failure) -> onResult(p, result, failure));
    }

    private void onResult(Pending p, SendResult result, Throwable failure) {
        Throwable cause = unwrap(failure);
        boolean retriable = cause instanceof SluiceException se && se.retriable();
        boolean keep;
        lock.lock();
        try {
            inFlightBytes -= p.entry.size();
            // Once stopping, a failure (the inner producer closing) leaves the message in the spool.
            keep = cause != null && (retriable || stopped);
            if (keep && !stopped) {
                p.attempts++;
                resentMessages++;
                long backoffMs = Math.min(config.resendBackoffMaxMs(),
                        config.resendBackoffMs() << Math.min(20, p.attempts - 1));
                p.dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
                ready.put(p.entry.sequence(), p);
                if (p.attempts == 1 || p.attempts % 10 == 0) {
                    LOGGER.warn("spooled message {} not delivered ({}); sending it again in {} ms (attempt {})",
                            p.entry.sequence(), cause.getMessage(), backoffMs, p.attempts + 1);
                }
            } else if (!keep) {
                pending.remove(p.entry.sequence());
                pendingBytes -= p.entry.size();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (cause == null) {
            p.future.complete(result);
        } else if (!keep) {
            LOGGER.warn("spooled message {} failed and leaves the spool: {}", p.entry.sequence(), cause.getMessage());
            p.future.completeExceptionally(cause);
        }
    }

    private long ackedThrough() {
        lock.lock();
        try {
            return pending.isEmpty() ? log.lastSequence() : pending.firstKey() - 1;
        } finally {
            lock.unlock();
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Waits up to the producer's {@code closeTimeoutMs} for the spooled messages to be acknowledged,
     * then stops; what is left stays in the spool for the next open (its futures fail, retriable).
     * Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(producerConfig.closeTimeoutMs());
            while (!pending.isEmpty()) {
                long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0) {
                    break;
                }
                changed.awaitNanos(leftNs);
            }
            stopped = true;
            changed.signalAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        // Closing the inner producer first ends a send of the dispatcher's that waits for metadata.
        inner.close();
        try {
            dispatcher.join(TimeUnit.SECONDS.toMillis(10));
            syncer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Pending> left;
        lock.lock();
        try {
            left = new ArrayList<>(pending.values());
        } finally {
            lock.unlock();
        }
        try {
            log.checkpoint(ackedThrough());
        } catch (RuntimeException e) {
            LOGGER.warn("the spool checkpoint at close failed ({}); the next open sends acknowledged messages again",
                    e.getMessage());
        }
        log.close();
        if (!left.isEmpty()) {
            LOGGER.info("spooling producer closed with {} unacknowledged messages kept in {}", left.size(),
                    config.directory());
        }
        for (Pending p : left) {
            p.future.completeExceptionally(new SluiceException("the producer closed before the broker acknowledged"
                    + " this message; it stays in the spool " + config.directory()
                    + " and is sent when a SpoolingProducer opens that spool again", true));
        }
    }
}
