package dev.sluice.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CompareOptionsTest {
    @Test
    void quickCapsSizesAndRounds() {
        CompareOptions options = CompareOptions.parse(new String[] {"--quick", "--systems", "kafka", "--repeat", "5"});

        assertThat(options.repeat()).isEqualTo(1);
        assertThat(options.systems()).containsExactly("kafka");
        assertThat(options.sizing().produceBytes()).isEqualTo(4L << 20);
        assertThat(options.sizing().timeLimit().toSeconds()).isEqualTo(3);
    }

    @Test
    void rejectsUnknownGroupsAndOptions() {
        assertThatThrownBy(() -> CompareOptions.parse(new String[] {"--workloads", "produce,nope"}))
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> CompareOptions.parse(new String[] {"--fast"})).hasMessageContaining("--fast");
        assertThatThrownBy(() -> CompareOptions.parse(new String[] {"--repeat"})).hasMessageContaining("needs a value");
    }

    @Test
    void catalogHasTheIssuesWorkloadsWithStableIds() {
        List<Workload> all = WorkloadCatalog.all(CompareOptions.parse(new String[0]).sizing());

        assertThat(all).extracting(Workload::id).doesNotHaveDuplicates().contains(
                "produce-1x1-100B-leader", "produce-1x8-1KiB-durable", "produce-1000x1-1KiB-durable",
                "latency-1x1-1KiB-leader", "consume-1x8-1KiB");
        assertThat(WorkloadCatalog.select(all, Set.of("produce", "topics"), Pattern.compile("1000x")))
                .extracting(Workload::id).containsExactly("produce-1000x1-1KiB-leader", "produce-1000x1-1KiB-durable");
    }
}
