package dev.sluice.client.internal;

/**
 * The broker's size limits, told in its API_VERSIONS answer when a connection opens.
 *
 * @param frameBytesMax the largest frame the broker reads
 * @param batchBytesMax the largest record batch it stores
 */
public record BrokerLimits(int frameBytesMax, int batchBytesMax) {
    /** Before the first answer: no limit is known, the broker's errors say it. */
    public static final BrokerLimits UNKNOWN = new BrokerLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);
}
