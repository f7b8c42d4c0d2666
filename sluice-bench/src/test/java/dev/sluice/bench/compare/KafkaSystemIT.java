package dev.sluice.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.bench.compare.kafka.KafkaSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness against a real Kafka broker: about half a minute, so only in the {@code kafka-it}
 * profile ({@code ./mvnw verify -pl sluice-bench -am -Pkafka-it}), never in the default build.
 */
class KafkaSystemIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void runsEveryKindOfWorkloadThroughARealBrokerAndStopsIt(@TempDir Path dir) throws Exception {
        // given
        KafkaSystem kafka = new KafkaSystem(Path.of(System.getProperty("sluice.kafka.lib")));
        WorkloadRunner runner = new WorkloadRunner(kafka, ProducerSettings.standard(Ack.LEADER));
        kafka.start(dir.resolve("kafka"));
        List<WorkloadResult> results;
        try {
            // when
            results = List.of(
                    runner.run(new ProduceWorkload("produce", 1, 8, 100, Ack.LEADER, 20_000, LIMIT), 1),
                    runner.run(new ProduceWorkload("topics", 20, 1, 1024, Ack.DURABLE, 2_000, LIMIT), 1),
                    runner.run(new LatencyWorkload(1, 1024, Ack.LEADER, 2_000, 200, 2_000, LIMIT), 1),
                    runner.run(new ConsumeWorkload(2, 1024, 5_000, LIMIT), 1));
            runner.cleanUp();
        } finally {
            kafka.stop();
        }

        // then
        assertThat(results).allSatisfy(result -> {
            assertThat(result.firstError()).as(result.workloadId()).isNull();
            assertThat(result.hitTimeLimit()).as(result.workloadId()).isFalse();
            assertThat(result.brokerPeakRssBytes()).as(result.workloadId()).isPositive();
        });
        assertThat(results).extracting(WorkloadResult::messageCount).containsExactly(20_000L, 2_000L, 2_000L, 5_000L);
        assertThat(results.get(2).latency().count()).isEqualTo(1_800);
        assertThat(kafka.brokerPeakRssBytes()).as("no /proc entry once the broker is stopped").isEqualTo(-1);
    }
}
