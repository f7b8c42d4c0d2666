package dev.sluice.guarantees;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between clients and a broker that loses acks: it forwards every frame of the native
 * protocol both ways, except that of every {@code dropEveryNth} acknowledged PRODUCE request it
 * forwards, it swallows the broker's answer and closes the connection at that moment. The broker
 * has stored the batch; the producer sees its connection die without an answer and sends the
 * batch again — the fault an idempotent producer guards against.
 *
 * <p>Frames are read whole ({@code [length][api][version][correlation id][flags][body]},
 * {@code docs/protocol.md}) on two plain-socket threads per connection, {@code ack-proxy-*}.
 * Thread-safe; {@link #close()} closes every socket and joins every thread.
 */
final class AckDroppingProxy implements AutoCloseable {
    private static final short PRODUCE_API = 6;
    private static final short RESPONSE_FLAG = 1;
    private static final short ONEWAY_FLAG = 2;
    private static final long JOIN_TIMEOUT_MS = 10_000;

    private final InetSocketAddress broker;
    private final int dropEveryNth;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> pumps = new CopyOnWriteArrayList<>();
    private final AtomicLong produceRequests = new AtomicLong();
    private final AtomicLong droppedAnswers = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;

    AckDroppingProxy(InetSocketAddress broker, int dropEveryNth) throws IOException {
        this.broker = broker;
        this.dropEveryNth = dropEveryNth;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "ack-proxy-accept");
        acceptor.start();
    }

    /** Where clients connect: {@code 127.0.0.1:port}. */
    String bootstrap() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** Acknowledged PRODUCE requests forwarded to the broker. */
    long produceRequestCount() {
        return produceRequests.get();
    }

    /** PRODUCE answers swallowed (each closed its connection). */
    long droppedAnswerCount() {
        return droppedAnswers.get();
    }

    /** Client connections accepted. */
    long connectionCount() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            try {
                Socket upstream = new Socket(broker.getAddress(), broker.getPort());
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                Set<Integer> dropAnswersTo = ConcurrentHashMap.newKeySet();
                long id = connections.get();
                start(new Thread(() -> pumpRequests(client, upstream, dropAnswersTo), "ack-proxy-" + id + "-requests"));
                start(new Thread(() -> pumpAnswers(upstream, client, dropAnswersTo), "ack-proxy-" + id + "-answers"));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void start(Thread pump) {
        pumps.add(pump);
        pump.start();
    }

    /** Client to broker: every frame forwarded; every Nth acknowledged PRODUCE marked to lose its answer. */
    private void pumpRequests(Socket client, Socket upstream, Set<Integer> dropAnswersTo) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream()));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(upstream.getOutputStream()))) {
            while (true) {
                byte[] frame = readFrame(in);
                ByteBuffer header = ByteBuffer.wrap(frame);
                short api = header.getShort(0);
                int correlationId = header.getInt(4);
                short flags = header.getShort(8);
                if (api == PRODUCE_API && (flags & ONEWAY_FLAG) == 0
                        && produceRequests.incrementAndGet() % dropEveryNth == 0) {
                    dropAnswersTo.add(correlationId);
                }
                out.writeInt(frame.length);
                out.write(frame);
                if (in.available() == 0) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** Broker to client: every frame forwarded but a marked PRODUCE answer, which ends the connection. */
    private void pumpAnswers(Socket upstream, Socket client, Set<Integer> dropAnswersTo) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(upstream.getInputStream()));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(client.getOutputStream()))) {
            while (true) {
                byte[] frame = readFrame(in);
                ByteBuffer header = ByteBuffer.wrap(frame);
                if (header.getShort(0) == PRODUCE_API && (header.getShort(8) & RESPONSE_FLAG) != 0
                        && dropAnswersTo.contains(header.getInt(4))) {
                    droppedAnswers.incrementAndGet();
                    out.flush(); // the answers before it reach the client; this one never does
                    break;
                }
                out.writeInt(frame.length);
                out.write(frame);
                if (in.available() == 0) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            // The connection ended on either side.
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 10 || length > 64 * 1024 * 1024) {
            throw new IOException("frame length " + length + " out of range");
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing: nothing to do.
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Closing: nothing to do.
        }
        acceptor.join(JOIN_TIMEOUT_MS);
        sockets.forEach(AckDroppingProxy::closeQuietly);
        for (Thread pump : pumps) {
            pump.join(JOIN_TIMEOUT_MS);
        }
    }
}
