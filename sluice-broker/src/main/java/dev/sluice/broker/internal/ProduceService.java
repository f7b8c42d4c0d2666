package dev.sluice.broker.internal;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.ProduceResult;
import dev.sluice.record.InvalidBatchException;
import dev.sluice.record.RecordBatchDescriptor;
import dev.sluice.record.RecordBatchFilter;
import dev.sluice.record.RecordHeaderScan;
import dev.sluice.record.ReservedHeaders;
import dev.sluice.storage.AppendResult;
import dev.sluice.storage.CheckedBatch;
import dev.sluice.storage.Durability;
import dev.sluice.storage.LogStore;
import dev.sluice.storage.QueueId;
import dev.sluice.storage.StorageFailedException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The broker's produce path: validates a batch once ({@link LogStore#check}), runs the idempotent
 * producer's sequence check ({@link ProducerStateTable}) and the topic's message-id window
 * ({@link MessageIdWindow}), appends what is to be stored, and answers with a {@link ProduceResult}
 * on the completion executor. See {@code Broker#produce} for the contract.
 *
 * <p>Thread-safe: called from any thread; its state lives in the tables and the window, each with
 * its own lock (taken in that order: a queue's producer table, then the window).
 */
public final class ProduceService {
    private final LogStore store;
    private final TopicRegistry topics;
    private final ProducerStates producerStates;
    private final MessageIdWindow messageIds;
    private final LongPoll longPoll;
    private final BrokerMetrics metrics;
    private final CompletionExecutor completion;
    private final LongSupplier clockMs;

    public ProduceService(LogStore store, TopicRegistry topics, ProducerStates producerStates,
            MessageIdWindow messageIds, LongPoll longPoll, BrokerMetrics metrics, CompletionExecutor completion,
            LongSupplier clockMs) {
        this.store = store;
        this.topics = topics;
        this.producerStates = producerStates;
        this.messageIds = messageIds;
        this.longPoll = longPoll;
        this.metrics = metrics;
        this.completion = completion;
        this.clockMs = clockMs;
    }

    /** Appends the batch (the buffer's remaining bytes) to {@code queue} of {@code found}. */
    public CompletableFuture<ProduceResult> produce(Topic found, int queue, ByteBuffer batch, Durability durability) {
        QueueId id = found.queueId(queue);
        long windowMs = topics.messageIdWindowMs(found.info());
        CheckedBatch checked;
        String[] ids;
        try {
            checked = store.check(id, batch);
            ids = windowMs > 0 ? messageIdsOf(checked) : null;
        } catch (InvalidBatchException e) {
            return CompletableFuture.failedFuture(StorageErrors.toBrokerException(e));
        }
        if (RecordBatchDescriptor.producerId(batch, batch.position()) >= 0) {
            return produceIdempotent(found, queue, checked, ids, windowMs, durability);
        }
        if (ids == null) {
            return answer(id, batch.remaining(), startAppend(checked, durability));
        }
        return appendWithIds(found, queue, checked, ids, windowMs, durability).answer();
    }

    /** The batch's message ids per record (null elements: none), or null when no record has one. */
    private String[] messageIdsOf(CheckedBatch checked) {
        ByteBuffer batch = checked.batch();
        int start = batch.position();
        if ((RecordBatchDescriptor.attributes(batch, start) & RecordBatchDescriptor.CONTROL_MASK) != 0) {
            return null;
        }
        byte[][] values = RecordHeaderScan.valuesOf(batch, start, ReservedHeaders.MESSAGE_ID);
        if (values == null) {
            return null;
        }
        if (RecordHeaderScan.undecodable(values)) {
            messageIds.onUndecodable();
            return null;
        }
        String[] ids = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                if (!MessageIdRebuild.MessageIds.valid(values[i])) {
                    throw new InvalidBatchException(InvalidBatchException.Reason.BAD_RECORDS, String.format(
                            "record %d has a message id (header %s) of %,d bytes; an id is 1 to %d bytes (%s)", i,
                            ReservedHeaders.MESSAGE_ID, values[i].length, MessageIdRebuild.MessageIds.ID_BYTES_MAX,
                            checked.queue()));
                }
                ids[i] = MessageIdRebuild.MessageIds.key(values[i]);
            }
        }
        return ids;
    }

    /** An append under way: the answer, and the storage append of the kept records (null: none kept). */
    private record Started(CompletableFuture<ProduceResult> answer, CompletableFuture<AppendResult> append) {}

    /**
     * Checks the batch's message ids against the window, appends the records not found there (the
     * batch rebuilt without the others, when some are found), and answers once the stored part and
     * the earlier messages the duplicates point to are written.
     */
    private Started appendWithIds(Topic topic, int queue, CheckedBatch checked, String[] ids, long windowMs,
            Durability durability) {
        CompletableFuture<AppendResult> placeholder = new CompletableFuture<>();
        MessageIdWindow.Check check = messageIds.check(topic.name(), queue, ids, clockMs.getAsLong(), windowMs,
                placeholder);
        CompletableFuture<ProduceResult> own = null;
        CompletableFuture<AppendResult> append = null;
        if (check.keptCount() > 0) {
            CheckedBatch kept = checked;
            if (check.keep() != null) {
                ByteBuffer source = checked.batch();
                try {
                    kept = store.check(checked.queue(), RecordBatchFilter.retain(source, source.position(), check.keep()));
                } catch (RuntimeException e) {
                    messageIds.onAppendFailed(topic.name(), ids, placeholder);
                    placeholder.completeExceptionally(e);
                    return new Started(CompletableFuture.failedFuture(StorageErrors.toBrokerException(e)), null);
                }
            }
            append = startAppend(kept, durability);
            append.whenComplete((result, failure) -> {
                if (failure != null) {
                    messageIds.onAppendFailed(topic.name(), ids, placeholder);
                    placeholder.completeExceptionally(failure);
                } else {
                    placeholder.complete(result);
                }
            });
            own = answer(checked.queue(), kept.batch().remaining(), append);
        }
        if (check.duplicates().isEmpty()) {
            return new Started(own, append);
        }
        return new Started(withDuplicates(own, check.duplicates()), append);
    }

    /** The answer once the stored part (if any) and every duplicate's original are written. */
    private CompletableFuture<ProduceResult> withDuplicates(CompletableFuture<ProduceResult> own,
            List<MessageIdWindow.Duplicate> duplicates) {
        List<CompletableFuture<?>> waits = new ArrayList<>(duplicates.size() + 1);
        if (own != null) {
            waits.add(own);
        }
        for (MessageIdWindow.Duplicate duplicate : duplicates) {
            waits.add(duplicate.original().append());
        }
        return CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0])).handleAsync((ignored, failure) -> {
            if (failure != null) {
                throw StorageErrors.toBrokerException(failure);
            }
            ProduceResult stored = own == null ? new ProduceResult(-1, -1, -1) : own.join();
            List<ProduceResult.Duplicate> answered = new ArrayList<>(duplicates.size());
            for (MessageIdWindow.Duplicate duplicate : duplicates) {
                MessageIdWindow.Entry original = duplicate.original();
                answered.add(new ProduceResult.Duplicate(duplicate.index(), original.queue(),
                        original.offset(original.append().join())));
            }
            return new ProduceResult(stored.baseOffset(), stored.lastOffset(), stored.appendTimeMs(), answered);
        }, completion);
    }

    private CompletableFuture<ProduceResult> answer(QueueId id, int bytes, CompletableFuture<AppendResult> append) {
        // Runs on the writer or flusher thread: only counters and a wake-up hand-off.
        append.whenComplete((result, failure) -> {
            if (result != null) {
                metrics.onAppended(result.lastOffset() - result.baseOffset() + 1, bytes);
                longPoll.onAppend(id);
            } else if (StorageErrors.unwrap(failure) instanceof StorageFailedException failed) {
                metrics.onStorageFailed(failed.getMessage());
            }
        });
        return toProduceResult(append);
    }

    private CompletableFuture<ProduceResult> toProduceResult(CompletableFuture<AppendResult> append) {
        return append.handleAsync((result, failure) -> {
            if (failure != null) {
                throw StorageErrors.toBrokerException(failure);
            }
            return new ProduceResult(result.baseOffset(), result.lastOffset(), result.appendTimeMs());
        }, completion);
    }

    private CompletableFuture<AppendResult> startAppend(CheckedBatch batch, Durability durability) {
        try {
            return store.append(batch, durability);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Checks an idempotent batch's producer epoch and sequence against the queue's
     * {@link ProducerStateTable} and appends it (through the message-id window when it carries
     * ids); a duplicate of one of the producer's last batches is answered with the first answer and
     * not stored again.
     */
    private CompletableFuture<ProduceResult> produceIdempotent(Topic topic, int queue, CheckedBatch checked, String[] ids,
            long windowMs, Durability durability) {
        ByteBuffer batch = checked.batch();
        int start = batch.position();
        long producerId = RecordBatchDescriptor.producerId(batch, start);
        int baseSequence = RecordBatchDescriptor.baseSequence(batch, start);
        int lastOffsetDelta = RecordBatchDescriptor.lastOffsetDelta(batch, start);
        QueueId id = checked.queue();
        ProducerStateTable table = producerStates.table(id);
        List<Started> started = new ArrayList<>(1);
        ProducerStateTable.Check check = table.checkAndAppend(producerId,
                RecordBatchDescriptor.producerEpoch(batch, start), baseSequence, lastOffsetDelta, clockMs.getAsLong(),
                () -> {
                    started.add(ids == null
                            ? new Started(answer(id, batch.remaining(), startAppend(checked, durability)), null)
                            : appendWithIds(topic, queue, checked, ids, windowMs, durability));
                    return started.get(0).answer();
                });
        return switch (check.outcome()) {
            case APPEND -> {
                Started append = started.get(0);
                CompletableFuture<?> own = append.append() != null ? append.append() : append.answer();
                if (ids == null || append.append() != null) {
                    own.whenComplete((result, failure) -> {
                        if (failure != null) {
                            table.onAppendFailed(producerId, baseSequence, append.answer());
                        }
                    });
                }
                yield append.answer();
            }
            case DUPLICATE -> ids != null && lastOffsetDelta + 1 > check.duplicateRecordCount()
                    ? remapRetry(topic.name(), queue, ids, check.duplicateOf())
                    : check.duplicateOf();
            case OUT_OF_ORDER_SEQUENCE -> CompletableFuture.failedFuture(
                    new BrokerException(BrokerError.OUT_OF_ORDER_SEQUENCE, check.message() + " (" + id + ")"));
            case INVALID_PRODUCER_EPOCH -> CompletableFuture.failedFuture(
                    new BrokerException(BrokerError.INVALID_PRODUCER_EPOCH, check.message() + " (" + id + ")"));
        };
    }

    /**
     * The answer to a retry of a batch of which the window dropped records, when only the stored
     * (shorter) batch is known (the table was rebuilt from the log): each record's id is looked up
     * in the window; ids stored elsewhere are the duplicates.
     */
    private CompletableFuture<ProduceResult> remapRetry(String topic, int queue, String[] ids,
            CompletableFuture<ProduceResult> kept) {
        return kept.thenApplyAsync(stored -> {
            long nowMs = clockMs.getAsLong();
            List<ProduceResult.Duplicate> duplicates = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                MessageIdWindow.Entry original = ids[i] == null ? null : messageIds.lookup(topic, ids[i], nowMs);
                if (original == null || !original.append().isDone() || original.append().isCompletedExceptionally()) {
                    continue;
                }
                long offset = original.offset(original.append().join());
                if (original.queue() != queue || offset < stored.baseOffset() || offset > stored.lastOffset()) {
                    duplicates.add(new ProduceResult.Duplicate(i, original.queue(), offset));
                }
            }
            return new ProduceResult(stored.baseOffset(), stored.lastOffset(), stored.appendTimeMs(), duplicates);
        }, completion);
    }
}
