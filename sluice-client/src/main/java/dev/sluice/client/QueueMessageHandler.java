package dev.sluice.client;

/**
 * Handles the messages of a {@link QueueConsumer#listen listening} queue consumer, one at a time on
 * its listener thread, {@code sluice-queue-consumer-listener}. Returning acknowledges the message
 * (under {@link DeliveryMode#AT_LEAST_ONCE}); throwing nacks it with the config's redelivery delay,
 * which grows with the delivery count, so it comes back until the group's max attempts are used up
 * and then goes to the dead-letter topic. Messages of all queues arrive interleaved; with message
 * groups on, messages of one key arrive in offset order, one at a time.
 */
@FunctionalInterface
public interface QueueMessageHandler {
    /** Handles one message; an exception means "not processed: deliver it again later". */
    void onMessage(QueueMessage message) throws Exception;
}
