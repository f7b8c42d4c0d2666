package dev.sluice.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.storage.QueueId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Checkpoint}: round trip, corruption detection, and atomic replacement. */
class CheckpointTest {
    private static final String LONGEST_TOPIC = "t".repeat(QueueId.TOPIC_LENGTH_MAX);

    @TempDir
    Path directory;

    private static Map<QueueId, Long> offsets(Object... topicQueueOffset) {
        Map<QueueId, Long> offsets = new LinkedHashMap<>();
        for (int i = 0; i < topicQueueOffset.length; i += 3) {
            offsets.put(new QueueId((String) topicQueueOffset[i], (Integer) topicQueueOffset[i + 1]),
                    (Long) topicQueueOffset[i + 2]);
        }
        return offsets;
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void readsBackWhatWasWritten() throws IOException {
        // given
        Checkpoint written = new Checkpoint(true, 123_456_789_012L, offsets(
                "orders.eu-west", 3, 42L,
                "payments_v2-retry", 0, 0L,
                "a", Integer.MAX_VALUE, Long.MAX_VALUE,
                LONGEST_TOPIC, 7, 1L << 40));

        // when
        written.write(directory);
        Checkpoint read = Checkpoint.read(directory);

        // then
        assertThat(read).isEqualTo(written);
        assertThat(read.clean()).isTrue();
        assertThat(read.logPosition()).isEqualTo(123_456_789_012L);
        assertThat(read.nextOffsets()).containsExactlyEntriesOf(written.nextOffsets());
        assertThat(read.nextOffsets().get(new QueueId("orders.eu-west", 3))).isEqualTo(42L);
    }

    @Test
    void readsBackAnUncleanCheckpointWithoutQueues() throws IOException {
        // given
        Checkpoint written = new Checkpoint(false, 0, Map.of());

        // when
        written.write(directory);

        // then
        assertThat(Checkpoint.read(directory)).isEqualTo(new Checkpoint(false, 0, Map.of()));
        assertThat(Files.size(directory.resolve(Checkpoint.FILE_NAME))).isEqualTo(25);
    }

    @Test
    void readsBackManyQueues() throws IOException {
        // given
        Map<QueueId, Long> offsets = new LinkedHashMap<>();
        for (int i = 0; i < 5_000; i++) {
            offsets.put(new QueueId("topic.with-dash_" + (i % 37), i), (long) i * 1_000_003);
        }
        Checkpoint written = new Checkpoint(false, 9_999, offsets);

        // when
        written.write(directory);
        Checkpoint read = Checkpoint.read(directory);

        // then
        assertThat(read.nextOffsets()).hasSize(5_000).containsExactlyEntriesOf(offsets);
        assertThat(read.nextOffsets().get(new QueueId("topic.with-dash_0", 4_995))).isEqualTo(4_995L * 1_000_003);
    }

    @Test
    void aFlippedByteAnywhereFailsTheRead() throws IOException {
        // given
        new Checkpoint(true, 4_096, offsets("orders.eu-west", 3, 42L, "b-c.d", 1, 7L)).write(directory);
        Path file = directory.resolve(Checkpoint.FILE_NAME);
        byte[] original = Files.readAllBytes(file);
        assertThat(original).hasSize(25 + (2 + 14 + 12) + (2 + 5 + 12));

        for (int i = 0; i < original.length; i++) {
            // when
            byte[] damaged = original.clone();
            damaged[i] ^= 0x10;
            Files.write(file, damaged);

            // then
            assertThatThrownBy(() -> Checkpoint.read(directory))
                    .as("byte %d flipped", i)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageMatching(i < 8 ? ".*bad magic, version or size.*" : ".*fails its crc.*");
        }
    }

    @Test
    void aShortFileFailsTheRead() throws IOException {
        // given
        new Checkpoint(false, 1, Map.of()).write(directory);
        Path file = directory.resolve(Checkpoint.FILE_NAME);
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, 24));

        // when / then
        assertThatThrownBy(() -> Checkpoint.read(directory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bad magic, version or size");
    }

    @Test
    void anEmptyFileFailsTheRead() throws IOException {
        // given
        Files.write(directory.resolve(Checkpoint.FILE_NAME), new byte[0]);

        // when / then
        assertThatThrownBy(() -> Checkpoint.read(directory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bad magic");
    }

    @Test
    void readReturnsNullWhenThereIsNoCheckpoint() throws IOException {
        assertThat(Checkpoint.read(directory)).isNull();
    }

    @Test
    void writeReplacesThePreviousCheckpointAndLeavesNoTemporaryFile() throws IOException {
        // given
        new Checkpoint(false, 100, offsets("old-topic", 0, 5L, "other", 1, 6L)).write(directory);

        // when
        Checkpoint newer = new Checkpoint(true, 200, offsets("new.topic", 2, 9L));
        newer.write(directory);

        // then
        assertThat(Checkpoint.read(directory)).isEqualTo(newer);
        assertThat(fileNames()).containsExactly("checkpoint");
    }

    @Test
    void writeOverwritesALongerTemporaryFileLeftByACrash() throws IOException {
        // given a torn temporary file from an earlier write, longer than the next one
        Files.write(directory.resolve("checkpoint.tmp"), new byte[4_096]);
        Checkpoint written = new Checkpoint(true, 300, offsets("x", 0, 1L));

        // when
        written.write(directory);

        // then
        assertThat(Checkpoint.read(directory)).isEqualTo(written);
        assertThat(Files.size(directory.resolve("checkpoint"))).isEqualTo(25 + 2 + 1 + 12);
        assertThat(fileNames()).containsExactly("checkpoint");
    }
}
