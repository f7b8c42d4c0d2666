package dev.sluice.bench.compare;

/**
 * When a send counts as done. Each {@link MessagingSystem} maps these onto its own settings and
 * says how in {@link MessagingSystem#settingsSummary()}.
 */
public enum Ack {
    /** The broker has written the message to its log (page cache); no fsync waited for. */
    LEADER,
    /** The broker has written the message and forced it to disk before it answers. */
    DURABLE;

    /** Lower-case name used in workload ids and the report. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
