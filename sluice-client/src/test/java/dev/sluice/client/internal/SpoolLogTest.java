package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.Header;
import dev.sluice.client.Message;
import dev.sluice.client.SpoolConfig;
import dev.sluice.testsupport.ByteFlipper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's files: what a reopen recovers after acknowledgements, torn tails and flipped bits. */
class SpoolLogTest {
    @TempDir
    Path dir;

    private SpoolConfig config() {
        return SpoolConfig.of(dir).withSegmentBytes(64 * 1024);
    }

    private static ByteBuffer payload(int i) {
        return SpooledMessages.encode(Message.builder("t").key("k" + i).value("value-" + i)
                .header("h", "x").timestampMs(1_000 + i).build());
    }

    private static String value(SpoolLog log, SpoolLog.Entry entry) {
        return new String(SpooledMessages.decode(log.read(entry)).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aMessageRoundTripsThroughTheSpoolFormat() {
        Message message = new Message("topic", null, new byte[] {1, 2}, List.of(new Header("a", null),
                Header.of("b", "v")), 42, 3);
        assertThat(SpooledMessages.decode(SpooledMessages.encode(message))).isEqualTo(message);
    }

    @Test
    void reopeningRecoversExactlyTheEntriesAfterTheCheckpoint() {
        try (SpoolLog log = SpoolLog.open(config())) {
            for (int i = 0; i < 1_000; i++) {
                int n = i;
                log.append(sequence -> payload(n));
            }
            log.force();
            log.checkpoint(600);
            assertThat(log.segmentCount()).as("acknowledged files are deleted").isLessThan(3);
        }
        try (SpoolLog log = SpoolLog.open(config())) {
            List<SpoolLog.Entry> recovered = log.recovered();
            assertThat(recovered).hasSize(400);
            assertThat(recovered.get(0).sequence()).isEqualTo(601);
            assertThat(value(log, recovered.get(0))).isEqualTo("value-600");
            assertThat(value(log, recovered.get(399))).isEqualTo("value-999");
            SpoolLog.Entry next = log.append(sequence -> payload(1_000));
            assertThat(next.sequence()).as("sequences continue, never reused").isEqualTo(1_001);
        }
    }

    @Test
    void aTornTailIsCutOffAndLaterAppendsAreRead() throws IOException {
        try (SpoolLog log = SpoolLog.open(config())) {
            for (int i = 0; i < 10; i++) {
                int n = i;
                log.append(sequence -> payload(n));
            }
        }
        Path file = spoolFiles().get(0);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 3);
        }
        try (SpoolLog log = SpoolLog.open(config())) {
            assertThat(log.recovered()).hasSize(9);
            assertThat(log.corruptEntries()).isZero();
            log.append(sequence -> payload(10));
        }
        try (SpoolLog log = SpoolLog.open(config())) {
            assertThat(log.recovered()).hasSize(10);
            assertThat(value(log, log.recovered().get(9))).isEqualTo("value-10");
        }
    }

    @Test
    void aFlippedBitInAnOlderFileSkipsTheRestOfThatFileAndIsCounted() throws IOException {
        try (SpoolLog log = SpoolLog.open(config())) {
            for (int i = 0; i < 3_000; i++) {
                int n = i;
                log.append(sequence -> payload(n));
            }
        }
        List<Path> files = spoolFiles();
        assertThat(files).hasSizeGreaterThan(1);
        long firstFileEntries;
        try (SpoolLog log = SpoolLog.open(config())) {
            firstFileEntries = log.recovered().stream().filter(e -> e.segment() == log.recovered().get(0).segment())
                    .count();
        }
        ByteFlipper.flip(files.get(0), Files.size(files.get(0)) / 2, (byte) 0x40);
        try (SpoolLog log = SpoolLog.open(config())) {
            assertThat(log.corruptEntries()).isEqualTo(1);
            assertThat(log.recovered().size()).isLessThan(3_000).isGreaterThan((int) (3_000 - firstFileEntries));
            for (SpoolLog.Entry entry : log.recovered()) {
                assertThat(value(log, entry)).startsWith("value-");
            }
        }
    }

    @Test
    void aFlippedBitInTheNewestFileIsCountedAsCorruptionNotTakenForATornTail() throws IOException {
        try (SpoolLog log = SpoolLog.open(config())) {
            for (int i = 0; i < 20; i++) {
                int n = i;
                log.append(sequence -> payload(n));
            }
        }
        List<Path> files = spoolFiles();
        assertThat(files).hasSize(1);
        ByteFlipper.flip(files.get(0), Files.size(files.get(0)) / 2, 0x40);
        try (SpoolLog log = SpoolLog.open(config())) {
            assertThat(log.corruptEntries()).isEqualTo(1);
            assertThat(log.recovered().size()).isBetween(8, 11);
        }
    }

    @Test
    void aSpoolDirectoryServesOneProducerAtATime() {
        try (SpoolLog log = SpoolLog.open(config())) {
            assertThatThrownBy(() -> SpoolLog.open(config())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by another producer");
        }
        SpoolLog.open(config()).close();
    }

    private List<Path> spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }
}
