package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void doublesFromTheBaseUpToTheMaximumWithoutJitter() {
        RetryBackoff backoff = new RetryBackoff(100, 1_000, () -> 0.5); // factor exactly 1
        assertThat(backoff.backoffMs(1)).isEqualTo(100);
        assertThat(backoff.backoffMs(2)).isEqualTo(200);
        assertThat(backoff.backoffMs(3)).isEqualTo(400);
        assertThat(backoff.backoffMs(4)).isEqualTo(800);
        assertThat(backoff.backoffMs(5)).isEqualTo(1_000);
        assertThat(backoff.backoffMs(1_000)).isEqualTo(1_000);
    }

    @Test
    void jitterStaysWithinTwentyPercentAndNeverExceedsTheMaximum() {
        RetryBackoff low = new RetryBackoff(100, 1_000, () -> 0.0);
        RetryBackoff high = new RetryBackoff(100, 1_000, () -> 0.999_999);
        assertThat(low.backoffMs(1)).isEqualTo(80);
        assertThat(high.backoffMs(1)).isEqualTo(120);
        assertThat(low.backoffMs(10)).isEqualTo(800);
        assertThat(high.backoffMs(10)).isEqualTo(1_000);
    }

    @Test
    void realJitterDiffersBetweenDraws() {
        RetryBackoff backoff = RetryBackoff.of(1_000, 10_000);
        java.util.Set<Long> values = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            long value = backoff.backoffMs(2);
            assertThat(value).isBetween(1_600L, 2_400L);
            values.add(value);
        }
        assertThat(values).hasSizeGreaterThan(1);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RetryBackoff(0, 10, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBackoff(10, 5, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryBackoff.of(1, 2).backoffMs(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
