package dev.sluice.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteFlipperTest {
    private static final int FILE_BYTES = 100;

    @TempDir
    Path dir;

    private Path file;
    private byte[] original;

    @BeforeEach
    void writeFile() throws IOException {
        file = dir.resolve("segment.log");
        original = TestData.deterministicBytes(7, FILE_BYTES);
        Files.write(file, original);
    }

    /** Positions where the file differs from what was written. */
    private long[] changedPositions() throws IOException {
        byte[] now = Files.readAllBytes(file);
        return IntStream.range(0, Math.min(now.length, original.length))
                .filter(i -> now[i] != original[i])
                .asLongStream()
                .toArray();
    }

    @Test
    void flipInvertsEveryBitOfOneByteAndReturnsItsOldValue() throws IOException {
        byte old = ByteFlipper.flip(file, 10);

        assertThat(old).isEqualTo(original[10]);
        assertThat(ByteFlipper.read(file, 10, 1)).containsExactly((byte) ~original[10]);
        assertThat(changedPositions()).containsExactly(10);
    }

    @Test
    void flipTwiceRestoresTheFile() throws IOException {
        ByteFlipper.flip(file, 0);
        ByteFlipper.flip(file, 0);

        assertThat(Files.readAllBytes(file)).isEqualTo(original);
    }

    @Test
    void flipWithAMaskChangesOnlyTheMaskedBits() throws IOException {
        ByteFlipper.flip(file, FILE_BYTES - 1, 0x01);

        assertThat(ByteFlipper.read(file, FILE_BYTES - 1, 1))
                .containsExactly((byte) (original[FILE_BYTES - 1] ^ 0x01));
        assertThat(changedPositions()).containsExactly(FILE_BYTES - 1);
    }

    @Test
    void flipRejectsAMaskThatChangesNothingAndPositionsOutsideTheFile() throws IOException {
        assertThatThrownBy(() -> ByteFlipper.flip(file, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mask must be in 1..255");
        assertThatThrownBy(() -> ByteFlipper.flip(file, 0, 0x100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteFlipper.flip(file, FILE_BYTES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("range [100, 101)")
                .hasMessageContaining("size is 100 bytes");
        assertThatThrownBy(() -> ByteFlipper.flip(file, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
    }

    @Test
    void flipRandomFlipsOneByteInsideTheRangeAndReturnsItsPosition() throws IOException {
        for (long seed = 0; seed < 200; seed++) {
            long position = ByteFlipper.flipRandom(file, 20, 30, new Random(seed));

            assertThat(position).isBetween(20L, 29L);
            assertThat(changedPositions()).containsExactly(position);
            ByteFlipper.flip(file, position);
        }
    }

    @Test
    void flipRandomIsReproducibleFromTheSeed() throws IOException {
        long first = ByteFlipper.flipRandom(file, 0, FILE_BYTES, new Random(42));
        ByteFlipper.flip(file, first);

        long second = ByteFlipper.flipRandom(file, 0, FILE_BYTES, new Random(42));

        assertThat(second).isEqualTo(first);
        assertThat(ByteFlipper.flipRandom(file, 5, 6, new Random(1))).isEqualTo(5);
    }

    @Test
    void flipRandomRejectsAnEmptyRangeOrOneReachingOutsideTheFile() throws IOException {
        assertThatThrownBy(() -> ByteFlipper.flipRandom(file, 10, 10, new Random(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty range");
        assertThatThrownBy(() -> ByteFlipper.flipRandom(file, 90, FILE_BYTES + 1, new Random(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside");
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
    }

    @Test
    void overwriteReplacesBytesInPlace() throws IOException {
        ByteFlipper.overwrite(file, 96, new byte[] {1, 2, 3, 4});

        assertThat(ByteFlipper.read(file, 96, 4)).containsExactly(1, 2, 3, 4);
        assertThat(Files.size(file)).isEqualTo(FILE_BYTES);
        assertThat(ByteFlipper.read(file, 0, 96)).isEqualTo(Arrays.copyOf(original, 96));
    }

    @Test
    void overwriteNeverGrowsTheFile() throws IOException {
        assertThatThrownBy(() -> ByteFlipper.overwrite(file, 98, new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("range [98, 101)");

        assertThat(Files.readAllBytes(file)).isEqualTo(original);
    }

    @Test
    void truncateCutsTheTail() throws IOException {
        ByteFlipper.truncate(file, 37);

        assertThat(Files.readAllBytes(file)).isEqualTo(Arrays.copyOf(original, 37));
    }

    @Test
    void truncateRejectsASizeThatWouldGrowTheFileOrIsNegative() throws IOException {
        assertThatThrownBy(() -> ByteFlipper.truncate(file, FILE_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be in [0, 100]");
        assertThatThrownBy(() -> ByteFlipper.truncate(file, -1))
                .isInstanceOf(IllegalArgumentException.class);
        ByteFlipper.truncate(file, FILE_BYTES);

        assertThat(Files.readAllBytes(file)).isEqualTo(original);
    }

    @Test
    void readReturnsTheRangeAndRejectsOneOutsideTheFile() throws IOException {
        assertThat(ByteFlipper.read(file, 0, FILE_BYTES)).isEqualTo(original);
        assertThat(ByteFlipper.read(file, FILE_BYTES, 0)).isEmpty();
        assertThatThrownBy(() -> ByteFlipper.read(file, 50, 51))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAMissingFileInsteadOfCreatingIt() {
        Path missing = dir.resolve("missing.log");

        assertThatThrownBy(() -> ByteFlipper.flip(missing, 0)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> ByteFlipper.flipRandom(missing, 0, 1, new Random(1)))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(missing).doesNotExist();
    }
}
