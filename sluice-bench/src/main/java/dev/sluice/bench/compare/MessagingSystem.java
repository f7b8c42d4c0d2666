package dev.sluice.bench.compare;

import java.nio.file.Path;
import java.util.List;

/**
 * One messaging system under comparison: a broker the harness starts (as a child process, so that
 * its memory is measured on its own) and the system's own Java client. The harness calls these
 * methods from one thread, in the order start, (createTopics, newProducer/newConsumer, ...,
 * deleteTopics)*, stop; {@link #stop()} may also come from a shutdown hook.
 */
public interface MessagingSystem {
    /** Lower-case key used by {@code --systems} and as the report's column name, e.g. "kafka". */
    String name();

    /**
     * Starts a fresh single-node broker on 127.0.0.1 whose files all live under {@code dataDir}
     * (an empty directory the harness deletes after {@link #stop()}); returns once it takes requests.
     */
    void start(Path dataDir) throws Exception;

    /** Creates these topics and returns once they exist (all at once: there may be 1,000). */
    void createTopics(List<TopicSpec> topics) throws Exception;

    /** Deletes these topics, so that one workload's data does not weigh on the next. */
    void deleteTopics(List<String> topicNames) throws Exception;

    MessageProducer newProducer(ProducerSettings settings) throws Exception;

    /** A consumer already positioned (per {@link ConsumerSettings#start()}) when this returns. */
    MessageConsumer newConsumer(ConsumerSettings settings) throws Exception;

    /** The broker process's peak resident memory since start or the last reset (Linux VmHWM). */
    long brokerPeakRssBytes();

    /** Starts a new peak-RSS window (Linux: writes 5 to {@code /proc/<pid>/clear_refs}). */
    void resetBrokerPeakRss();

    /** Lines for the report: versions, JVM flags, broker and client settings, how {@link Ack} maps. */
    List<String> settingsSummary();

    /** Stops the broker (its process, by PID) and closes clients; idempotent, never throws. */
    void stop();
}
