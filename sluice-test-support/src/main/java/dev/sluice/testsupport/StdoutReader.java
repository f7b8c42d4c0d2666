package dev.sluice.testsupport;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The body of a child JVM's stdout reader thread: reads UTF-8 lines until end of stream, stores
 * each in {@link StdoutLines}, then hands it to the line callback, in order, on this thread.
 *
 * <p>It never stops reading before end of stream, so the child never blocks on a full pipe. The
 * first failure (of reading, of storing, or of the callback) is recorded in {@link StdoutLines}
 * and surfaced by {@link ChildJvm}; after a callback failure the callback is not called again.
 * A final fragment without a line terminator (a child killed mid-line) is delivered as a line.
 */
final class StdoutReader implements Runnable {
    private final InputStream stdout;
    private final StdoutLines lines;
    private final Consumer<String> onLine;
    private boolean callbackFailed;

    StdoutReader(InputStream stdout, StdoutLines lines, Consumer<String> onLine) {
        this.stdout = stdout;
        this.lines = lines;
        this.onLine = onLine;
    }

    @Override
    public void run() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                deliver(line);
            }
        } catch (Throwable cause) {
            // Top level of the reader thread: record and stop (fail stop); ChildJvm rethrows it.
            lines.fail(cause);
        } finally {
            lines.end();
        }
    }

    private void deliver(String line) {
        if (callbackFailed) {
            return;
        }
        try {
            onLine.accept(line);
        } catch (RuntimeException | AssertionError cause) {
            callbackFailed = true;
            lines.fail(cause);
        }
    }
}
