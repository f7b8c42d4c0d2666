package dev.sluice.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompareReportTest {
    private final ProduceWorkload produce = new ProduceWorkload("produce", 1, 1, 100, Ack.LEADER, 10, Duration.ofSeconds(1));

    @Test
    void leavesTheSluiceColumnEmptyWhileOnlyKafkaRan() {
        String report = render(List.of(result("kafka", 1, 2_000_000_000L), result("kafka", 2, 1_000_000_000L)));

        assertThat(report).contains("| produce, 1 topic x 1 queue, 100 B, leader `produce-1x1-100B-leader` | 1,000 | 0.1 "
                + "|  |  |  |  | 1 /  |");
        assertThat(report).contains("- sluice: not run (no implementation yet)");
    }

    @Test
    void givesRatioOfMediansAndMedianOfRoundRatios() {
        String report = render(List.of(result("kafka", 1, 1_000_000_000L), result("sluice", 1, 500_000_000L),
                result("kafka", 2, 2_000_000_000L), result("sluice", 2, 500_000_000L),
                result("kafka", 3, 1_000_000_000L), result("sluice", 3, 250_000_000L)));

        // kafka 1,000 / 500 / 1,000 msgs/s: median 1,000; sluice 2,000 / 2,000 / 4,000: median 2,000.
        // Round ratios 2, 4, 4: median 4.
        assertThat(report).contains("| 1,000 | 0.1 | 2,000 | 0.2 | 2.00 | 4.00 |");
    }

    private WorkloadResult result(String system, int round, long elapsedNs) {
        return new WorkloadResult(produce.id(), system, round, 1_000, 100_000, elapsedNs, 0, null, false, null, 1 << 20);
    }

    private String render(List<WorkloadResult> results) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CompareOptions options = CompareOptions.parse(new String[] {"--repeat", "3"});
        new CompareReport(options, List.of(produce), results, Map.of("kafka", List.of("test")), Map.of("kafka", 1L << 20))
                .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
