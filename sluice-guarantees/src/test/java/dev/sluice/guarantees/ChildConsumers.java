package dev.sluice.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testsupport.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Starts {@link ChildConsumer} members of one group in child JVMs and owns them: {@link #close()}
 * kills every one still alive, so a test's {@code @AfterEach} leaves no process behind whatever
 * failed. Thread-safe for starting from one thread.
 */
final class ChildConsumers implements AutoCloseable {
    /** How long a child may take to start, join and print its first lines on a busy machine. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final String bootstrap;
    private final String topic;
    private final String group;
    private final List<Member> members = new ArrayList<>();

    ChildConsumers(Path dir, String bootstrap, String topic, String group) {
        this.dir = dir;
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.group = group;
    }

    /**
     * Starts member {@code name} with {@link ChildConsumer} {@code settings} ({@code ackMode},
     * {@code crash}, ...); {@code onLine} gets each stdout line with the member's name, on the
     * child's reader thread.
     */
    Member start(String name, Map<String, String> settings, BiConsumer<String, String> onLine) {
        Path stopFile = dir.resolve("stop-" + name);
        List<String> args = new ArrayList<>(List.of("bootstrap=" + bootstrap, "topic=" + topic, "group=" + group,
                "stopFile=" + stopFile));
        settings.forEach((key, value) -> args.add(key + "=" + value));
        try {
            ChildJvm jvm = ChildJvm.builder(ChildConsumer.class).heap("128m")
                    .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k")
                    .args(args.toArray(new String[0]))
                    .onLine(line -> onLine.accept(name, line))
                    .start();
            Member member = new Member(name, jvm, stopFile);
            synchronized (this) {
                members.add(member);
            }
            return member;
        } catch (IOException e) {
            throw new UncheckedIOException("starting consumer child " + name, e);
        }
    }

    /** Kills every member still alive and releases it; rethrows the first failure after trying all. */
    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        for (Member member : members) {
            try {
                member.jvm().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        members.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** A member in a child JVM. */
    record Member(String name, ChildJvm jvm, Path stopFile) {
        /** Waits for a stdout line starting with {@code prefix}. */
        String awaitLine(String prefix, Duration timeout) {
            return jvm.awaitLine(line -> line.startsWith(prefix), timeout);
        }

        /** {@code kill -9}: no commit, no leave; returns once every line it printed was read. */
        void kill() {
            assertThat(jvm.killHard()).as("exit code of %s after kill -9", name).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
        }

        /** Graceful stop: it finishes its batch, closes its consumer (commit per ack mode, leave) and exits 0. */
        void stop() {
            try {
                Files.createFile(stopFile);
            } catch (IOException e) {
                throw new UncheckedIOException("creating " + stopFile, e);
            }
            assertThat(jvm.awaitExit(START_TIMEOUT)).as("exit code of %s after a graceful stop", name).isZero();
            assertThat(jvm.lines()).as("last line of %s", name).last().isEqualTo(ChildConsumer.CLOSED);
        }
    }
}
