package dev.sluice.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadRunnerTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private final InMemorySystem system = new InMemorySystem();
    private final WorkloadRunner runner = new WorkloadRunner(system, ProducerSettings.standard(Ack.LEADER));

    @Test
    void producesEveryMessageRoundRobinAndDeletesItsTopics() {
        // given
        system.start(Path.of("unused"));
        ProduceWorkload workload = new ProduceWorkload("topics", 10, 2, 100, Ack.DURABLE, 1_000, LIMIT);

        // when
        WorkloadResult result = runner.run(workload, 1);

        // then
        assertThat(result.firstError()).isNull();
        assertThat(result.messageCount()).isEqualTo(1_000);
        assertThat(result.payloadBytes()).isEqualTo(100_000);
        assertThat(result.hitTimeLimit()).isFalse();
        assertThat(system.deleted).hasSize(10).allMatch(name -> name.startsWith("r1-produce-10x2-100B-durable-"));
        assertThat(system.topicCount()).isZero();
    }

    @Test
    void stopsAtTheTimeLimitBeforeTheMessageCount() {
        // given
        ProduceWorkload workload = new ProduceWorkload("produce", 1, 1, 100, Ack.LEADER, Long.MAX_VALUE,
                Duration.ofMillis(200));

        // when
        WorkloadResult result = runner.run(workload, 1);

        // then
        assertThat(result.hitTimeLimit()).isTrue();
        assertThat(result.messageCount()).isPositive();
        assertThat(result.elapsedNs()).isLessThan(Duration.ofSeconds(10).toNanos());
    }

    @Test
    void recordsLatencyOfEveryMessageAfterTheWarmUp() {
        // given
        LatencyWorkload workload = new LatencyWorkload(1, 1024, Ack.LEADER, 5_000, 100, 1_000, LIMIT);

        // when
        WorkloadResult result = runner.run(workload, 2);

        // then
        assertThat(result.firstError()).isNull();
        assertThat(result.messageCount()).isEqualTo(1_000);
        assertThat(result.latency().count()).isEqualTo(900);
        assertThat(result.latency().p50Ns()).isPositive().isLessThanOrEqualTo(result.latency().p999Ns());
    }

    @Test
    void consumesWhatWasWrittenOnceInEveryRound() throws Exception {
        // given
        ConsumeWorkload workload = new ConsumeWorkload(8, 1024, 4_000, LIMIT);

        // when
        WorkloadResult first = runner.run(workload, 1);
        WorkloadResult second = runner.run(workload, 2);
        runner.cleanUp();

        // then
        assertThat(List.of(first, second)).allSatisfy(result -> {
            assertThat(result.messageCount()).isEqualTo(4_000);
            assertThat(result.payloadBytes()).isEqualTo(4_000L * 1024);
            assertThat(result.hitTimeLimit()).isFalse();
        });
        assertThat(system.deleted).containsExactly("fill-consume-1x8-1KiB");
    }
}
