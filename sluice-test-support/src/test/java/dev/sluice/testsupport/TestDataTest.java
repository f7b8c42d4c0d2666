package dev.sluice.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TestDataTest {
    @Test
    void deterministicBytesArePinnedForever() {
        // SplitMix64 from state 0 yields 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4 (published
        // reference values), laid down least significant byte first.
        assertThat(HexFormat.of().formatHex(TestData.deterministicBytes(0, 16)))
                .isEqualTo("afcd1d7b39a820e2f465b9a16a9e786e");
        assertThat(HexFormat.of().formatHex(TestData.deterministicBytes(-1, 10)))
                .isEqualTo("202c651b7771d9e4c982");
    }

    @Test
    void deterministicBytesMatchTheJdksSplitMix64() {
        long seed = 0x5EEDL;
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer expected = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        while (expected.hasRemaining()) {
            expected.putLong(random.nextLong());
        }

        assertThat(TestData.deterministicBytes(seed, 64)).isEqualTo(expected.array());
    }

    @Test
    void sameSeedGivesSameBytesAndALongerArrayExtendsAShorterOne() {
        byte[] shorter = TestData.deterministicBytes(99, 13);
        byte[] longer = TestData.deterministicBytes(99, 1000);

        assertThat(TestData.deterministicBytes(99, 13)).isEqualTo(shorter);
        assertThat(Arrays.copyOf(longer, 13)).isEqualTo(shorter);
        assertThat(TestData.deterministicBytes(100, 13)).isNotEqualTo(shorter);
    }

    @Test
    void deterministicBytesAcceptsZeroAndRejectsNegativeLength() {
        assertThat(TestData.deterministicBytes(1, 0)).isEmpty();
        assertThatThrownBy(() -> TestData.deterministicBytes(1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void seedForIsPinnedForever() {
        assertThat(TestData.seedFor()).isEqualTo(-780787492076525413L);
        assertThat(TestData.seedFor("a")).isEqualTo(2833759405660334373L);
        assertThat(TestData.seedFor("CommitLogTest", "recovers", "17"))
                .isEqualTo(275224889605541113L);
        assertThat(TestData.seedFor("é")).isEqualTo(7466205413890308541L);
    }

    @Test
    void seedForSeparatesPartsAndRespectsTheirOrder() {
        assertThat(TestData.seedFor("ab", "c")).isNotEqualTo(TestData.seedFor("a", "bc"));
        assertThat(TestData.seedFor("a", "b")).isNotEqualTo(TestData.seedFor("b", "a"));
        assertThat(TestData.seedFor("a", "")).isNotEqualTo(TestData.seedFor("a"));
        assertThat(TestData.seedFor("x", "y")).isEqualTo(TestData.seedFor("x", "y"));
    }

    @Test
    void seedForRejectsANullPart() {
        assertThatThrownBy(() -> TestData.seedFor("a", null))
                .isInstanceOf(NullPointerException.class);
    }
}
