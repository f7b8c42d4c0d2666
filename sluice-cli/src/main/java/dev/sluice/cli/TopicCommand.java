package dev.sluice.cli;

import dev.sluice.client.Admin;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice topic create | list | describe | delete}. */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Create, list, describe and delete topics.",
        subcommands = {TopicCommand.Create.class, TopicCommand.ListTopics.class, TopicCommand.Describe.class,
                TopicCommand.Delete.class})
final class TopicCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "Topic name: 1-249 characters of [A-Za-z0-9._-].")
        String name;

        @Option(names = "--queues", defaultValue = "4", description = "Number of queues (default ${DEFAULT-VALUE}).")
        int queues;

        @Option(names = "--retention-ms", defaultValue = "-1",
                description = "Retention in ms, shorter than the broker's (default: the broker's).")
        long retentionMs;

        @Option(names = "--flush", defaultValue = "BROKER_DEFAULT",
                description = "Flush policy: ${COMPLETION-CANDIDATES} (sync: every append waits for an fsync).")
        Admin.FlushPolicy flush;

        @Option(names = "--message-id-window-ms", defaultValue = "-1",
                description = "How long message ids are remembered for de-duplication, in ms; 0 off "
                        + "(default: the broker's topics.messageIdWindow).")
        long messageIdWindowMs;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Admin admin = client.admin()) {
                admin.createTopic(name, queues, retentionMs, flush, messageIdWindowMs);
            }
            spec.commandLine().getOut().println("created topic " + name + " with " + queues + " queues");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List topics.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = client.admin()) {
                for (Admin.TopicInfo topic : admin.listTopics()) {
                    out.printf("%-40s %6d queues%n", topic.topic(), topic.queueCount());
                }
            }
            return 0;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show a topic's settings and each queue's offsets.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = client.admin()) {
                Admin.TopicDescription topic = admin.describeTopic(name);
                out.printf("topic %s: %d queues, retention %s, flush %s, message-id window %s, created %s%n", topic.topic(),
                        topic.queueCount(), topic.retentionMs() < 0 ? "broker default" : topic.retentionMs() + " ms",
                        topic.flushPolicy(), topic.messageIdWindowMs() < 0 ? "broker default"
                                : topic.messageIdWindowMs() == 0 ? "off" : topic.messageIdWindowMs() + " ms",
                        Instant.ofEpochMilli(topic.createdAtMs()));
                out.printf("%6s %14s %14s %14s%n", "queue", "start", "end", "records");
                long total = 0;
                for (Admin.QueueOffsets queue : topic.queues()) {
                    long records = queue.endOffset() - queue.startOffset();
                    total += records;
                    out.printf("%6d %14d %14d %14d%n", queue.queue(), queue.startOffset(), queue.endOffset(), records);
                }
                out.printf("%6s %14s %14s %14d%n", "total", "", "", total);
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a topic: its records become unreadable at once and leave the disk with their segments.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Admin admin = client.admin()) {
                admin.deleteTopic(name);
            }
            spec.commandLine().getOut().println("deleted topic " + name);
            return 0;
        }
    }
}
