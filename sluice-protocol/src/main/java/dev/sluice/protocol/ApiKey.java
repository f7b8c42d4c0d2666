package dev.sluice.protocol;

/**
 * The apis of native protocol v1, with their wire ids ({@code int16}), the versions this codec
 * speaks, and which way they travel.
 *
 * <ul>
 *   <li>{@link #clientToBroker()}: the client sends the request; false only for
 *       {@link #PUSH_RECORDS}, which the broker sends with flag {@code PUSH}.
 *   <li>{@link #onewayCapable()}: the request may carry flag {@code ONEWAY} (no answer).
 *   <li>{@link #hasResponse()}: a response body exists; false for {@link #CREDIT} (always
 *       {@code ONEWAY}) and {@link #PUSH_RECORDS}.
 *   <li>{@link #push()}: frames of this api are broker-initiated, flag {@code PUSH}.
 * </ul>
 *
 * Immutable and thread-safe.
 */
public enum ApiKey {
    API_VERSIONS(0, Kind.REQUEST_RESPONSE),
    METADATA(1, Kind.REQUEST_RESPONSE),
    CREATE_TOPIC(2, Kind.REQUEST_RESPONSE),
    DELETE_TOPIC(3, Kind.REQUEST_RESPONSE),
    LIST_TOPICS(4, Kind.REQUEST_RESPONSE),
    DESCRIBE_TOPIC(5, Kind.REQUEST_RESPONSE),
    PRODUCE(6, Kind.REQUEST_RESPONSE_OR_ONEWAY),
    FETCH(7, Kind.REQUEST_RESPONSE),
    LIST_OFFSETS(8, Kind.REQUEST_RESPONSE),
    HEARTBEAT(9, Kind.REQUEST_RESPONSE),
    LEAVE_GROUP(10, Kind.REQUEST_RESPONSE),
    COMMIT_OFFSETS(11, Kind.REQUEST_RESPONSE),
    FETCH_OFFSETS(12, Kind.REQUEST_RESPONSE),
    DESCRIBE_GROUP(13, Kind.REQUEST_RESPONSE),
    LIST_GROUPS(14, Kind.REQUEST_RESPONSE),
    SUBSCRIBE(15, Kind.REQUEST_RESPONSE),
    PUSH_RECORDS(16, Kind.PUSH),
    CREDIT(17, Kind.ONEWAY_ONLY),
    UNSUBSCRIBE(18, Kind.REQUEST_RESPONSE),
    INIT_PRODUCER_ID(19, Kind.REQUEST_RESPONSE),
    QUEUE_RECEIVE(20, Kind.REQUEST_RESPONSE),
    QUEUE_ACK(21, Kind.REQUEST_RESPONSE),
    DESCRIBE_QUEUE_GROUP(22, Kind.REQUEST_RESPONSE);

    private enum Kind {
        REQUEST_RESPONSE,
        REQUEST_RESPONSE_OR_ONEWAY,
        ONEWAY_ONLY,
        PUSH
    }

    private static final ApiKey[] BY_ID = values();

    static {
        for (int i = 0; i < BY_ID.length; i++) {
            if (BY_ID[i].id != i) {
                throw new IllegalStateException("ApiKey " + BY_ID[i] + " is out of id order");
            }
        }
    }

    private final short id;
    private final Kind kind;

    ApiKey(int id, Kind kind) {
        this.id = (short) id;
        this.kind = kind;
    }

    /** The number in the frame header's {@code api} field. */
    public short id() {
        return id;
    }

    /** The lowest version this codec decodes and encodes. */
    public short minVersion() {
        return Protocol.PROTOCOL_VERSION;
    }

    /** The highest version this codec decodes and encodes; the version it sends. */
    public short maxVersion() {
        return Protocol.PROTOCOL_VERSION;
    }

    /** Whether {@code version} lies in {@code [minVersion, maxVersion]}. */
    public boolean supportsVersion(short version) {
        return version >= minVersion() && version <= maxVersion();
    }

    /** Whether the client sends this api's requests (false: the broker pushes it). */
    public boolean clientToBroker() {
        return kind != Kind.PUSH;
    }

    /** Whether a request of this api may carry flag {@code ONEWAY}. */
    public boolean onewayCapable() {
        return kind == Kind.REQUEST_RESPONSE_OR_ONEWAY || kind == Kind.ONEWAY_ONLY;
    }

    /** Whether a request of this api may be answered: false for CREDIT and PUSH_RECORDS. */
    public boolean hasResponse() {
        return kind == Kind.REQUEST_RESPONSE || kind == Kind.REQUEST_RESPONSE_OR_ONEWAY;
    }

    /** Whether frames of this api are broker-initiated and carry flag {@code PUSH}. */
    public boolean push() {
        return kind == Kind.PUSH;
    }

    /**
     * The api with this wire id.
     *
     * @throws ProtocolException with {@link ErrorCode#UNSUPPORTED_API} for an unknown id
     */
    public static ApiKey forId(short id) {
        if (id >= 0 && id < BY_ID.length) {
            return BY_ID[id];
        }
        throw new ProtocolException(ErrorCode.UNSUPPORTED_API, "unknown api " + id);
    }

    /**
     * Checks that this codec speaks {@code version} of this api.
     *
     * @throws ProtocolException with {@link ErrorCode#UNSUPPORTED_VERSION} otherwise
     */
    public void checkVersion(short version) {
        if (!supportsVersion(version)) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, String.format(
                    "%s version %d is not supported: versions %d to %d are",
                    this, version, minVersion(), maxVersion()));
        }
    }
}
