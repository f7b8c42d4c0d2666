package dev.sluice.broker;

/**
 * A group in a listing. Immutable.
 *
 * @param group the group name
 * @param topic the topic it is bound to
 * @param memberCount its live members
 */
public record GroupInfo(String group, String topic, int memberCount) {}
