package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class QueueSelectorTest {

    @Property
    void murmur2MatchesKafkasSoKeysLandWhereKafkaPutsThem(@ForAll byte[] key) {
        assertThat(QueueSelector.murmur2(key)).isEqualTo(Utils.murmur2(key));
    }

    @Property
    void keyedQueueIsStableAndInRange(@ForAll byte[] key, @ForAll @IntRange(min = 1, max = 1024) int queueCount) {
        QueueSelector first = new QueueSelector();
        QueueSelector second = new QueueSelector();
        int queue = first.select("t", key, queueCount);
        assertThat(queue).isBetween(0, queueCount - 1);
        assertThat(second.select("t", key, queueCount)).isEqualTo(queue);
        assertThat(first.select("t", key, queueCount)).isEqualTo(queue);
        assertThat(queue).isEqualTo((Utils.murmur2(key) & 0x7fffffff) % queueCount);
    }

    @Test
    void keysSpreadOverAllQueues() {
        QueueSelector selector = new QueueSelector();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            seen.add(selector.select("t", ("key-" + i).getBytes(StandardCharsets.UTF_8), 8));
        }
        assertThat(seen).hasSize(8);
    }

    @Test
    void keylessMessagesStickToOneQueueUntilItsBatchCloses() {
        QueueSelector selector = new QueueSelector();
        int queue = selector.select("t", null, 4);
        assertThat(selector.select("t", null, 4)).isEqualTo(queue);

        selector.onBatchClosed("t", (queue + 1) % 4); // another queue's batch: no move
        assertThat(selector.select("t", null, 4)).isEqualTo(queue);

        selector.onBatchClosed("t", queue);
        assertThat(selector.select("t", null, 4)).isEqualTo((queue + 1) % 4);
    }

    @Test
    void keylessMessagesVisitEveryQueueAsBatchesClose() {
        QueueSelector selector = new QueueSelector();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            int queue = selector.select("t", null, 5);
            seen.add(queue);
            selector.onBatchClosed("t", queue);
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    }
}
