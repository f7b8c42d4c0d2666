package dev.sluice.client.internal;

import dev.sluice.client.Header;
import dev.sluice.client.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of a spool entry: one {@link Message}, as {@code [topic: int16 length + UTF-8]
 * [queue int32][timestampMs int64][key: int32 length or -1][value: int32 length or -1]
 * [header count int32]} and per header {@code [key: int16 length + UTF-8][value: int32 length or -1]}.
 * Stateless.
 */
public final class SpooledMessages {
    private SpooledMessages() {}

    /** Encodes a message. */
    public static ByteBuffer encode(Message message) {
        byte[] topic = message.topic().getBytes(StandardCharsets.UTF_8);
        List<byte[]> headerKeys = new ArrayList<>(message.headers().size());
        int size = 2 + topic.length + 4 + 8 + 4 + length(message.key()) + 4 + length(message.value()) + 4;
        for (Header header : message.headers()) {
            byte[] key = header.key().getBytes(StandardCharsets.UTF_8);
            headerKeys.add(key);
            size += 2 + key.length + 4 + length(header.value());
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putShort((short) topic.length).put(topic).putInt(message.queue()).putLong(message.timestampMs());
        putBytes(out, message.key());
        putBytes(out, message.value());
        out.putInt(message.headers().size());
        for (int i = 0; i < headerKeys.size(); i++) {
            byte[] key = headerKeys.get(i);
            out.putShort((short) key.length).put(key);
            putBytes(out, message.headers().get(i).value());
        }
        return out.flip();
    }

    /** Decodes what {@link #encode} made. @throws IllegalArgumentException if it does not parse */
    public static Message decode(ByteBuffer in) {
        try {
            String topic = string(in, Short.toUnsignedInt(in.getShort()));
            int queue = in.getInt();
            long timestampMs = in.getLong();
            byte[] key = bytes(in);
            byte[] value = bytes(in);
            int headerCount = in.getInt();
            if (headerCount < 0 || headerCount > in.remaining()) {
                throw new IllegalArgumentException("header count " + headerCount);
            }
            List<Header> headers = new ArrayList<>(headerCount);
            for (int i = 0; i < headerCount; i++) {
                String headerKey = string(in, Short.toUnsignedInt(in.getShort()));
                headers.add(new Header(headerKey, bytes(in)));
            }
            return new Message(topic, key, value, headers, timestampMs, queue);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a spool entry does not parse: " + e, e);
        }
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void putBytes(ByteBuffer out, byte[] bytes) {
        if (bytes == null) {
            out.putInt(-1);
        } else {
            out.putInt(bytes.length).put(bytes);
        }
    }

    private static byte[] bytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static String string(ByteBuffer in, int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
