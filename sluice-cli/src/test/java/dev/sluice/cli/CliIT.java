package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.QueueConsumer;
import dev.sluice.client.QueueConsumerConfig;
import dev.sluice.client.QueueMessage;
import dev.sluice.testsupport.ChildJvm;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
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
    void queueConsumeAcknowledgesWhatItPrintsAndQueueDescribeShowsTheFigures() throws Exception {
        startServer();
        sluice("", "topic", "create", "tasks", "--queues", "2");
        String lines = IntStream.rangeClosed(1, 10).mapToObj(i -> (i % 2 == 0 ? "a" : "b") + ":task-" + i)
                .collect(Collectors.joining("\n")) + "\n";
        sluice(lines, "produce", "tasks", "--key-separator=:");

        Result first = sluice("", "queue", "consume", "tasks", "--group", "workers", "--max-messages", "4", "--print-key",
                "--max-attempts", "3", "--dead-letter-topic", "tasks.failed");
        Result halfway = sluice("", "queue", "describe", "workers");
        Result second = sluice("", "queue", "consume", "tasks", "--group", "workers", "--max-messages", "6");
        Result done = sluice("", "queue", "describe", "workers");

        assertThat(first.exitCode()).isZero();
        assertThat(first.stdoutLines()).hasSize(4).allMatch(line -> line.matches("[ab]\ttask-\\d+"));
        assertThat(first.stderr()).contains("consumed 4 messages from tasks (queue-mode group workers)");
        assertThat(halfway.stdout())
                .contains("queue-mode group workers on topic tasks: max attempts 3, dead-letter topic tasks.failed, "
                        + "message groups off")
                .as("the printed messages are acknowledged, the rest available")
                .contains("total in flight 0, available 6, delayed 0, dead-lettered 0");
        assertThat(queueRows(halfway)).hasSize(2);
        assertThat(second.exitCode()).as("the group settings are taken from the group: %s", second.stderr()).isZero();
        List<String> values = new ArrayList<>(first.stdoutLines().stream().map(line -> line.split("\t")[1]).toList());
        values.addAll(second.stdoutLines());
        assertThat(values).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, 10).mapToObj(i -> "task-" + i).toList());
        assertThat(done.stdout()).contains("total in flight 0, available 0, delayed 0, dead-lettered 0");
        assertThat(queueRows(done)).hasSize(2)
                .allSatisfy(row -> assertThat(row[1]).as("start is end: all acknowledged").isEqualTo(row[2]));
        assertThat(queueRows(done).stream().mapToLong(row -> row[2]).sum()).as("end offsets").isEqualTo(10);
    }

    @Test
    void queueDescribeCountsMessagesDeadLetteredAfterTheirVisibilityTimeout() throws Exception {
        startServer();
        sluice("", "topic", "create", "mail", "--queues", "1");
        sluice("m1\n", "produce", "mail");
        try (QueueConsumer abandoning = QueueConsumer.create(QueueConsumerConfig.builder(bootstrap).group("senders")
                .visibilityTimeoutMs(1_000).maxAttempts(1).build())) {
            abandoning.subscribe("mail");
            List<QueueMessage> received = new ArrayList<>();
            for (int attempt = 0; attempt < 60 && received.isEmpty(); attempt++) {
                received.addAll(abandoning.poll(Duration.ofMillis(500)));
            }
            assertThat(received).hasSize(1);
        }

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> sluice("", "queue", "describe", "senders").stdout()
                        .contains("total in flight 0, available 0, delayed 0, dead-lettered 1"));
        Result described = sluice("", "queue", "describe", "senders");
        Result deadLetters = sluice("", "consume", "senders.dlq", "--from-beginning", "--max-messages", "1",
                "--idle-exit-ms", "10000");

        assertThat(described.stdout()).contains("max attempts 1, dead-letter topic senders.dlq, message groups off");
        assertThat(queueRows(described)).singleElement().satisfies(row -> assertThat(row[6]).isEqualTo(1L));
        assertThat(deadLetters.stdoutLines()).containsExactly("m1");
    }

    @Test
    void queueConsumeAcknowledgesAndReportsWhenStoppedWithSigterm() throws Exception {
        startServer();
        sluice("", "topic", "create", "feed", "--queues", "1");
        sluice("f1\nf2\nf3\n", "produce", "feed");

        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process consumer = new ProcessBuilder(command("queue", "consume", "feed", "--group", "readers", "--bootstrap",
                bootstrap)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Files.readAllLines(out).size() == 3);
            consumer.destroy();
            assertThat(consumer.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        } finally {
            consumer.destroyForcibly();
        }
        Result described = sluice("", "queue", "describe", "readers");

        assertThat(Files.readAllLines(out)).containsExactly("f1", "f2", "f3");
        assertThat(Files.readString(err)).contains("consumed 3 messages from feed (queue-mode group readers)");
        assertThat(described.stdout()).contains("total in flight 0, available 0, delayed 0, dead-lettered 0");
    }

    @Test
    void streamAndQueueCommandsPointToEachOtherForAGroupOfTheOtherMode() throws Exception {
        startServer();
        sluice("", "topic", "create", "jobs", "--queues", "1");
        sluice("j1\nj2\n", "produce", "jobs");
        sluice("", "consume", "jobs", "--group", "streamed", "--from-beginning", "--max-messages", "1");
        sluice("", "queue", "consume", "jobs", "--group", "queued", "--max-messages", "1");

        Result groupDescribe = sluice("", "group", "describe", "queued");
        Result groupDescribeMissing = sluice("", "group", "describe", "nobody");
        Result queueDescribe = sluice("", "queue", "describe", "streamed");
        Result queueConsume = sluice("", "queue", "consume", "jobs", "--group", "streamed", "--max-messages", "1");
        Result otherSettings = sluice("", "queue", "consume", "jobs", "--group", "queued", "--max-attempts", "2",
                "--max-messages", "1");
        Result badTimeout = sluice("", "queue", "consume", "jobs", "--group", "other", "--visibility-timeout-ms", "5");

        assertThat(groupDescribe.exitCode()).isEqualTo(1);
        assertThat(groupDescribe.stderr().strip())
                .isEqualTo("sluice: group 'queued' is a queue-mode group: use sluice queue describe queued");
        assertThat(groupDescribeMissing.exitCode()).isEqualTo(1);
        assertThat(groupDescribeMissing.stderr().strip()).isEqualTo("sluice: no consumer group 'nobody'");
        assertThat(queueDescribe.exitCode()).isEqualTo(1);
        assertThat(queueDescribe.stderr().strip())
                .isEqualTo("sluice: group 'streamed' is a stream-mode group: use sluice group describe streamed");
        assertThat(queueConsume.exitCode()).isEqualTo(1);
        assertThat(queueConsume.stderr().strip()).isEqualTo("sluice: group 'streamed' is a stream-mode group: read it "
                + "with sluice consume jobs --group streamed, or name another group");
        assertThat(otherSettings.exitCode()).isEqualTo(1);
        assertThat(otherSettings.stderr().lines()).singleElement().asString().contains("GROUP_MODE_MISMATCH")
                .contains("maxAttempts 5").contains("maxAttempts 2");
        assertThat(badTimeout.exitCode()).isEqualTo(1);
        assertThat(badTimeout.stderr().lines()).singleElement().asString().contains("visibilityTimeoutMs")
                .contains("5");
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

    /** The rows of {@code sluice queue describe}'s table: queue, start, end, in flight, available, delayed, dead-lettered. */
    private static List<long[]> queueRows(Result described) {
        return described.stdoutLines().stream().filter(line -> line.matches("(\\s+\\d+){7}"))
                .map(line -> Arrays.stream(line.strip().split("\\s+")).mapToLong(Long::parseLong).toArray()).toList();
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return command;
    }

    private Result run(String stdin, String... args) throws Exception {
        List<String> command = command(args);
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
