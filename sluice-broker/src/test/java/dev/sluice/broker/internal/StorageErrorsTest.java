package dev.sluice.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.record.InvalidBatchException;
import dev.sluice.storage.CorruptLogException;
import dev.sluice.storage.StorageClosedException;
import dev.sluice.storage.StorageException;
import dev.sluice.storage.StorageFailedException;
import dev.sluice.storage.StorageFullException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class StorageErrorsTest {
    @Test
    void storageExceptionsMapToTheirBrokerErrorsThroughCompletionWrappers() {
        assertMaps(new InvalidBatchException(InvalidBatchException.Reason.CRC_MISMATCH, "crc"), BrokerError.INVALID_BATCH);
        assertMaps(new InvalidBatchException(InvalidBatchException.Reason.TOO_LARGE, "big"), BrokerError.BATCH_TOO_LARGE);
        assertMaps(new StorageFullException("full"), BrokerError.STORAGE_FULL);
        assertMaps(new StorageFailedException("fsync"), BrokerError.STORAGE_FAILED);
        assertMaps(new CorruptLogException("flipped"), BrokerError.STORAGE_FAILED);
        assertMaps(new StorageClosedException("closed"), BrokerError.SHUTTING_DOWN);
        assertMaps(new StorageException("queueCountMax is 5"), BrokerError.BROKER_BUSY);
        assertMaps(new IllegalStateException("bug"), BrokerError.UNKNOWN_SERVER_ERROR);
        BrokerException already = new BrokerException(BrokerError.UNKNOWN_MEMBER, "gone");
        assertThat(StorageErrors.toBrokerException(new CompletionException(already))).isSameAs(already);
    }

    private static void assertMaps(Exception storage, BrokerError error) {
        BrokerException mapped = StorageErrors.toBrokerException(
                new CompletionException(new ExecutionException(storage)));
        assertThat(mapped.error()).isEqualTo(error);
        assertThat(mapped.getMessage()).isEqualTo(storage.getMessage());
        assertThat(mapped.getCause()).isSameAs(storage);
        assertThat(error.retriable()).isEqualTo(error == BrokerError.STORAGE_FULL || error == BrokerError.BROKER_BUSY
                || error == BrokerError.SHUTTING_DOWN);
    }
}
