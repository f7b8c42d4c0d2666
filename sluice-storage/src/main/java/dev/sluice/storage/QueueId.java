package dev.sluice.storage;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * One queue of one topic: the unit the storage engine indexes and assigns offsets in. The storage
 * engine knows nothing else of topics; it only keeps the name so that the commit log describes
 * itself and every index can be rebuilt from it.
 *
 * @param topic 1 to 249 characters of {@code [A-Za-z0-9._-]}, as Kafka allows
 * @param queue 0 or more
 */
public record QueueId(String topic, int queue) implements Comparable<QueueId> {
    public static final int TOPIC_LENGTH_MAX = 249;
    private static final Pattern TOPIC_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1," + TOPIC_LENGTH_MAX + "}");

    public QueueId {
        if (topic == null || !TOPIC_PATTERN.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException(
                    "topic name '" + topic + "' is not 1 to " + TOPIC_LENGTH_MAX + " characters of [A-Za-z0-9._-]");
        }
        if (queue < 0) {
            throw new IllegalArgumentException("queue " + queue + " is negative (topic " + topic + ")");
        }
    }

    /** The directory name of this queue's index: {@code topic-queue}. */
    public String directoryName() {
        return topic + "-" + queue;
    }

    /** Parses {@link #directoryName()}; the queue number follows the last '-'. */
    public static QueueId parseDirectoryName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            throw new IllegalArgumentException("'" + name + "' is not a queue directory name (topic-queue)");
        }
        try {
            return new QueueId(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + name + "' is not a queue directory name (topic-queue)", e);
        }
    }

    public byte[] topicBytes() {
        return topic.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public int compareTo(QueueId other) {
        int byTopic = topic.compareTo(other.topic);
        return byTopic != 0 ? byTopic : Integer.compare(queue, other.queue);
    }

    @Override
    public String toString() {
        return directoryName();
    }
}
