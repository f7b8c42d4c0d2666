package dev.sluice.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message header: a non-null key and an optional value, carried in the record as Kafka
 * carries record headers (keys UTF-8 on the wire).
 *
 * <p>Immutable by contract: the value array is not copied, so do not change it after handing it
 * over. Two headers are equal when their keys and value bytes are equal. Thread-safe.
 *
 * @param key the header's key, never {@code null}
 * @param value the header's value, or {@code null}
 */
public record Header(String key, byte[] value) {

    /** Checks the key. */
    public Header {
        Objects.requireNonNull(key, "a header key must not be null");
    }

    /** A header whose value is the UTF-8 bytes of {@code value} ({@code null} allowed). */
    public static Header of(String key, String value) {
        return new Header(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** The value decoded as UTF-8, or {@code null}. */
    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Header header && key.equals(header.key) && Arrays.equals(value, header.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Header[key=" + key + ", value=" + (value == null ? "null" : value.length + " bytes") + "]";
    }
}
