package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.FetchResult;
import dev.sluice.broker.TopicSpec;
import dev.sluice.record.Compression;
import dev.sluice.record.InvalidBatchException;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.record.RecordBatchReader;
import dev.sluice.record.ReservedHeaders;
import dev.sluice.storage.QueueId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies records to a dead-letter topic: same key, value, headers and timestamp, plus the
 * {@code sluice.dlq.*} headers of {@link ReservedHeaders}, appended to the topic's queue 0 with
 * durable acks. The topic is created with one queue when missing, whatever the broker's
 * {@code autoCreateTopics}. A record that is no longer readable (retention deleted it) or cannot be
 * decoded (a codec Sluice does not read) is skipped with a WARN: it is gone either way. Stateless
 * apart from its collaborators; called under the {@link QueueGroups} lock.
 */
public final class DeadLetterWriter {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeadLetterWriter.class);

    /** Appends a batch with durable acks to an internal or user queue, waking its readers. */
    public interface Appender {
        CompletableFuture<?> appendDurable(QueueId queue, ByteBuffer batch);
    }

    /**
     * One record to dead-letter.
     *
     * @param rejected a client's REJECT: if the append fails the delivery stays acquired, for the
     *     client to retry; else the broker retries
     */
    record Letter(long offset, int deliveryCount, String reason, boolean rejected) {}

    private final TopicRegistry topics;
    private final QueueReader reader;
    private final Appender appender;
    private final int batchBytesMax;

    DeadLetterWriter(TopicRegistry topics, QueueReader reader, Appender appender, int batchBytesMax) {
        this.topics = topics;
        this.reader = reader;
        this.appender = appender;
        this.batchBytesMax = batchBytesMax;
    }

    /** Appends copies of the letters' records; completes once an fsync covers every copy. */
    CompletableFuture<Void> write(String group, Topic source, int queue, String deadLetterTopic, List<Letter> letters) {
        try {
            Topic target = ensureTopic(deadLetterTopic);
            QueueId id = target.queueId(0);
            List<CompletableFuture<?>> appends = new ArrayList<>();
            RecordBatchBuilder builder = null;
            for (Letter letter : letters) {
                Record record = find(source, queue, letter.offset());
                if (record == null) {
                    continue;
                }
                int recordBytes = size(record) + 256 + (letter.reason() == null ? 0 : 4 * letter.reason().length());
                if (builder != null && builder.estimatedSizeInBytes() + recordBytes > batchBytesMax) {
                    appends.add(appender.appendDurable(id, builder.build()));
                    builder = null;
                }
                if (builder == null) {
                    builder = RecordBatchBuilder.create(Compression.NONE, record.timestamp());
                }
                builder.append(record.timestamp(), record.key(), record.value(),
                        headers(record, group, source.name(), queue, letter));
            }
            if (builder != null) {
                appends.add(appender.appendDurable(id, builder.build()));
            }
            return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Topic ensureTopic(String name) {
        Topic topic = topics.get(name);
        if (topic != null) {
            return topic;
        }
        try {
            return topics.create(TopicSpec.of(name, 1));
        } catch (BrokerException e) {
            if (e.error() == BrokerError.TOPIC_EXISTS) {
                return topics.require(name);
            }
            throw e;
        }
    }

    private Record find(Topic source, int queue, long offset) {
        FetchResult read = reader.read(source.name(), queue, offset, 1);
        if (read.error() != null || read.batches().isEmpty()) {
            LOGGER.warn("dead letter skipped, its record is not readable: topic={} queue={} offset={} error={}",
                    source.name(), queue, offset, read.error());
            return null;
        }
        ByteBuffer batch = read.batches().get(0);
        try {
            for (Record record : RecordBatchReader.records(batch, batch.position())) {
                if (record.offset() == offset) {
                    return record;
                }
            }
        } catch (InvalidBatchException | UnsupportedOperationException e) {
            LOGGER.warn("dead letter skipped, its batch cannot be decoded: topic={} queue={} offset={} cause={}",
                    source.name(), queue, offset, e.getMessage());
        }
        return null;
    }

    private static int size(Record record) {
        int bytes = (record.key() == null ? 0 : record.key().remaining())
                + (record.value() == null ? 0 : record.value().remaining());
        for (Record.Header header : record.headers()) {
            bytes += header.key().length() * 4 + (header.value() == null ? 0 : header.value().remaining()) + 8;
        }
        return bytes;
    }

    private static List<Record.Header> headers(Record record, String group, String topic, int queue, Letter letter) {
        List<Record.Header> headers = new ArrayList<>(record.headers());
        headers.add(header(ReservedHeaders.DLQ_TOPIC, topic));
        headers.add(header(ReservedHeaders.DLQ_QUEUE, Integer.toString(queue)));
        headers.add(header(ReservedHeaders.DLQ_OFFSET, Long.toString(letter.offset())));
        headers.add(header(ReservedHeaders.DLQ_GROUP, group));
        headers.add(header(ReservedHeaders.DLQ_DELIVERY_COUNT, Integer.toString(letter.deliveryCount())));
        headers.add(header(ReservedHeaders.DLQ_REASON, letter.reason()));
        return headers;
    }

    private static Record.Header header(String key, String value) {
        return Record.Header.of(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
