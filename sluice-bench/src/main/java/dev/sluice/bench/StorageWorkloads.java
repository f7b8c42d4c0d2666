package dev.sluice.bench;

import dev.sluice.storage.AppendResult;
import dev.sluice.storage.Durability;
import dev.sluice.storage.FlushPolicy;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.QueueId;
import dev.sluice.storage.ReadResult;
import dev.sluice.storage.StorageConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The workloads {@link StorageBenchmark} runs. Each is bounded in bytes and in time, measures
 * from its first write to its last fsync, and deletes its files afterwards.
 */
final class StorageWorkloads {
    /** 1 KiB messages in batches of 16: about 16.6 KiB a batch, as the issue asks. */
    static final int RECORDS_PER_BATCH = 16;
    static final int VALUE_BYTES = 1024;
    private static final int WINDOW = 256;

    /** What a workload did, and how long it took. */
    record Result(long bytes, long batches, long records, long nanos, long fsyncs, long cpuNanos) {
        /** CPU seconds this process spent (all threads, kernel included) per GiB appended or read. */
        double cpuSecondsPerGibibyte() {
            return cpuNanos / 1e9 / (bytes / (double) (1L << 30));
        }

        double megabytesPerSecond() {
            return bytes / 1e6 / (nanos / 1e9);
        }

        double recordsPerSecond() {
            return records / (nanos / 1e9);
        }
    }

    private final Path root;
    private final long bytesTarget;
    private final long timeLimitNs;
    private final ByteBuffer batch;

    StorageWorkloads(Path root, long bytesTarget, long timeLimitMs) {
        this.root = root;
        this.bytesTarget = bytesTarget;
        this.timeLimitNs = timeLimitMs * 1_000_000L;
        this.batch = BenchBatches.batch(RECORDS_PER_BATCH, VALUE_BYTES, 42);
    }

    int batchBytes() {
        return batch.remaining();
    }

    StorageConfig.Builder config(Path directory, FlushPolicy policy) {
        return StorageConfig.builder(directory).flushPolicy(policy).retentionMs(-1).checkpointIntervalMs(3_600_000);
    }

