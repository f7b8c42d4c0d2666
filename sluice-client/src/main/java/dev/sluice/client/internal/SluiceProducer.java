package dev.sluice.client.internal;

import dev.sluice.client.CompressionType;
import dev.sluice.client.Message;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.RecordTooLargeException;
import dev.sluice.client.SendResult;
import dev.sluice.client.SluiceException;
import dev.sluice.client.SluiceTimeoutException;
import dev.sluice.record.Compression;
import dev.sluice.record.RecordBatchDescriptor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link Producer}: application threads queue messages into the {@link RecordAccumulator};
 * the {@link ProducerSender} thread sends them. Thread-safe.
 */
public final class SluiceProducer implements Producer {
    /** Beyond {@code deliveryTimeoutMs}, how long {@code sendSync} waits for the sender's verdict. */
    private static final long SEND_SYNC_GRACE_MS = 5_000;

    private final ProducerConfig config;
    private final ClientIo io;
    private final BrokerConnection connection;
    private final TopicMetadata metadata;
    private final QueueSelector selector = new QueueSelector();
    private final BufferMemory memory;
    private final RecordAccumulator accumulator;
    private final ProducerSender sender;
    private final Thread senderThread;
    private final Object closeLock = new Object();
    private volatile boolean closed;

    /** Starts the producer's threads; it connects on first use. */
    public SluiceProducer(ProducerConfig config) {
        this.config = config;
        this.io = new ClientIo();
        RetryBackoff backoff = RetryBackoff.of(config.retryBackoffMs(), config.retryBackoffMaxMs());
        this.connection = new BrokerConnection(io, BrokerAddress.parse(config.bootstrap()), backoff, null);
        this.metadata = new TopicMetadata(connection, config.metadataMaxAgeMs(), config.allowAutoCreateTopics(),
                config.requestTimeoutMs(), backoff, io.group());
        this.memory = new BufferMemory(config.bufferBytesMax());
        Compression compression = switch (config.compression()) {
            case NONE -> Compression.NONE;
            case GZIP -> Compression.GZIP;
        };
        this.accumulator = new RecordAccumulator(config.lingerMs(), config.batchBytes(), compression,
                selector::onBatchClosed, config.inFlightBatchesPerQueueMax());
        connection.onLimits(limits -> accumulator.limitBatchBytes(limits.batchBytesMax()));
        this.sender = new ProducerSender(config, accumulator, memory, connection, metadata);
        this.senderThread = new Thread(sender, "sluice-producer-sender");
        this.senderThread.setDaemon(true);
        this.senderThread.start();
    }

    @Override
    public CompletableFuture<SendResult> send(Message message) {
        try {
            return enqueue(message, false);
        } catch (SluiceException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public SendResult sendSync(Message message) {
        CompletableFuture<SendResult> future = send(message);
        try {
            return future.get(config.deliveryTimeoutMs() + SEND_SYNC_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("interrupted while waiting for the send", false, e);
        } catch (ExecutionException e) {
            throw Errors.asRuntime(e);
        } catch (TimeoutException e) {
            throw new SluiceTimeoutException("no verdict on the send within deliveryTimeoutMs "
                    + config.deliveryTimeoutMs(), e);
        }
    }

    @Override
    public void sendOneway(Message message) {
        enqueue(message, true);
    }

    private CompletableFuture<SendResult> enqueue(Message message, boolean oneway) {
        ensureOpen();
        int sizeBytes = ProducerBatch.sizeEstimate(message);
        if (sizeBytes > config.messageBytesMax()) {
            throw new RecordTooLargeException(String.format(
                    "a message of about %,d bytes exceeds messageBytesMax %,d (topic %s)",
                    sizeBytes, config.messageBytesMax(), message.topic()));
        }
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.maxBlockMs());
        try {
            int queueCount = metadata.queueCount(message.topic(), deadlineNs);
            checkBrokerLimit(message, sizeBytes);
            int queue = message.queue();
            if (queue == Message.ANY_QUEUE) {
                queue = selector.select(message.topic(), message.key(), queueCount);
            } else if (queue >= queueCount) {
                throw new IllegalArgumentException(String.format(
                        "queue %d is not below the queue count %d of topic %s", queue, queueCount, message.topic()));
            }
            long remainingMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
            memory.reserve(sizeBytes, remainingMs);
            long timestampMs = message.timestampMs() == Message.NO_TIMESTAMP ? System.currentTimeMillis()
                    : message.timestampMs();
            // acks NONE means no answer: the protocol requires such requests to be ONEWAY.
            boolean noAnswer = oneway || config.acks() == dev.sluice.client.Acks.NONE;
            return accumulator.append(message.topic(), queue, noAnswer, message, timestampMs, sizeBytes,
                    MonotonicClock.nowMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("interrupted while waiting for metadata or buffer room", false, e);
        }
    }

    /**
     * A message whose batch alone would exceed the broker's {@code batchBytesMax} fails here, not
     * as BATCH_TOO_LARGE after a round trip. Compressed batches are left to the broker: their size
     * is known only once compressed.
     */
    private void checkBrokerLimit(Message message, int sizeBytes) {
        int batchBytesMax = connection.limits().batchBytesMax();
        long batchBytes = (long) sizeBytes + RecordBatchDescriptor.HEADER_BYTES;
        if (config.compression() == CompressionType.NONE && batchBytes > batchBytesMax) {
            throw new RecordTooLargeException(String.format(
                    "a message of about %,d bytes makes a batch of %,d bytes, over the broker's batchBytesMax %,d"
                            + " (topic %s)", sizeBytes, batchBytes, batchBytesMax, message.topic()));
        }
    }

    @Override
    public void flush() {
        ensureOpen();
        List<CompletableFuture<SendResult>> futures = accumulator.beginFlush();
        try {
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null).join();
        } finally {
            accumulator.endFlush();
        }
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        sender.initiateClose();
        try {
            senderThread.join(config.closeTimeoutMs());
            if (senderThread.isAlive()) {
                sender.forceClose();
                accumulator.wakeup();
                senderThread.join();
            }
        } catch (InterruptedException e) {
            sender.forceClose();
            Thread.currentThread().interrupt();
        } finally {
            connection.close();
            io.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the producer is closed");
        }
    }
}
