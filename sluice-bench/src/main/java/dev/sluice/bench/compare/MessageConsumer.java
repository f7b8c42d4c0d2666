package dev.sluice.bench.compare;

import java.time.Duration;

/** A thin adapter over one system's own consumer client; used by one thread. */
public interface MessageConsumer extends AutoCloseable {
    /** Called for each message a poll returns, on the polling thread. */
    @FunctionalInterface
    interface Handler {
        void onMessage(String topic, int queue, byte[] value);
    }

    /**
     * Waits up to {@code timeout} for messages and hands each to {@code handler}.
     *
     * @return how many messages this poll handed over (0 when the wait ended with none)
     */
    int poll(Duration timeout, Handler handler);

    @Override
    void close();
}
