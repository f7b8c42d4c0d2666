package dev.sluice.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The body of a child JVM's stderr reader thread and the bounded buffer it fills: reads stderr
 * until end of stream and keeps only the last {@link #CAPACITY_BYTES} bytes, for diagnostics.
 * Reading never stops early, so the child never blocks on a full stderr pipe however much it
 * writes. Thread-safe: one writer (this runnable), any number of readers of {@link #tail()}.
 */
final class StderrTail implements Runnable {
    /** Bytes of stderr kept: enough for a few stack traces, small enough for a failure message. */
    static final int CAPACITY_BYTES = 64 * 1024;

    private static final int CHUNK_BYTES = 8 * 1024;

    private final InputStream stderr;
    private final byte[] ring = new byte[CAPACITY_BYTES];
    private long writtenBytes;
    private String readFailure;

    StderrTail(InputStream stderr) {
        this.stderr = stderr;
    }

    @Override
    public void run() {
        byte[] chunk = new byte[CHUNK_BYTES];
        try (InputStream in = stderr) {
            int readBytes;
            while ((readBytes = in.read(chunk)) != -1) {
                append(chunk, readBytes);
            }
        } catch (IOException e) {
            // Diagnostics only: the tail says reading stopped, and why.
            synchronized (this) {
                readFailure = e.toString();
            }
        }
    }

    private synchronized void append(byte[] chunk, int length) {
        for (int i = 0; i < length; i++) {
            ring[(int) ((writtenBytes + i) % CAPACITY_BYTES)] = chunk[i];
        }
        writtenBytes += length;
    }

    /**
     * The last bytes written to stderr, decoded as UTF-8 (a character cut at the start of the
     * window shows as U+FFFD), prefixed by a note when earlier bytes were dropped.
     */
    synchronized String tail() {
        StringBuilder tail = new StringBuilder();
        int keptBytes = (int) Math.min(writtenBytes, CAPACITY_BYTES);
        if (writtenBytes > keptBytes) {
            tail.append(String.format("[%,d earlier bytes dropped]%n", writtenBytes - keptBytes));
        }
        byte[] ordered = new byte[keptBytes];
        int start = (int) ((writtenBytes - keptBytes) % CAPACITY_BYTES);
        for (int i = 0; i < keptBytes; i++) {
            ordered[i] = ring[(start + i) % CAPACITY_BYTES];
        }
        tail.append(new String(ordered, StandardCharsets.UTF_8));
        if (readFailure != null) {
            tail.append(String.format("%n[reading stderr failed: %s]", readFailure));
        }
        return tail.toString();
    }
}
