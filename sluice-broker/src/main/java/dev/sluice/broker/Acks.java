package dev.sluice.broker;

/**
 * What a produce waits for before its future completes. Immutable.
 *
 * <p>{@link #DURABLE} asks the storage engine for {@code Durability.FLUSHED} (an fsync covers the
 * batch); {@link #LEADER} and {@link #NONE} ask for {@code Durability.WRITTEN} (page cache). A
 * topic with {@link TopicFlushPolicy#SYNC} appends {@code FLUSHED} whatever the acks, and a broker
 * whose storage flush policy is {@code SYNC} flushes every append.
 */
public enum Acks {
    /** Fire and forget: the server sends no answer; the append still completes when written. */
    NONE,
    /** Complete once written to the commit log (survives a process crash, not a machine crash). */
    LEADER,
    /** Complete once an fsync covers the batch (survives a machine crash). */
    DURABLE
}
