package dev.sluice.client;

/**
 * Receives pushed messages in {@link Consumer#listen push mode}. Called on the consumer's one
 * listener thread, {@code sluice-consumer-listener}, one message at a time, in offset order per
 * queue. A message counts as finished when this method returns (or throws: the exception is
 * logged and the message counts as finished), which returns its bytes to the credit window and,
 * under {@link AckMode#AFTER_PROCESSING}, makes its offset committable.
 */
@FunctionalInterface
public interface MessageListener {
    /** Handles one message. */
    void onMessage(ReceivedMessage message);
}
