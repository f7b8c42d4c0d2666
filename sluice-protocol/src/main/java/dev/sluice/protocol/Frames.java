package dev.sluice.protocol;

import dev.sluice.protocol.internal.BodyWriter;
import dev.sluice.protocol.internal.CompositeBodyWriter;
import dev.sluice.protocol.internal.Fields;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes whole frames (header and body, length patched) and decodes bodies by api, so that
 * neither the server nor the client switches on apis.
 *
 * <p>Encoding returns a new buffer from the allocator that the caller owns (write it to a
 * channel, which releases it, or release it). FETCH and QUEUE_RECEIVE responses, PUSH_RECORDS and PRODUCE
 * requests come back as a {@link io.netty.buffer.CompositeByteBuf} whose records of 1 KiB or
 * more are the caller's buffers themselves, not copies; the frame holds its own reference to
 * them ({@code retainedDuplicate}), and the memory behind them must stay valid until the frame is
 * written. The caller checks the frame against the peer's {@code frameBytesMax}
 * ({@code readableBytes() - 4}). Decoding reads a body (the frame after its header; see
 * {@link FrameHeader#decode}) and throws only {@link ProtocolException}; decoded
 * {@code bytes}/{@code records} fields are slices of the frame: retain the frame, not the
 * slices, for as long as they are used. Stateless and thread-safe.
 */
public final class Frames {
    private static final int FRAME_BYTES_INITIAL = 256;

    private Frames() {}

    /**
     * A request frame expecting an answer, at the api's highest version.
     *
     * @throws IllegalArgumentException if the api has no response (CREDIT: use
     *     {@link #encodeOnewayRequest}) or is not sent by clients (PUSH_RECORDS)
     */
    public static ByteBuf encodeRequest(
            ByteBufAllocator allocator, int correlationId, Request request) {
        ApiKey api = request.apiKey();
        if (!api.hasResponse()) {
            throw new IllegalArgumentException(
                    api + " has no response: send it with encodeOnewayRequest");
        }
        FrameHeader header = new FrameHeader(api.id(), api.maxVersion(), correlationId, (short) 0);
        return encode(allocator, header, request);
    }

    /**
     * A request frame with flag {@code ONEWAY}: the broker sends no answer.
     *
     * @throws IllegalArgumentException if the api may not be sent oneway
     */
    public static ByteBuf encodeOnewayRequest(
            ByteBufAllocator allocator, int correlationId, Request request) {
        ApiKey api = request.apiKey();
        if (!api.onewayCapable()) {
            throw new IllegalArgumentException(api + " may not be sent ONEWAY");
        }
        FrameHeader header = new FrameHeader(
                api.id(), api.maxVersion(), correlationId, FrameDescriptor.FLAG_ONEWAY);
        return encode(allocator, header, request);
    }

    /**
     * A response frame (flag {@code RESPONSE}) answering the request with {@code correlationId},
     * at the request's {@code version}.
     *
     * @throws IllegalArgumentException for a PUSH_RECORDS body (use {@link #encodePush})
     */
    public static ByteBuf encodeResponse(
            ByteBufAllocator allocator, short version, int correlationId, Response response) {
        ApiKey api = response.apiKey();
        if (api.push()) {
            throw new IllegalArgumentException(api + " is pushed: use encodePush");
        }
        FrameHeader header =
                new FrameHeader(api.id(), version, correlationId, FrameDescriptor.FLAG_RESPONSE);
        return encode(allocator, header, response);
    }

    /** A PUSH_RECORDS frame (flag {@code PUSH}) for subscription {@code subscriptionId}. */
    public static ByteBuf encodePush(
            ByteBufAllocator allocator, int subscriptionId, PushRecords push) {
        ApiKey api = push.apiKey();
        FrameHeader header = new FrameHeader(
                api.id(), api.maxVersion(), subscriptionId, FrameDescriptor.FLAG_PUSH);
        return encode(allocator, header, push);
    }

    /**
     * An error-only response frame to a request whose header was read but whose api, version or
     * body was not: it echoes the raw api id, version and correlation id. Use it with the
     * {@link ProtocolException} from {@link #decodeRequest(FrameHeader, ByteBuf)}.
     */
    public static ByteBuf encodeErrorResponse(
            ByteBufAllocator allocator,
            FrameHeader request,
            ErrorCode errorCode,
            String errorMessage) {
        Fields.checkIsError(errorCode);
        FrameHeader header = new FrameHeader(request.apiId(), request.version(),
                request.correlationId(), FrameDescriptor.FLAG_RESPONSE);
        ByteBuf frame = allocator.buffer(FRAME_BYTES_INITIAL);
        try {
            header.encode(frame);
            Fields.writeErrorHeader(frame, errorCode, errorMessage);
        } catch (RuntimeException | Error e) {
            frame.release();
            throw e;
        }
        return patchLength(frame);
    }

    private static ByteBuf encode(ByteBufAllocator allocator, FrameHeader header, Message body) {
        ByteBuf first = allocator.buffer(FRAME_BYTES_INITIAL);
        if (body instanceof FetchResponse
                || body instanceof QueueReceiveResponse
                || body instanceof PushRecords
                || body instanceof ProduceRequest) {
            CompositeBodyWriter writer = new CompositeBodyWriter(allocator, first);
            try {
                header.encode(writer.out());
                encodeLinked(body, writer);
            } catch (RuntimeException | Error e) {
                writer.abort();
                throw e;
            }
            return patchLength(writer.finish());
        }
        try {
            header.encode(first);
            body.encode(first);
        } catch (RuntimeException | Error e) {
            first.release();
            throw e;
        }
        return patchLength(first);
    }

    private static void encodeLinked(Message body, BodyWriter writer) {
        if (body instanceof FetchResponse fetch) {
            fetch.encode(writer);
        } else if (body instanceof QueueReceiveResponse receive) {
            receive.encode(writer);
        } else if (body instanceof PushRecords push) {
            push.encode(writer);
        } else {
            ((ProduceRequest) body).encode(writer);
        }
    }

    private static ByteBuf patchLength(ByteBuf frame) {
        int length = frame.readableBytes() - FrameDescriptor.LENGTH_FIELD_BYTES;
        frame.setInt(FrameDescriptor.LENGTH_OFFSET, length);
        return frame;
    }

    /**
     * Decodes a request body after checking the frame header: defined flags only, neither
     * {@code RESPONSE} nor {@code PUSH}, a known api sent by clients, {@code ONEWAY} only where the
     * api allows it (and always for CREDIT), a supported version.
     *
     * @throws ProtocolException {@link ErrorCode#CORRUPT_FRAME} (flags, body),
     *     {@link ErrorCode#UNSUPPORTED_API}, {@link ErrorCode#UNSUPPORTED_VERSION} or
     *     {@link ErrorCode#INVALID_REQUEST} (ONEWAY misuse); answer it with
     *     {@link #encodeErrorResponse} unless the frame is ONEWAY
     */
    public static Request decodeRequest(FrameHeader header, ByteBuf body) {
        FrameDescriptor.checkFlags(header.flags());
        if (header.isResponse() || header.isPush()) {
            throw ProtocolException.corruptFrame(
                    "a request may not carry flag RESPONSE or PUSH: flags 0x%04x", header.flags());
        }
        ApiKey api = header.apiKey();
        if (header.isOneway() && !api.onewayCapable()) {
            throw new ProtocolException(ErrorCode.INVALID_REQUEST, api + " may not be sent ONEWAY");
        }
        if (!header.isOneway() && api.clientToBroker() && !api.hasResponse()) {
            throw new ProtocolException(ErrorCode.INVALID_REQUEST, api + " must be sent ONEWAY");
        }
        return decodeRequest(api, header.version(), body);
    }

    /**
     * Decodes the body of a request of {@code api} at {@code version}, consuming {@code body}'s
     * readable bytes exactly.
     *
     * @throws ProtocolException {@link ErrorCode#UNSUPPORTED_API} for PUSH_RECORDS (the broker
     *     sends it), {@link ErrorCode#UNSUPPORTED_VERSION}, or {@link ErrorCode#CORRUPT_FRAME}
     */
    public static Request decodeRequest(ApiKey api, short version, ByteBuf body) {
        if (!api.clientToBroker()) {
            throw new ProtocolException(
                    ErrorCode.UNSUPPORTED_API, api + " is sent by the broker only");
        }
        api.checkVersion(version);
        switch (api) {
            case API_VERSIONS: return ApiVersionsRequest.decode(body);
            case METADATA: return MetadataRequest.decode(body);
            case CREATE_TOPIC: return CreateTopicRequest.decode(body);
            case DELETE_TOPIC: return DeleteTopicRequest.decode(body);
            case LIST_TOPICS: return ListTopicsRequest.decode(body);
            case DESCRIBE_TOPIC: return DescribeTopicRequest.decode(body);
            case PRODUCE: return ProduceRequest.decode(body);
            case FETCH: return FetchRequest.decode(body);
            case LIST_OFFSETS: return ListOffsetsRequest.decode(body);
            case HEARTBEAT: return HeartbeatRequest.decode(body);
            case LEAVE_GROUP: return LeaveGroupRequest.decode(body);
            case COMMIT_OFFSETS: return CommitOffsetsRequest.decode(body);
            case FETCH_OFFSETS: return FetchOffsetsRequest.decode(body);
            case DESCRIBE_GROUP: return DescribeGroupRequest.decode(body);
            case LIST_GROUPS: return ListGroupsRequest.decode(body);
            case SUBSCRIBE: return SubscribeRequest.decode(body);
            case CREDIT: return CreditRequest.decode(body);
            case UNSUBSCRIBE: return UnsubscribeRequest.decode(body);
            case INIT_PRODUCER_ID: return InitProducerIdRequest.decode(body);
            case QUEUE_RECEIVE: return QueueReceiveRequest.decode(body);
            case QUEUE_ACK: return QueueAckRequest.decode(body);
            case DESCRIBE_QUEUE_GROUP: return DescribeQueueGroupRequest.decode(body);
            default: throw new IllegalStateException("no request decoder for " + api);
        }
    }

    /**
     * Decodes a response or push body after checking the frame header: defined flags only, and
     * {@code PUSH} for PUSH_RECORDS, {@code RESPONSE} for every other api.
     *
     * @throws ProtocolException as {@link #decodeResponse(ApiKey, short, ByteBuf)}, or
     *     {@link ErrorCode#CORRUPT_FRAME} for wrong flags
     */
    public static Response decodeResponse(FrameHeader header, ByteBuf body) {
        FrameDescriptor.checkFlags(header.flags());
        ApiKey api = header.apiKey();
        boolean expected = api.push() ? header.isPush() && !header.isResponse()
                : header.isResponse() && !header.isPush();
        if (!expected) {
            throw ProtocolException.corruptFrame("%s frame with flags 0x%04x: %s expected",
                    api, header.flags(), api.push() ? "PUSH" : "RESPONSE");
        }
        return decodeResponse(api, header.version(), body);
    }

    /**
     * Decodes the body of a response (or, for PUSH_RECORDS, a push) of {@code api} at
     * {@code version}, consuming {@code body}'s readable bytes exactly.
     *
     * @throws ProtocolException {@link ErrorCode#UNSUPPORTED_API} for CREDIT (no response),
     *     {@link ErrorCode#UNSUPPORTED_VERSION}, or {@link ErrorCode#CORRUPT_FRAME}
     */
    public static Response decodeResponse(ApiKey api, short version, ByteBuf body) {
        if (!api.hasResponse() && !api.push()) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_API, api + " has no response");
        }
        api.checkVersion(version);
        switch (api) {
            case API_VERSIONS: return ApiVersionsResponse.decode(body);
            case METADATA: return MetadataResponse.decode(body);
            case CREATE_TOPIC: return CreateTopicResponse.decode(body);
            case DELETE_TOPIC: return DeleteTopicResponse.decode(body);
            case LIST_TOPICS: return ListTopicsResponse.decode(body);
            case DESCRIBE_TOPIC: return DescribeTopicResponse.decode(body);
            case PRODUCE: return ProduceResponse.decode(body);
            case FETCH: return FetchResponse.decode(body);
            case LIST_OFFSETS: return ListOffsetsResponse.decode(body);
            case HEARTBEAT: return HeartbeatResponse.decode(body);
            case LEAVE_GROUP: return LeaveGroupResponse.decode(body);
            case COMMIT_OFFSETS: return CommitOffsetsResponse.decode(body);
            case FETCH_OFFSETS: return FetchOffsetsResponse.decode(body);
            case DESCRIBE_GROUP: return DescribeGroupResponse.decode(body);
            case LIST_GROUPS: return ListGroupsResponse.decode(body);
            case SUBSCRIBE: return SubscribeResponse.decode(body);
            case PUSH_RECORDS: return PushRecords.decode(body);
            case UNSUBSCRIBE: return UnsubscribeResponse.decode(body);
            case INIT_PRODUCER_ID: return InitProducerIdResponse.decode(body);
            case QUEUE_RECEIVE: return QueueReceiveResponse.decode(body);
            case QUEUE_ACK: return QueueAckResponse.decode(body);
            case DESCRIBE_QUEUE_GROUP: return DescribeQueueGroupResponse.decode(body);
            default: throw new IllegalStateException("no response decoder for " + api);
        }
    }
}
