package dev.sluice.storage;

/** What an append's future waits for. */
public enum Durability {
    /** Complete when written to the commit log (page cache). Under {@link FlushPolicy#SYNC} this is the same as FLUSHED. */
    WRITTEN,
    /** Complete when an fsync covers the append. */
    FLUSHED
}
