package dev.sluice.client.e2e;

import dev.sluice.client.ReceivedMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts what consumers received: how often each (queue, offset) came, and per key the order in
 * which values of the form {@code <anything>-<sequence>} first arrived. Thread-safe.
 */
final class MessageLedger {
    private final Map<String, Integer> deliveries = new HashMap<>();
    private final Map<String, List<Long>> firstSequencesByKey = new HashMap<>();
    private int deliveryCount;

    synchronized void record(ReceivedMessage message) {
        deliveryCount++;
        int seen = deliveries.merge(message.queue() + "@" + message.offset(), 1, Integer::sum);
        if (seen == 1 && message.key() != null) {
            String value = message.valueAsString();
            long sequence = Long.parseLong(value.substring(value.lastIndexOf('-') + 1));
            firstSequencesByKey.computeIfAbsent(message.keyAsString(), k -> new ArrayList<>()).add(sequence);
        }
    }

    synchronized void recordAll(List<ReceivedMessage> messages) {
        messages.forEach(this::record);
    }

    /** Distinct messages received. */
    synchronized int distinctCount() {
        return deliveries.size();
    }

    /** Deliveries beyond the first of each message. */
    synchronized int duplicateCount() {
        return deliveryCount - deliveries.size();
    }

    /** How often the message at {@code offset} of {@code queue} came. */
    synchronized int deliveries(int queue, long offset) {
        return deliveries.getOrDefault(queue + "@" + offset, 0);
    }

    /** Keys whose values first arrived out of sequence order. */
    synchronized List<String> keysOutOfOrder() {
        List<String> bad = new ArrayList<>();
        firstSequencesByKey.forEach((key, sequences) -> {
            for (int i = 1; i < sequences.size(); i++) {
                if (sequences.get(i) <= sequences.get(i - 1)) {
                    bad.add(key + " " + sequences.get(i - 1) + " before " + sequences.get(i));
                    return;
                }
            }
        });
        return bad;
    }
}
