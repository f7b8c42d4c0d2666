package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testsupport.ChildJvm;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code sluice} command as a user runs it: the packaged jar, a broker started with
 * {@code sluice server}, commands as separate processes with stdin and stdout.
 */
class CliIT {
    private static final Path JAR = Path.of("target", "sluice.jar");
    private static final Pattern READY = Pattern.compile("Sluice is ready: native (\\S+),");

    @TempDir
    Path dir;

    private ChildJvm server;
    private String bootstrap;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void topicProduceConsumeAndGroupDescribeWorkFromTheCommandLine() throws Exception {
        startServer();

        Result created = sluice("", "topic", "create", "orders", "--queues", "3");
        Result produced = sluice("alice:1 book\nbob:2 pens\nalice:3 lamp\n", "produce", "orders", "--key-separator=:");
        Result consumed = sluice("", "consume", "orders", "--group", "billing", "--from-beginning", "--max-messages", "3",
                "--print-key");
        Result described = sluice("", "group", "describe", "billing");
        Result topics = sluice("", "topic", "list");

        assertThat(created.exitCode()).isZero();
        assertThat(produced.exitCode()).isZero();
        assertThat(produced.stderr()).contains("sent 3 messages to orders");
        assertThat(consumed.exitCode()).isZero();
        assertThat(consumed.stdoutLines()).containsExactlyInAnyOrder("alice\t1 book", "bob\t2 pens", "alice\t3 lamp");
        assertThat(consumed.stdoutLines().stream().filter(line -> line.startsWith("alice")).toList())
                .as("one key, one queue, in order").containsExactly("alice\t1 book", "alice\t3 lamp");
        assertThat(described.stdout()).contains("group billing on topic orders").contains("total lag 0");
        assertThat(topics.stdout()).contains("orders").contains("3 queues");
    }

    @Test
    void aSecondConsumerOfTheGroupGoesOnWhereTheFirstStopped() throws Exception {
        startServer();
        sluice("", "topic", "create", "jobs", "--queues", "1");
        String lines = IntStream.rangeClosed(1, 10).mapToObj(i -> "job-" + i).collect(Collectors.joining("\n")) + "\n";
        sluice(lines, "produce", "jobs");

        Result first = sluice("", "consume", "jobs", "--group", "workers", "--from-beginning", "--max-messages", "4");
        Result second = sluice("", "consume", "jobs", "--group", "workers", "--from-beginning", "--max-messages", "6");

        assertThat(first.stdoutLines()).containsExactly("job-1", "job-2", "job-3", "job-4");
        assertThat(second.stdoutLines()).containsExactly("job-5", "job-6", "job-7", "job-8", "job-9", "job-10");
    }

    @Test
    void durablyAcknowledgedMessagesSurviveKillMinusNineOfTheBroker() throws Exception {
        startServer();
        sluice("", "topic", "create", "ledger", "--queues", "2");
        String lines = IntStream.rangeClosed(1, 500).mapToObj(i -> "entry-" + i).collect(Collectors.joining("\n")) + "\n";
        Result produced = sluice(lines, "produce", "ledger", "--acks", "DURABLE");
        assertThat(produced.exitCode()).isZero();

        assertThat(server.killHard()).isEqualTo(ChildJvm.SIGKILL_EXIT_CODE);
        startServer();
        Result consumed = sluice("", "consume", "ledger", "--from-beginning", "--max-messages", "500", "--idle-exit-ms", "10000");

        assertThat(consumed.stdoutLines()).hasSize(500).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, 500).mapToObj(i -> "entry-" + i).toList());
    }

    @Test
    void topicCreateTakesAMessageIdWindowThatDescribeShows() throws Exception {
        startServer();

        Result created = sluice("", "topic", "create", "payments", "--queues", "1", "--message-id-window-ms", "0");
        Result described = sluice("", "topic", "describe", "payments");
        Result bad = sluice("", "topic", "create", "other", "--message-id-window-ms", "-5");

        assertThat(created.exitCode()).isZero();
        assertThat(described.stdout()).contains("message-id window off");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).contains("INVALID_CONFIG").contains("messageIdWindowMs is -5");
    }

    @Test
    void errorsAreOneLineWithTheReasonAndExitCodeOne() throws Exception {
        startServer();

        Result missing = sluice("", "topic", "describe", "nope");
        Result badName = sluice("", "topic", "create", "bad name");

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr().strip()).isEqualTo("sluice: UNKNOWN_TOPIC: topic 'nope' does not exist");
        assertThat(badName.exitCode()).isEqualTo(1);
        assertThat(badName.stderr()).contains("INVALID_TOPIC");
    }

    @Test
    void aBadSettingStopsTheServerWithTheKeyNamed() throws Exception {
        Result bad = run("", "server", "--data-dir", dir.resolve("data").toString(), "--set", "storage.segmentBytes=12x");

        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).contains("storage.segmentBytes = \"12x\"").contains("not a size");
    }

    private void startServer() throws IOException {
        server = ChildJvm.builder(SluiceCommand.class)
                .classpath(JAR.toAbsolutePath().toString())
                .heap("512m")
                .args("server", "--data-dir", dir.resolve("data").toString(), "--port", "0", "--http-port", "0")
                .start();
        String line = server.awaitLine(candidate -> READY.matcher(candidate).find(), Duration.ofSeconds(60));
        Matcher matcher = READY.matcher(line);
        assertThat(matcher.find()).isTrue();
        bootstrap = matcher.group(1);
    }

    private Result sluice(String stdin, String... args) throws Exception {
        List<String> withBootstrap = new ArrayList<>(List.of(args));
        withBootstrap.add("--bootstrap");
        withBootstrap.add(bootstrap);
        return run(stdin, withBootstrap.toArray(String[]::new));
    }

    private Result run(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("sluice " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    record Result(int exitCode, String stdout, String stderr) {
        List<String> stdoutLines() {
            return stdout.lines().toList();
        }
    }
}