    Path freshDirectory(String name) {
        Path directory = root.resolve(name);
        delete(directory);
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Raw sequential write bandwidth: the engine's IO pattern without the engine. 4 MiB positional
     * writes into 1 GiB files preallocated as the engine's segments are, an fsync each second (as
     * the async flusher does) and one at the end.
     */
    Result rawWrite() throws IOException {
        Path directory = freshDirectory("raw");
        ByteBuffer buffer = ByteBuffer.allocateDirect(4 << 20);
        while (buffer.hasRemaining()) {
            buffer.put(batch.duplicate().limit(Math.min(batch.remaining(), buffer.remaining())));
        }
        long segmentBytes = 1L << 30;
        long written = 0;
        long cpuStart = cpuNanos();
        long start = System.nanoTime();
        long nextFsyncNs = start + 1_000_000_000L;
        long fsyncs = 0;
        FileChannel channel = null;
        List<FileChannel> channels = new ArrayList<>();
        try {
            while (written < bytesTarget && System.nanoTime() - start < timeLimitNs) {
                long inSegment = written % segmentBytes;
                if (inSegment == 0) {
                    channel = FileChannel.open(directory.resolve(written + ".raw"), StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
                    channel.write(ByteBuffer.wrap(new byte[1]), segmentBytes - 1);
                    channels.add(channel);
                }
                buffer.clear();
                while (buffer.hasRemaining()) {
                    channel.write(buffer, inSegment + buffer.position());
                }
                written += buffer.capacity();
                if (System.nanoTime() >= nextFsyncNs) {
                    channel.force(false); // the async flusher's cadence: fsync once a second
                    fsyncs++;
                    nextFsyncNs = System.nanoTime() + 1_000_000_000L;
                }
            }
            for (FileChannel each : channels) {
                each.force(false);
            }
            long nanos = System.nanoTime() - start;
            return new Result(written, written / batch.remaining(), written / batch.remaining() * RECORDS_PER_BATCH,
                    nanos, fsyncs + channels.size(), cpuNanos() - cpuStart);
        } finally {
            for (FileChannel each : channels) {
                each.close();
            }
            delete(directory);
        }
    }

    /**
     * One appender keeps {@value #WINDOW} appends in flight, spread round-robin over
     * {@code queueCount} queues; ends with close (the final fsync). The store is returned open to
     * {@code andThen} before close when given, for reads or memory figures.
     */
    Result appendPipelined(String name, FlushPolicy policy, int queueCount, StoreVisitor andThen) {
        return appendPipelined(name, policy, queueCount, false, andThen);
    }

    /** As above, with the key index on ({@code keyIndexEntriesPerSegment} 2,097,152) when asked. */
    Result appendPipelined(String name, FlushPolicy policy, int queueCount, boolean keyIndex, StoreVisitor andThen) {
        Path directory = freshDirectory(name);
        List<QueueId> queues = queues(queueCount);
        StorageConfig.Builder config = config(directory, policy);
        if (keyIndex) {
            config.keyIndexEntriesPerSegment(1 << 21);
        }
        try (LogStore store = LogStore.open(config.build())) {
            for (QueueId queue : queues) {
                store.append(queue, batch.duplicate()).join(); // create every queue before measuring
            }
            ArrayDeque<CompletableFuture<AppendResult>> inFlight = new ArrayDeque<>();
            long batches = 0;
            long fsyncsBefore = store.fsyncCount();
            long cpuStart = cpuNanos();
            long start = System.nanoTime();
            while (batches * batch.remaining() < bytesTarget && System.nanoTime() - start < timeLimitNs) {
                if (inFlight.size() >= WINDOW) {
                    inFlight.poll().join();
                }
                inFlight.add(store.append(queues.get((int) (batches % queueCount)), batch.duplicate()));
                batches++;
            }
            for (CompletableFuture<AppendResult> future : inFlight) {
                future.join();
            }
            // The last append waits for an fsync of everything before it, as the raw run's fsync.
            store.append(queues.get(0), batch.duplicate(), Durability.FLUSHED).join();
            batches++;
            long nanos = System.nanoTime() - start;
            Result result = new Result(batches * batch.remaining(), batches, batches * RECORDS_PER_BATCH, nanos,
                    store.fsyncCount() - fsyncsBefore, cpuNanos() - cpuStart);
            if (andThen != null) {
                andThen.visit(store, directory, queues);
            }
            return result;
        } finally {
            if (andThen == null) {
                delete(directory);
            }
        }
    }

    /** {@code threads} appenders each wait for their append before the next (closed loop). */
    Result appendClosedLoop(String name, FlushPolicy policy, int threads, long durationMs) throws InterruptedException {
        Path directory = freshDirectory(name);
        try (LogStore store = LogStore.open(config(directory, policy).build())) {
            AtomicLong batches = new AtomicLong();
            long fsyncsBefore = store.fsyncCount();
            long cpuStart = cpuNanos();
            long start = System.nanoTime();
            long end = start + Math.min(durationMs * 1_000_000L, timeLimitNs);
            long batchLimit = bytesTarget / batch.remaining();
            List<Thread> appenders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                QueueId queue = new QueueId("closed", t);
                Thread appender = new Thread(() -> {
                    while (System.nanoTime() < end && batches.get() < batchLimit) {
                        store.append(queue, batch.duplicate()).join();
                        batches.incrementAndGet();
                    }
                });
                appender.start();
                appenders.add(appender);
            }
            for (Thread appender : appenders) {
                appender.join();
            }
            // End on an fsync of everything appended, as the raw run does (a no-op wait under SYNC).
            store.append(new QueueId("closed", 0), batch.duplicate(), Durability.FLUSHED).join();
            batches.incrementAndGet();
            long nanos = System.nanoTime() - start;
            long count = batches.get();
            return new Result(count * batch.remaining(), count, count * RECORDS_PER_BATCH, nanos,
                    store.fsyncCount() - fsyncsBefore, cpuNanos() - cpuStart);
        } finally {
            delete(directory);
        }
    }

    /** Reads a queue from its start to its end, 1 MiB at a time. */
    static Result readSequentially(LogStore store, QueueId queue) {
        long offset = store.startOffset(queue);
        long bytes = 0;
        long batches = 0;
        long cpuStart = cpuNanos();
        long start = System.nanoTime();
        while (offset < store.endOffset(queue)) {
            ReadResult read = store.read(queue, offset, 1 << 20);
            bytes += read.bytes();
            batches += read.batches().size();
            offset = read.nextOffset();
        }
        return new Result(bytes, batches, offset - store.startOffset(queue), System.nanoTime() - start, 0,
                cpuNanos() - cpuStart);
    }

    /** CPU time of this whole process so far: steadier than wall time on a shared machine. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Work done on a store before the workload closes it. */
    @FunctionalInterface
    interface StoreVisitor {
        void visit(LogStore store, Path directory, List<QueueId> queues);
    }

    static List<QueueId> queues(int count) {
        List<QueueId> queues = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            queues.add(new QueueId("topic" + (i / 8), i % 8));
        }
        return queues;
    }

    static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
