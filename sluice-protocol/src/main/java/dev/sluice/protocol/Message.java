package dev.sluice.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A request, response or push body of the native protocol: an immutable record whose fields
 * are the api's fields in {@code docs/protocol.md}, in order.
 *
 * <p>Every implementation also has a {@code static X decode(ByteBuf in)} that consumes
 * {@code in}'s readable bytes exactly and throws only {@link ProtocolException}. Fields of
 * type {@code bytes} and {@code records} are {@link ByteBuf} slices of the input: valid as long
 * as the frame buffer they came from is, and not retained (retain the frame, not the slice).
 */
public interface Message {
    /** The api this body belongs to. */
    ApiKey apiKey();

    /**
     * Appends this body to {@code out}, copying any {@code bytes}/{@code records} field; the
     * buffers of this message are not modified (their reader indexes stay). {@link Frames}
     * encodes whole frames, without copying records where it matters.
     *
     * @throws IllegalArgumentException if a string is longer than 32,767 UTF-8 bytes or holds an
     *     unpaired surrogate
     */
    void encode(ByteBuf out);
}
