package dev.sluice.bench;

import dev.sluice.record.RecordBatchDescriptor;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The validation every append pays on the caller's thread (and every read pays again): header
 * checks, CRC32C over the batch, record framing. {@code java -jar sluice-bench/target/sluice-bench.jar BatchCheck}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BatchCheckBenchmark {
    @Param({"1", "16"})
    int recordCount;

    @Param({"100", "1024"})
    int valueBytes;

    private ByteBuffer batch;

    @Setup
    public void setUp() {
        batch = BenchBatches.batch(recordCount, valueBytes, 7);
    }

    @Benchmark
    public int check() {
        RecordBatchDescriptor.check(batch, 0, batch.remaining(), Integer.MAX_VALUE);
        return batch.remaining();
    }
}
