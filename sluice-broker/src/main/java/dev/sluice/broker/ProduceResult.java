package dev.sluice.broker;

import java.util.List;

/**
 * Where a produced batch landed. Immutable.
 *
 * <p>Records the topic's message-id window dropped as duplicates are listed in {@code duplicates};
 * the batch's other records were stored in their order at {@code baseOffset}, {@code baseOffset + 1},
 * ... (the i-th record not listed gets {@code baseOffset + i}). When every record was a duplicate,
 * nothing was stored and the offsets are -1.
 *
 * @param baseOffset the offset of its first stored record, or -1 when none was stored
 * @param lastOffset the offset of its last stored record, or -1 when none was stored
 * @param appendTimeMs the broker clock when it was appended, or -1 when nothing was stored
 * @param duplicates the records dropped as duplicates, by index in the batch, ascending; empty for most batches
 */
public record ProduceResult(long baseOffset, long lastOffset, long appendTimeMs, List<Duplicate> duplicates) {
    public ProduceResult {
        duplicates = List.copyOf(duplicates);
    }

    /** A batch stored whole. */
    public ProduceResult(long baseOffset, long lastOffset, long appendTimeMs) {
        this(baseOffset, lastOffset, appendTimeMs, List.of());
    }

    /**
     * A record of the batch that the message-id window dropped: an earlier message with its id is
     * stored at {@code queue} and {@code offset} of the topic.
     *
     * @param index the record's position in the batch, from 0
     * @param queue the queue of the earlier message
     * @param offset its offset, or -1 when not known
     */
    public record Duplicate(int index, int queue, long offset) {}
}
