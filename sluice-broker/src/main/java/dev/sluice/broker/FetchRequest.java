package dev.sluice.broker;

import java.util.List;

/**
 * A long-poll read of several queues. Immutable.
 *
 * @param entries the queues to read, answered in this order
 * @param maxWaitMs how long to park when fewer than {@code minBytes} are readable; 0 answers at once;
 *     clamped to the broker's {@code fetchMaxWaitMsMax}
 * @param minBytes answer as soon as this many bytes are readable across the entries
 * @param maxBytes the most bytes across the entries (the first batch is returned even if larger)
 */
public record FetchRequest(List<FetchEntry> entries, long maxWaitMs, int minBytes, int maxBytes) {
    public FetchRequest {
        entries = List.copyOf(entries);
    }
}
