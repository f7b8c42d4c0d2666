package dev.sluice.server;

import dev.sluice.protocol.CreateTopicResponse;
import dev.sluice.protocol.ErrorCode;
import dev.sluice.protocol.FrameHeader;
import dev.sluice.protocol.Frames;
import dev.sluice.protocol.ProtocolException;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A blocking native-protocol connection for server tests: writes frames (well-formed or not) and
 * reads answers one at a time. Deliberately not the real client, so the server is tested against
 * the bytes the protocol document describes.
 */
final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int nextCorrelationId = 1;

    RawConnection(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** One answer received: its header and decoded body. */
    record Answer(FrameHeader header, Response body) {
    }

    /** Sends a request and waits for the answer to it (answers to earlier requests are skipped). */
    Answer call(Request request) throws IOException {
        int correlationId = send(request);
        while (true) {
            Answer answer = receive();
            if (!answer.header().isPush() && answer.header().correlationId() == correlationId) {
                return answer;
            }
        }
    }

    /** Sends a request expecting an answer; returns its correlation id. */
    int send(Request request) throws IOException {
        int correlationId = nextCorrelationId++;
        write(Frames.encodeRequest(ByteBufAllocator.DEFAULT, correlationId, request));
        return correlationId;
    }

    void sendOneway(Request request) throws IOException {
        write(Frames.encodeOnewayRequest(ByteBufAllocator.DEFAULT, nextCorrelationId++, request));
    }

    void write(ByteBuf frame) throws IOException {
        try {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            writeRaw(bytes);
        } finally {
            frame.release();
        }
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next frame and decodes it. */
    Answer receive() throws IOException {
        int length = in.readInt();
        byte[] rest = new byte[length];
        in.readFully(rest);
        ByteBuf frame = Unpooled.buffer(4 + length);
        frame.writeInt(length).writeBytes(rest);
        FrameHeader header = FrameHeader.decode(frame);
        int bodyStart = frame.readerIndex();
        try {
            // Records stay valid: the frame is on the heap and never released.
            return new Answer(header, Frames.decodeResponse(header, frame));
        } catch (ProtocolException e) {
            // The answer to an unknown api or version echoes it: only the error header can be read.
            frame.readerIndex(bodyStart);
            ErrorCode code = ErrorCode.forCode(frame.readShort());
            int messageLength = frame.readShort();
            String message = messageLength < 0 ? null : frame.readCharSequence(messageLength, StandardCharsets.UTF_8).toString();
            return new Answer(header, CreateTopicResponse.error(code, message));
        }
    }

    /** True when the server closed the connection within the timeout (reads hit end of stream). */
    boolean closedByServer(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    void setReadTimeout(int timeoutMs) {
        try {
            socket.setSoTimeout(timeoutMs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
