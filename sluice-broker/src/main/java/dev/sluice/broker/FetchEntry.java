package dev.sluice.broker;

/**
 * One queue of a {@link FetchRequest}. Immutable.
 *
 * @param topic the topic
 * @param queue the queue number
 * @param offset the offset to read from
 * @param maxBytes the most bytes of this queue's batches to return (at least one batch is returned
 *     when the whole answer would otherwise be empty)
 */
public record FetchEntry(String topic, int queue, long offset, int maxBytes) {}
