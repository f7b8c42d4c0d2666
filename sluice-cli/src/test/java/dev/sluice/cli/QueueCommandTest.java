package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** How {@code sluice queue consume} reads its options, without a broker. */
class QueueCommandTest {

    @Test
    void groupSettingsNotGivenStayUnsetSoThatTheExistingGroupsApply() {
        QueueCommand.Consume consume = parse("queue", "consume", "tasks", "--group", "workers");

        assertThat(consume.topic).isEqualTo("tasks");
        assertThat(consume.group).isEqualTo("workers");
        assertThat(consume.maxAttempts).isNull();
        assertThat(consume.deadLetterTopic).isNull();
        assertThat(consume.messageGroups).isNull();
        assertThat(consume.visibilityTimeoutMs).isNull();
        assertThat(consume.maxMessages).isEqualTo(-1);
        assertThat(consume.idleExitMs).isEqualTo(-1);
    }

    @Test
    void messageGroupsAloneMeansOnAndAnEmptyDeadLetterTopicMeansNone() {
        QueueCommand.Consume on = parse("queue", "consume", "--message-groups", "tasks", "--group", "g",
                "--dead-letter-topic=");
        QueueCommand.Consume off = parse("queue", "consume", "tasks", "--group", "g", "--message-groups=false",
                "--max-attempts", "3", "--visibility-timeout-ms", "2000", "--print-key", "--print-offset");

        assertThat(on.topic).as("a topic after the flag is not taken as its value").isEqualTo("tasks");
        assertThat(on.messageGroups).isTrue();
        assertThat(on.deadLetterTopic).isEmpty();
        assertThat(off.messageGroups).isFalse();
        assertThat(off.maxAttempts).isEqualTo(3);
        assertThat(off.visibilityTimeoutMs).isEqualTo(2000);
        assertThat(off.format.line(1, 7, null, "v")).isEqualTo("1:7\t\tv");
    }

    @Test
    void aGroupIsRequired() {
        int exitCode = new CommandLine(new SluiceCommand()).setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()))
                .execute("queue", "consume", "tasks");

        assertThat(exitCode).isEqualTo(2);
    }

    private static QueueCommand.Consume parse(String... args) {
        ParseResult result = new CommandLine(new SluiceCommand()).parseArgs(args);
        return (QueueCommand.Consume) result.subcommand().subcommand().commandSpec().userObject();
    }
}
