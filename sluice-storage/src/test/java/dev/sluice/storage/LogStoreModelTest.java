package dev.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Random sequences of appends, reads, checkpoints, closes, crashes and reopens over many queues
 * agree with a model that is a list of record values per queue. jqwik prints the seed of a failing
 * sequence and shrinks it; rerun with {@code -Djqwik.seeds.whenfixed=...} or the printed seed.
 * Tries: {@code jqwik.tries.default} (60 in the default build, 1,000 under {@code -Psoak}).
 */
class LogStoreModelTest {
    private static final int QUEUE_COUNT = 6;

    sealed interface Action permits Append, Read, Reopen, CrashReopen, Checkpoint {}

    record Append(int queue, int records, int padBytes, long timestamp) implements Action {}

    record Read(int queue, double where, int maxBytes) implements Action {}

    record Reopen() implements Action {}

    record CrashReopen() implements Action {}

    record Checkpoint() implements Action {}

    private Path root;
    private int generation;

    @BeforeTry
    void createRoot() throws IOException {
        root = Files.createTempDirectory("sluice-model");
        generation = 0;
    }

    @AfterTry
    void deleteRoot() throws IOException {
        RecoveryTest.deleteTree(root);
    }

    @Property
    void storeAgreesWithTheModel(@ForAll("actions") List<Action> actions) throws IOException {
        Map<QueueId, List<String>> model = new HashMap<>();
        Path directory = nextDirectory();
        LogStore store = LogStore.open(config(directory));
        int appended = 0;
        try {
            for (Action action : actions) {
                if (action instanceof Append append) {
                    QueueId queue = queue(append.queue());
                    String label = "a" + appended++;
                    ByteBuffer batch = TestBatches.batch(org.apache.kafka.common.compress.Compression.NONE, label,
                            append.records(), append.timestamp(), append.padBytes());
                    AppendResult result = store.append(queue, batch).join();
                    List<String> values = model.computeIfAbsent(queue, q -> new ArrayList<>());
                    assertThat(result.baseOffset()).isEqualTo(values.size());
                    for (int i = 0; i < append.records(); i++) {
                        values.add(label + "-" + i);
                    }
                } else if (action instanceof Read read) {
                    checkRead(store, model, read);
                } else if (action instanceof Reopen) {
                    store.close();
                    store = LogStore.open(config(directory));
                    assertThat(store.recoveryReport().cleanShutdown()).isTrue();
                } else if (action instanceof CrashReopen) {
                    Path copy = nextDirectory();
                    RecoveryTest.crashCopy(directory, copy);
                    store.close();
                    directory = copy;
                    store = LogStore.open(config(directory));
                    assertThat(store.recoveryReport().truncated()).isFalse();
                } else {
                    store.checkpoint();
                }
                for (Map.Entry<QueueId, List<String>> entry : model.entrySet()) {
                    assertThat(store.endOffset(entry.getKey())).isEqualTo(entry.getValue().size());
                }
            }
            for (QueueId queue : model.keySet()) {
                assertThat(RecoveryTest.allValues(store, queue)).containsExactlyElementsOf(model.get(queue));
            }
        } finally {
            store.close();
        }
    }

    private static void checkRead(LogStore store, Map<QueueId, List<String>> model, Read read) {
        QueueId queue = queue(read.queue());
        List<String> values = model.getOrDefault(queue, List.of());
        long offset = (long) Math.floor(read.where() * values.size());
        ReadResult result = store.read(queue, offset, read.maxBytes());
        assertThat(result.status()).isEqualTo(ReadResult.Status.OK);
        if (offset == values.size()) {
            assertThat(result.batches()).isEmpty();
            return;
        }
        assertThat(result.batches()).isNotEmpty();
        List<Long> offsets = new ArrayList<>();
        List<String> got = new ArrayList<>();
        for (ByteBuffer batch : result.batches()) {
            offsets.addAll(TestBatches.offsets(batch));
            got.addAll(TestBatches.values(batch));
        }
        assertThat(offsets.get(0)).isLessThanOrEqualTo(offset);
        assertThat(offsets.get(offsets.size() - 1) + 1).isEqualTo(result.nextOffset()).isGreaterThan(offset);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo(values.get(offsets.get(i).intValue()));
            assertThat(offsets.get(i)).isEqualTo(offsets.get(0) + i);
        }
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Action> append = Combinators.combine(Arbitraries.integers().between(0, QUEUE_COUNT - 1),
                        Arbitraries.integers().between(1, 20), Arbitraries.integers().between(0, 3_000),
                        Arbitraries.longs().between(0, 10_000))
                .as(Append::new);
        Arbitrary<Action> read = Combinators.combine(Arbitraries.integers().between(0, QUEUE_COUNT - 1),
                        Arbitraries.doubles().between(0, 1), Arbitraries.integers().between(1, 40_000))
                .as(Read::new);
        Arbitrary<Action> action = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, append),
                net.jqwik.api.Tuple.of(6, read),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new CrashReopen())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Checkpoint())));
        return action.list().ofMinSize(1).ofMaxSize(80);
    }

    private Path nextDirectory() {
        try {
            return Files.createDirectories(root.resolve("store-" + generation++));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static QueueId queue(int index) {
        return new QueueId("model" + (index % 3), index);
    }

    private static StorageConfig config(Path directory) {
        return StorageConfig.builder(directory).segmentBytes(64 * 1024).batchBytesMax(60 * 1024)
                .writeBufferBytes(64 * 1024).indexSegmentEntries(16).diskFreeBytesMin(0)
                .flushPolicy(FlushPolicy.ASYNC).checkpointIntervalMs(3_600_000).build();
    }
}
