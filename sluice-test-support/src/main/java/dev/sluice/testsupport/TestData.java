package dev.sluice.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reproducible test payloads: the same seed gives the same bytes on every JVM, platform and
 * release, so a failing test can be replayed from a printed seed and a golden file may hold
 * bytes made here. The algorithms below are part of the contract and never change; {@code
 * TestDataTest} pins their output.
 *
 * <p>Stateless and thread-safe.
 */
public final class TestData {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long FNV_OFFSET_BASIS = 0xCBF29CE484222325L;
    private static final long FNV_PRIME = 0x100000001B3L;

    private TestData() {}

    /**
     * {@code length} pseudo-random bytes determined by {@code seed}: the SplitMix64 sequence
     * started at state {@code seed}, each 64-bit output laid down least significant byte first.
     * A longer array from the same seed starts with the shorter one. Not for cryptography.
     *
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static byte[] deterministicBytes(long seed, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative: " + length);
        }
        byte[] bytes = new byte[length];
        long state = seed;
        long word = 0;
        for (int i = 0; i < length; i++) {
            if ((i & 7) == 0) {
                state += GOLDEN_GAMMA;
                word = mix(state);
            }
            bytes[i] = (byte) word;
            word >>>= 8;
        }
        return bytes;
    }

    /**
     * A seed derived from {@code parts}, say a test class, a case name and a round number, so
     * each case gets its own reproducible data: FNV-1a 64 over each part's UTF-8 length (4
     * bytes, big-endian) then its UTF-8 bytes, finished with the SplitMix64 mixer. The length
     * prefix keeps {@code ("ab", "c")} and {@code ("a", "bc")} apart.
     */
    public static long seedFor(String... parts) {
        long hash = FNV_OFFSET_BASIS;
        for (String part : parts) {
            Objects.requireNonNull(part, "seed part");
            byte[] utf8 = part.getBytes(StandardCharsets.UTF_8);
            for (int shift = 24; shift >= 0; shift -= 8) {
                hash = fnvStep(hash, (byte) (utf8.length >>> shift));
            }
            for (byte b : utf8) {
                hash = fnvStep(hash, b);
            }
        }
        return mix(hash);
    }

    private static long fnvStep(long hash, byte b) {
        return (hash ^ (b & 0xFF)) * FNV_PRIME;
    }

    /** The SplitMix64 output function (Steele, Lea, Flood 2014), as in {@code SplittableRandom}. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
