package dev.sluice.client.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the queue of a message the application did not place itself.
 *
 * <ul>
 *   <li>With a key: {@code (murmur2(key) & 0x7fffffff) mod queueCount}. Stable: a key always
 *       lands in the same queue while the queue count stays, across producers and restarts. It
 *       is the placement Kafka's default partitioner gives a key, so a topic fed through both
 *       Sluice's client and the Kafka listener keeps each key in one queue.
 *   <li>Without a key: sticky. All keyless messages of a topic go to one queue until the batch
 *       for it is closed ({@link #onBatchClosed}), then the next queue: big batches, and an even
 *       spread over time.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class QueueSelector {
    private static final int MURMUR2_SEED = 0x9747b28c;
    private static final int MURMUR2_M = 0x5bd1e995;
    private static final int MURMUR2_R = 24;

    private final Map<String, AtomicInteger> stickyQueues = new ConcurrentHashMap<>();

    /**
     * The queue for a message of {@code topic} with {@code key} ({@code null}: no key).
     *
     * @throws IllegalArgumentException if {@code queueCount} is not positive
     */
    public int select(String topic, byte[] key, int queueCount) {
        if (queueCount <= 0) {
            throw new IllegalArgumentException("queueCount " + queueCount + " must be positive");
        }
        if (key != null) {
            return queueForKey(key, queueCount);
        }
        AtomicInteger sticky = stickyQueues.computeIfAbsent(
                topic, t -> new AtomicInteger(ThreadLocalRandom.current().nextInt(queueCount)));
        int current = sticky.get();
        int queue = Math.floorMod(current, queueCount);
        if (queue != current) {
            // The queue count changed (or the counter moved past the last queue): wrap around.
            sticky.compareAndSet(current, queue);
        }
        return queue;
    }

    /** Moves the topic's sticky queue on when the batch that just closed was for it. */
    public void onBatchClosed(String topic, int queue) {
        AtomicInteger sticky = stickyQueues.get(topic);
        if (sticky != null) {
            sticky.compareAndSet(queue, queue + 1);
        }
    }

    /** The queue of a keyed message: {@code (murmur2(key) & 0x7fffffff) mod queueCount}. */
    public static int queueForKey(byte[] key, int queueCount) {
        return (murmur2(key) & 0x7fffffff) % queueCount;
    }

    /** MurmurHash2, 32-bit, with the seed Kafka uses; little-endian 4-byte blocks. */
    static int murmur2(byte[] data) {
        int length = data.length;
        int h = MURMUR2_SEED ^ length;
        int blocks = length / 4;
        for (int i = 0; i < blocks; i++) {
            int at = i * 4;
            int k = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16
                    | (data[at + 3] & 0xff) << 24;
            k *= MURMUR2_M;
            k ^= k >>> MURMUR2_R;
            k *= MURMUR2_M;
            h *= MURMUR2_M;
            h ^= k;
        }
        int tail = blocks * 4;
        int tailBytes = length - tail;
        if (tailBytes == 3) {
            h ^= (data[tail + 2] & 0xff) << 16;
        }
        if (tailBytes >= 2) {
            h ^= (data[tail + 1] & 0xff) << 8;
        }
        if (tailBytes >= 1) {
            h ^= data[tail] & 0xff;
            h *= MURMUR2_M;
        }
        h ^= h >>> 13;
        h *= MURMUR2_M;
        h ^= h >>> 15;
        return h;
    }
}
