package dev.sluice.storage;

/** When the commit log is fsynced. One policy per store; a single append may still ask for {@link Durability#FLUSHED}. */
public enum FlushPolicy {
    /**
     * Appends complete when written to the page cache; a flusher fsyncs every {@code flushIntervalMs}.
     * A crash of the machine (not of the process) may lose the last interval. Reads see written data.
     */
    ASYNC,
    /**
     * The flusher fsyncs whenever there is unflushed data; appends complete once an fsync covers them
     * (group commit: one fsync serves every append waiting). Reads see only flushed data, so a
     * consumer never sees a message that a crash could take back.
     */
    SYNC
}
