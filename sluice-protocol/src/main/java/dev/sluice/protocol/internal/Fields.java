package dev.sluice.protocol.internal;

import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Reads and writes the field types of {@code docs/protocol.md} ("Field types"). Every read
 * checks the bytes left first and throws {@link ProtocolException} with
 * {@link ErrorCode#CORRUPT_FRAME}, naming the field, rather than let an
 * {@link IndexOutOfBoundsException} out; an array's count is checked against the bytes left
 * before anything is allocated for it. Stateless and thread-safe.
 */
public final class Fields {
    /** Bytes of the smallest {@code string} (a length with no bytes). */
    public static final int STRING_BYTES_MIN = 2;
    /** Bytes of the smallest {@code bytes} or {@code records} (a length with no bytes). */
    public static final int BYTES_BYTES_MIN = 4;
    /** Bytes of the smallest {@code array} (a count of zero). */
    public static final int ARRAY_BYTES_MIN = 4;

    private static final int STRING_BYTES_MAX = Short.MAX_VALUE;

    private Fields() {}

    public static byte readInt8(ByteBuf in, String field) {
        need(in, Byte.BYTES, field);
        return in.readByte();
    }

    public static short readInt16(ByteBuf in, String field) {
        need(in, Short.BYTES, field);
        return in.readShort();
    }

    public static int readInt32(ByteBuf in, String field) {
        need(in, Integer.BYTES, field);
        return in.readInt();
    }

    public static long readInt64(ByteBuf in, String field) {
        need(in, Long.BYTES, field);
        return in.readLong();
    }

    /** An {@code int8} that must be 0 (false) or 1 (true). */
    public static boolean readBoolean(ByteBuf in, String field) {
        byte value = readInt8(in, field);
        if (value != 0 && value != 1) {
            throw ProtocolException.corruptFrame("%s is %d: 0 or 1 expected", field, value);
        }
        return value == 1;
    }

    public static void writeBoolean(ByteBuf out, boolean value) {
        out.writeByte(value ? 1 : 0);
    }

    /** An {@code int16} error code; an unknown code reads as UNKNOWN_SERVER_ERROR. */
    public static ErrorCode readErrorCode(ByteBuf in, String field) {
        return ErrorCode.forCode(readInt16(in, field));
    }

    /** A {@code string} that must not be null. */
    public static String readString(ByteBuf in, String field) {
        String value = readNullableString(in, field);
        if (value == null) {
            throw ProtocolException.corruptFrame("%s is null; it may not be", field);
        }
        return value;
    }

    /** A {@code string}: {@code int16} length ({@code -1}: null), then UTF-8 bytes. */
    public static String readNullableString(ByteBuf in, String field) {
        short length = readInt16(in, field);
        if (length == -1) {
            return null;
        }
        if (length < 0) {
            throw ProtocolException.corruptFrame(
                    "%s has length %d; only -1 (null) may be negative", field, length);
        }
        need(in, length, field);
        int start = in.readerIndex();
        if (!ByteBufUtil.isText(in, start, length, StandardCharsets.UTF_8)) {
            throw ProtocolException.corruptFrame("%s is not valid UTF-8", field);
        }
        String value = in.toString(start, length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return value;
    }

    /**
     * Writes a non-null {@code string}.
     *
     * @throws IllegalArgumentException if it is null, longer than 32,767 UTF-8 bytes, or holds
     *     an unpaired surrogate (which UTF-8 cannot carry)
     */
    public static void writeString(ByteBuf out, String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is null; it may not be");
        }
        writeNullableString(out, value, field);
    }

    /** Writes a {@code string} that may be null; see {@link #writeString}. */
    public static void writeNullableString(ByteBuf out, String value, String field) {
        if (value == null) {
            out.writeShort(-1);
            return;
        }
        int length = utf8Length(value, field);
        if (length > STRING_BYTES_MAX) {
            throw new IllegalArgumentException(String.format(
                    "%s of %,d UTF-8 bytes exceeds the string limit %,d",
                    field, length, STRING_BYTES_MAX));
        }
        out.writeShort(length);
        ByteBufUtil.reserveAndWriteUtf8(out, value, length);
    }

    private static int utf8Length(String value, String field) {
        int length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (!Character.isSurrogate(c)) {
                length += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                throw new IllegalArgumentException(String.format(
                        "%s holds an unpaired surrogate at index %d", field, i));
            }
        }
        return length;
    }

    /**
     * A non-null {@code bytes} (or {@code records}) field as a slice of {@code in}: no copy, not
     * retained.
     */
    public static ByteBuf readBytes(ByteBuf in, String field) {
        int length = readInt32(in, field);
        if (length < 0) {
            throw ProtocolException.corruptFrame(
                    "%s has length %d; it may not be null or negative", field, length);
        }
        need(in, length, field);
        return in.readSlice(length);
    }

    /** Writes a {@code bytes} field, copying {@code value}'s readable bytes (its indexes stay). */
    public static void writeBytes(ByteBuf out, ByteBuf value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is null; it may not be");
        }
        out.writeInt(value.readableBytes());
        out.writeBytes(value, value.readerIndex(), value.readableBytes());
    }

    /**
     * An array's count, checked to be non-negative and to fit the bytes left at
     * {@code elementBytesMin} bytes per element.
     */
    public static int readCount(ByteBuf in, String field, int elementBytesMin) {
        int count = readInt32(in, field);
        if (count < 0) {
            throw ProtocolException.corruptFrame("%s has count %d; it may not be negative",
                    field, count);
        }
        long bytesMin = (long) count * elementBytesMin;
        if (bytesMin > in.readableBytes()) {
            throw ProtocolException.corruptFrame(
                    "%s has count %,d: at least %,d bytes, but %,d are left",
                    field, count, bytesMin, in.readableBytes());
        }
        return count;
    }

    /** An {@code array<T>} read element by element; the list is unmodifiable. */
    public static <T> List<T> readArray(
            ByteBuf in, String field, int elementBytesMin, Function<ByteBuf, T> element) {
        int count = readCount(in, field, elementBytesMin);
        List<T> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(element.apply(in));
        }
        return Collections.unmodifiableList(values);
    }

    public static <T> void writeArray(ByteBuf out, List<T> values, BiConsumer<ByteBuf, T> element) {
        out.writeInt(values.size());
        for (T value : values) {
            element.accept(out, value);
        }
    }

    /** An {@code array<int32>}. */
    public static List<Integer> readInt32Array(ByteBuf in, String field) {
        int count = readCount(in, field, Integer.BYTES);
        List<Integer> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(in.readInt());
        }
        return Collections.unmodifiableList(values);
    }

    public static void writeInt32Array(ByteBuf out, List<Integer> values) {
        out.writeInt(values.size());
        for (int value : values) {
            out.writeInt(value);
        }
    }

    /** An {@code array<string>} of non-null strings. */
    public static List<String> readStringArray(ByteBuf in, String field) {
        return readArray(in, field, STRING_BYTES_MIN, element -> readString(element, field));
    }

    public static void writeStringArray(ByteBuf out, List<String> values, String field) {
        writeArray(out, values, (buffer, value) -> writeString(buffer, value, field));
    }

    /**
     * Reads the common error header of a response.
     *
     * @throws ProtocolException {@link ErrorCode#CORRUPT_FRAME} if it does not parse, or if it
     *     carries a message with {@link ErrorCode#NONE}
     */
    public static ErrorHeader readErrorHeader(ByteBuf in) {
        ErrorCode code = readErrorCode(in, "errorCode");
        String message = readNullableString(in, "errorMessage");
        if (code == ErrorCode.NONE && message != null) {
            throw ProtocolException.corruptFrame(
                    "errorMessage must be null when errorCode is NONE");
        }
        return new ErrorHeader(code, message);
    }

    /** Writes the common error header; returns whether the body goes on (no error). */
    public static boolean writeErrorHeader(ByteBuf out, ErrorCode code, String message) {
        out.writeShort(code.code());
        writeNullableString(out, message, "errorMessage");
        return code == ErrorCode.NONE;
    }

    /**
     * Checks a response's error header fields: a code is given, and NONE has no message.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static void checkErrorHeader(ErrorCode code, String message) {
        if (code == null) {
            throw new IllegalArgumentException("errorCode is null; NONE means success");
        }
        if (code == ErrorCode.NONE && message != null) {
            throw new IllegalArgumentException("errorMessage must be null when errorCode is NONE");
        }
    }

    /** Checks that an error-only response is built with an error. */
    public static void checkIsError(ErrorCode code) {
        if (code == null || code == ErrorCode.NONE) {
            throw new IllegalArgumentException("an error response needs an error, not " + code);
        }
    }

    /**
     * Checks that a body was consumed exactly.
     *
     * @throws ProtocolException {@link ErrorCode#CORRUPT_FRAME} if bytes are left over
     */
    public static void checkConsumed(ByteBuf in, String body) {
        if (in.isReadable()) {
            throw ProtocolException.corruptFrame(
                    "%s has %,d bytes left over after its last field", body, in.readableBytes());
        }
    }

    private static void need(ByteBuf in, int bytes, String field) {
        if (in.readableBytes() < bytes) {
            throw ProtocolException.corruptFrame(
                    "the body ends inside %s: %,d bytes needed, %,d left",
                    field, bytes, in.readableBytes());
        }
    }
}
