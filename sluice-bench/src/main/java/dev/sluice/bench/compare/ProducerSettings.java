package dev.sluice.bench.compare;

/**
 * The producer settings every system gets for a workload: the same batching limits for both, so
 * that a difference in throughput or latency is the broker's and client's, not the configuration's.
 *
 * @param ack when a send completes
 * @param lingerMs how long a batch may wait for more messages before it is sent
 * @param batchBytes the most bytes of messages one batch for one queue holds
 * @param bufferBytes the most bytes of messages the client may hold unsent or unacknowledged
 */
public record ProducerSettings(Ack ack, int lingerMs, int batchBytes, long bufferBytes) {
    /** Linger 5 ms (Kafka 4's default), 64 KiB batches, 32 MiB of buffer (Kafka's default). */
    public static ProducerSettings standard(Ack ack) {
        return new ProducerSettings(ack, 5, 64 * 1024, 32L << 20);
    }

    /** These settings with another ack. */
    public ProducerSettings withAck(Ack newAck) {
        return new ProducerSettings(newAck, lingerMs, batchBytes, bufferBytes);
    }

    public ProducerSettings {
        if (ack == null || lingerMs < 0 || batchBytes < 1 || bufferBytes < batchBytes) {
            throw new IllegalArgumentException("bad producer settings: ack " + ack + ", lingerMs " + lingerMs
                    + ", batchBytes " + batchBytes + ", bufferBytes " + bufferBytes);
        }
    }
}
