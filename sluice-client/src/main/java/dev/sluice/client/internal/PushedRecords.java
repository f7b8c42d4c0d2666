package dev.sluice.client.internal;

import dev.sluice.protocol.ErrorCode;
import java.nio.ByteBuffer;

/**
 * A PUSH_RECORDS frame with its records copied to the heap.
 *
 * @param errorCode NONE, or the error that ended the subscription
 * @param errorMessage the broker's message, or {@code null}
 * @param nextOffset the offset after the records
 * @param records whole batches back to back (empty on error)
 */
public record PushedRecords(ErrorCode errorCode, String errorMessage, long nextOffset, ByteBuffer records) {}
