package dev.sluice.bench.compare;

/**
 * One workload's run through one system in one round.
 *
 * @param messageCount messages acknowledged (produce, latency) or read (consume)
 * @param payloadBytes their value bytes
 * @param elapsedNs first send (or poll) to last acknowledgement (or message)
 * @param errorCount sends that failed
 * @param firstError the first failure's message, or null
 * @param hitTimeLimit true when the time limit ended the run before the message count was reached
 * @param latency end-to-end latency, for latency workloads; null otherwise
 * @param brokerPeakRssBytes the broker process's peak resident memory during this run
 */
public record WorkloadResult(String workloadId, String systemName, int round, long messageCount,
        long payloadBytes, long elapsedNs, long errorCount, String firstError, boolean hitTimeLimit,
        LatencySummary latency, long brokerPeakRssBytes) {

    public static WorkloadResult failed(Workload workload, String systemName, int round, Throwable error) {
        return new WorkloadResult(workload.id(), systemName, round, 0, 0, 0, 1, String.valueOf(error), false, null,
                -1);
    }

    public boolean failed() {
        return messageCount == 0 || elapsedNs <= 0;
    }

    public double messagesPerSecond() {
        return elapsedNs <= 0 ? 0 : messageCount / (elapsedNs / 1e9);
    }

    /** Decimal megabytes (10^6 B) of values a second. */
    public double megabytesPerSecond() {
        return elapsedNs <= 0 ? 0 : payloadBytes / 1e6 / (elapsedNs / 1e9);
    }
}
