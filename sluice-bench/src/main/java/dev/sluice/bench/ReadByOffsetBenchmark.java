package dev.sluice.bench;

import dev.sluice.storage.FlushPolicy;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.QueueId;
import dev.sluice.storage.ReadResult;
import dev.sluice.storage.StorageConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A consumer's random read: one batch at a random offset of a random queue (index binary search,
 * segment lookup, CRC check of the batch on the way out). Page cache warm.
 * {@code java -jar sluice-bench/target/sluice-bench.jar ReadByOffset}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReadByOffsetBenchmark {
    @Param({"1", "1000"})
    int queueCount;

    private Path directory;
    private LogStore store;
    private List<QueueId> queues;
    private final SplittableRandom random = new SplittableRandom(11);
    private long recordsPerQueue;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("sluice-jmh");
        store = LogStore.open(StorageConfig.builder(directory).flushPolicy(FlushPolicy.ASYNC)
                .segmentBytes(256L << 20).build());
        queues = StorageWorkloads.queues(queueCount);
        ByteBuffer batch = BenchBatches.batch(16, 100, 3);
        int batches = 100_000 / queueCount * queueCount;
        for (int i = 0; i < batches; i++) {
            store.append(queues.get(i % queueCount), batch.duplicate());
        }
        store.append(queues.get(0), batch.duplicate()).join();
        recordsPerQueue = 16L * (batches / queueCount);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        StorageWorkloads.delete(directory);
    }

    @Benchmark
    public int readOneBatch() {
        QueueId queue = queues.get(random.nextInt(queueCount));
        ReadResult read = store.read(queue, random.nextLong(recordsPerQueue), 1);
        return read.bytes();
    }
}
