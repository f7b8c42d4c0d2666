package dev.sluice.storage;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;

/**
 * The child JVM of {@link CrashIT}: appends with SYNC flush from several threads and prints
 * {@code ACK <queueIndex> <baseOffset> <thread> <sequence>} for every batch whose future completed,
 * that is, once an fsync covered it. The parent kills it with SIGKILL at a random moment.
 * Bounded: stops by itself after {@link #SEQUENCE_MAX} batches a thread or 60 seconds.
 */
public final class CrashTestAppender {
    static final int THREAD_COUNT = 4;
    static final int SEQUENCE_MAX = 200_000;
    static final List<QueueId> QUEUES = List.of(new QueueId("orders", 0), new QueueId("orders", 1),
            new QueueId("orders", 2), new QueueId("payments", 0), new QueueId("payments", 1),
            new QueueId("audit.log", 0), new QueueId("audit.log", 7), new QueueId("x", 3));

    private CrashTestAppender() {}

    static StorageConfig config(Path directory) {
        return StorageConfig.builder(directory).segmentBytes(256 * 1024).batchBytesMax(64 * 1024)
                .writeBufferBytes(128 * 1024).indexSegmentEntries(64).diskFreeBytesMin(0)
                .flushPolicy(FlushPolicy.SYNC).checkpointIntervalMs(150).keyIndexEntriesPerSegment(1 << 16).build();
    }

    /** The batch thread {@code thread} appends as its {@code sequence}-th: the same bytes every time. */
    static ByteBuffer batch(int thread, int sequence) {
        return TestBatches.batch(Compression.NONE, "t" + thread + "s" + sequence, 1 + sequence % 7,
                1_000L * sequence, 50 + (sequence % 5) * 300);
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        long deadlineNs = System.nanoTime() + 60_000_000_000L;
        try (LogStore store = LogStore.open(config(directory))) {
            System.out.println("OPEN " + store.recoveryReport());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREAD_COUNT; t++) {
                int thread = t;
                Random random = new Random(seed * 31 + t);
                Thread appender = new Thread(() -> {
                    for (int sequence = 0; sequence < SEQUENCE_MAX && System.nanoTime() < deadlineNs; sequence++) {
                        int queue = random.nextInt(QUEUES.size());
                        AppendResult result = store.append(QUEUES.get(queue), batch(thread, sequence)).join();
                        System.out.println("ACK " + queue + " " + result.baseOffset() + " " + thread + " " + sequence);
                    }
                }, "appender-" + t);
                appender.start();
                threads.add(appender);
            }
            for (Thread appender : threads) {
                appender.join();
            }
        }
        System.out.println("DONE");
    }
}
