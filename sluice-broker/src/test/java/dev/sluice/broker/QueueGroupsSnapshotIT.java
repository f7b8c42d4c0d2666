package dev.sluice.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testsupport.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot rule of {@code __queue_groups}: storage retention deletes the segments holding a
 * group's original records; a snapshot appended since keeps its settings and counters (the data
 * records went with the same segments, so the tracker's start offset follows the log's). The child
 * ({@link QueueSnapshotChild}) is killed with {@code kill -9}, so no close-time snapshot hides
 * what the periodic one does. The control run without a snapshot loses the group.
 */
class QueueGroupsSnapshotIT {
    @TempDir
    Path directory;

    private long runChildAndKill(String mode, long startMs) throws Exception {
        try (ChildJvm child = ChildJvm.builder(QueueSnapshotChild.class)
                .args(directory.toString(), Long.toString(startMs), mode).start()) {
            String ready = child.awaitLine(line -> line.startsWith("READY"), Duration.ofSeconds(60));
            assertThat(child.killHard()).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
            return Long.parseLong(ready.split(" ")[1]);
        }
    }

    @Test
    void aSnapshotKeepsQueueGroupStateWhenRetentionDeletesItsRecords() throws Exception {
        long startMs = System.currentTimeMillis();
        long stateStart = runChildAndKill("snapshot", startMs);

        assertThat(stateStart).as("retention deleted the segment holding the original records").isPositive();
        ManualClock clock = new ManualClock(startMs + 11 * QueueSnapshotChild.MINUTE_MS);
        try (Broker broker = Broker.open(QueueSnapshotChild.config(directory), clock)) {
            QueueGroupDescription description = broker.queueGroups().describe("workers");
            assertThat(description).isNotNull();
            assertThat(description.settings()).isEqualTo(QueueSnapshotChild.SETTINGS);
            // The records of "orders" went with the same segments: the group's start follows the log's.
            assertThat(description.queues()).containsExactly(new QueueGroupQueue(0, 3, 3, 0, 0, 0, 1));
            assertThat(broker.queueGroups().receive(new QueueReceiveRequest("workers", "orders", null, 1, 1, 30_000,
                    0))).as("the stored settings are enforced").failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .satisfies(e -> QueueModeTest.assertBroker(e.getCause(), BrokerError.GROUP_MODE_MISMATCH));
        }
    }

    @Test
    void withoutASnapshotRetentionWouldLoseTheGroup() throws Exception {
        long startMs = System.currentTimeMillis();
        long stateStart = runChildAndKill("none", startMs);

        assertThat(stateStart).isPositive();
        ManualClock clock = new ManualClock(startMs + 11 * QueueSnapshotChild.MINUTE_MS);
        try (Broker broker = Broker.open(QueueSnapshotChild.config(directory), clock)) {
            // The control for the test above: the group's records are gone, and nothing re-appended them.
            assertThat(broker.queueGroups().list()).isEmpty();
        }
    }
}
