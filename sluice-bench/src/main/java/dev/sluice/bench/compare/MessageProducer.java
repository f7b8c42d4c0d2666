package dev.sluice.bench.compare;

import java.util.List;

/**
 * A thin adapter over one system's own producer client. One thread calls {@link #send}; completion
 * callbacks may run on the client's own threads and must be quick.
 */
public interface MessageProducer extends AutoCloseable {
    /** Told once a send is done: {@code error} is null when it succeeded. */
    @FunctionalInterface
    interface Completion {
        void onComplete(Throwable error);
    }

    /**
     * Fetches whatever the client needs to send to these topics at once (Kafka: metadata), so the
     * timed part of a workload does not include it. Blocks until done.
     */
    void prepare(List<String> topics) throws Exception;

    /**
     * Sends {@code value} to one queue of a topic. May block while the client's buffer is full.
     * The harness does not change {@code value} after the call, but may pass the same array again.
     */
    void send(String topic, int queue, byte[] value, Completion completion);

    /** Sends everything buffered now and blocks until every send so far has completed. */
    void flush();

    @Override
    void close();
}
