package dev.sluice.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Builds arbitrary instances of every request and response record from a seeded {@link Random},
 * by walking their record components (so a new field needs no new generator). Values lean to
 * edge cases (0, -1, MIN, MAX, empty, multi-byte and 4-byte UTF-8); byte fields are unpooled
 * heap buffers (nothing to release), sometimes 1 KiB or more so {@link Frames} links them.
 */
final class RandomMessages {
    static final List<Class<? extends Request>> REQUEST_TYPES = List.of(
            ApiVersionsRequest.class, MetadataRequest.class, CreateTopicRequest.class,
            DeleteTopicRequest.class, ListTopicsRequest.class, DescribeTopicRequest.class,
            ProduceRequest.class, FetchRequest.class, ListOffsetsRequest.class,
            HeartbeatRequest.class, LeaveGroupRequest.class, CommitOffsetsRequest.class,
            FetchOffsetsRequest.class, DescribeGroupRequest.class, ListGroupsRequest.class,
            SubscribeRequest.class, CreditRequest.class, UnsubscribeRequest.class,
            InitProducerIdRequest.class, QueueReceiveRequest.class, QueueAckRequest.class,
            DescribeQueueGroupRequest.class);

    static final List<Class<? extends Response>> RESPONSE_TYPES = List.of(
            ApiVersionsResponse.class, MetadataResponse.class, CreateTopicResponse.class,
            DeleteTopicResponse.class, ListTopicsResponse.class, DescribeTopicResponse.class,
            ProduceResponse.class, FetchResponse.class, ListOffsetsResponse.class,
            HeartbeatResponse.class, LeaveGroupResponse.class, CommitOffsetsResponse.class,
            FetchOffsetsResponse.class, DescribeGroupResponse.class, ListGroupsResponse.class,
            SubscribeResponse.class, PushRecords.class, UnsubscribeResponse.class,
            InitProducerIdResponse.class, QueueReceiveResponse.class, QueueAckResponse.class,
            DescribeQueueGroupResponse.class);

    /** String fields the protocol lets be null: by name, or as {@code Record.field} for one record's field. */
    private static final Set<String> NULLABLE_STRINGS = Set.of("errorMessage", "owner",
            "QueueReceiveRequest.deadLetterTopic", "QueueAckRequest.Entry.reason");

    private static final int[] CODE_POINTS = {
        'a', 'b', 'z', 'A', 'Z', '0', '9', '.', '_', '-', ' ', 0x7F, 0xE9, 0x7FF, 0x800, 0x4E2D,
        0xFFFD, 0xFFFF, 0x10000, 0x1D11E, 0x10FFFF
    };

    private final Random random;

    RandomMessages(Random random) {
        this.random = random;
    }

    /** An arbitrary message; a response is an error-only one about one time in four. */
    <T extends Message> T next(Class<T> type) {
        if (Response.class.isAssignableFrom(type) && random.nextInt(4) == 0) {
            ErrorCode[] codes = ErrorCode.values();
            ErrorCode code = codes[1 + random.nextInt(codes.length - 1)];
            return type.cast(invokeStatic(type, "error", code, nullableString()));
        }
        return type.cast(record(type, true));
    }

    private Object record(Class<?> type, boolean topLevel) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] classes = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            classes[i] = component.getType();
            if (topLevel && component.getName().equals("errorCode")) {
                values[i] = ErrorCode.NONE;
            } else if (topLevel && component.getName().equals("errorMessage")) {
                values[i] = null;
            } else {
                values[i] = value(component.getGenericType(), component.getName(), qualified(type, component));
            }
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(classes);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code QueueAckRequest.Entry.reason} for that component. */
    private static String qualified(Class<?> type, RecordComponent component) {
        return type.getName().substring(type.getPackageName().length() + 1).replace('$', '.') + "." + component.getName();
    }

    private Object value(Type type, String name, String qualifiedName) {
        if (type instanceof ParameterizedType parameterized) {
            Type element = parameterized.getActualTypeArguments()[0];
            int size = random.nextInt(5);
            List<Object> list = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                list.add(value(element, name, qualifiedName));
            }
            return list;
        }
        Class<?> raw = (Class<?>) type;
        if (raw == int.class || raw == Integer.class) {
            return nextInt();
        } else if (raw == long.class) {
            return nextLong();
        } else if (raw == short.class) {
            return (short) nextInt();
        } else if (raw == byte.class) {
            return (byte) nextInt();
        } else if (raw == boolean.class) {
            return random.nextBoolean();
        } else if (raw == String.class) {
            return NULLABLE_STRINGS.contains(name) || NULLABLE_STRINGS.contains(qualifiedName)
                    ? nullableString() : string();
        } else if (raw == ByteBuf.class) {
            return bytes();
        } else if (raw.isEnum()) {
            Object[] constants = raw.getEnumConstants();
            return constants[random.nextInt(constants.length)];
        } else if (raw.isRecord()) {
            return record(raw, false);
        }
        throw new IllegalArgumentException("no generator for " + type + " (" + name + ")");
    }

    int nextInt() {
        switch (random.nextInt(8)) {
            case 0: return 0;
            case 1: return -1;
            case 2: return random.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
            case 3: return random.nextInt(100);
            default: return random.nextInt();
        }
    }

    long nextLong() {
        switch (random.nextInt(8)) {
            case 0: return 0;
            case 1: return -1;
            case 2: return random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            case 3: return random.nextInt(100);
            default: return random.nextLong();
        }
    }

    String nullableString() {
        return random.nextInt(4) == 0 ? null : string();
    }

    String string() {
        int length = random.nextInt(4) == 0 ? 0 : random.nextInt(12);
        StringBuilder builder = new StringBuilder();
        for (int i = 0; i < length; i++) {
            builder.appendCodePoint(CODE_POINTS[random.nextInt(CODE_POINTS.length)]);
        }
        return builder.toString();
    }

    ByteBuf bytes() {
        int length = random.nextInt(8) == 0 ? 1024 + random.nextInt(2048) : random.nextInt(40);
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return Unpooled.wrappedBuffer(bytes);
    }

    private static Object invokeStatic(Class<?> type, String method, ErrorCode code, String message) {
        try {
            return type.getMethod(method, ErrorCode.class, String.class).invoke(null, code, message);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
