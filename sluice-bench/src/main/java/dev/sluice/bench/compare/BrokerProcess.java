package dev.sluice.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker running as a child JVM of the harness, with its own classpath: its memory is its own and
 * its dependencies never meet the harness's. Output goes to a log file. Stopped by the PID this
 * class started, never by name. Thread-safe.
 */
public final class BrokerProcess {
    /** JVM flags every broker gets, so that systems are compared on the same heap. */
    public static final List<String> BROKER_JVM_FLAGS = List.of("-Xms1g", "-Xmx1g");

    private final String name;
    private final Process process;
    private final Path logFile;

    private BrokerProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code java [jvmFlags] -cp classpath mainClass args} with the JDK running the harness.
     *
     * @param logFile receives the child's stdout and stderr
     */
    public static BrokerProcess start(String name, List<String> jvmFlags, String classpath, String mainClass,
            List<String> args, Path logFile) throws IOException {
        Process process = new ProcessBuilder(javaCommand(jvmFlags, classpath, mainClass, args))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        return new BrokerProcess(name, process, logFile);
    }

    /**
     * Runs a short-lived tool in a child JVM (e.g. a storage formatter) and waits for it.
     *
     * @throws IOException when it exits non-zero or outlives {@code timeout}; its output is in the message
     */
    public static void runTool(List<String> jvmFlags, String classpath, String mainClass, List<String> args,
            Path logFile, Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(javaCommand(jvmFlags, classpath, mainClass, args))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException(mainClass + " did not finish within " + timeout + "; output in " + logFile);
        }
        if (process.exitValue() != 0) {
            throw new IOException(mainClass + " exited with " + process.exitValue() + ": " + tail(logFile));
        }
    }

    private static List<String> javaCommand(List<String> jvmFlags, String classpath, String mainClass,
            List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** A port free on 127.0.0.1 now (another process may take it before the broker binds it). */
    public static int freeLoopbackPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Throws, with the end of the broker's log, if the process has exited. */
    public void checkAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IOException(name + " broker (pid " + process.pid() + ") exited with " + process.exitValue()
                    + ": " + tail(logFile));
        }
    }

    /** Peak resident set size since start or {@link #resetPeakRss()}; -1 when unreadable. */
    public long peakRssBytes() {
        return statusBytes("VmHWM:");
    }

    /** Resident set size now; -1 when unreadable. */
    public long rssBytes() {
        return statusBytes("VmRSS:");
    }

    /** Resets the kernel's peak-RSS mark to the current RSS (Linux 4.0+); ignored where unsupported. */
    public void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc", Long.toString(process.pid()), "clear_refs"), "5",
                    StandardOpenOption.WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            // Not Linux, or the process is gone: the peak then covers the whole run.
        }
    }

    /** A {@code kB} field of {@code /proc/<pid>/status}, in bytes; -1 when unreadable or the process is gone. */
    private long statusBytes(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Asks the broker to shut down (SIGTERM), waits up to {@code grace}, then kills it. Never throws.
     *
     * @return true when it shut down within the grace period
     */
    public boolean stop(Duration grace) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The last lines of a log file, for error messages. */
    public static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no output: " + e + ")";
        }
    }
}
