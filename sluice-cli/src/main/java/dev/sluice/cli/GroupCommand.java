package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.SluiceException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice group list | describe | reset}. */
@Command(name = "group", mixinStandardHelpOptions = true, description = "Inspect consumer groups and reset their offsets.",
        subcommands = {GroupCommand.ListGroups.class, GroupCommand.Describe.class, GroupCommand.Reset.class})
final class GroupCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List groups.")
    static final class ListGroups implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = client.admin()) {
                for (Admin.GroupInfo group : admin.listGroups()) {
                    out.printf("%-30s topic %-30s %d members%n", group.group(), group.topic(), group.memberCount());
                }
            }
            return 0;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Show a stream-mode group's members, their queues, and each queue's committed offset and lag "
                    + "(a queue-mode group: sluice queue describe).")
    static final class Describe implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "GROUP")
        String group;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = client.admin()) {
                // Stream-mode groups are the listed ones; asked for another name the broker has no description.
                if (admin.listGroups().stream().noneMatch(listed -> listed.group().equals(group))) {
                    throw new IllegalStateException(isQueueModeGroup(admin)
                            ? "group '" + group + "' is a queue-mode group: use sluice queue describe " + group
                            : "no consumer group '" + group + "'");
                }
                Admin.GroupDescription description = admin.describeGroup(group);
                out.printf("group %s on topic %s, generation %d, %d members%n", description.group(), description.topic(),
                        description.generation(), description.members().size());
                for (Admin.GroupMember member : description.members()) {
                    out.printf("  member %s (client %s, %s): queues %s%n", member.memberId(), member.clientId(),
                            member.host(), member.queues());
                }
                out.printf("%6s %14s %14s %10s  %s%n", "queue", "committed", "end", "lag", "owner");
                long totalLag = 0;
                for (Admin.QueueLag queue : description.queues()) {
                    totalLag += queue.lag();
                    out.printf("%6d %14s %14d %10d  %s%n", queue.queue(),
                            queue.committedOffset() < 0 ? "-" : Long.toString(queue.committedOffset()), queue.endOffset(),
                            queue.lag(), queue.owner() == null ? "-" : queue.owner());
                }
                out.printf("total lag %d%n", totalLag);
            }
            return 0;
        }

        private boolean isQueueModeGroup(Admin admin) {
            try {
                admin.describeQueueGroup(group);
                return true;
            } catch (SluiceException e) {
                return false;
            }
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Move a group's committed offsets (the group must have no members).")
    static final class Reset implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Option(names = "--topic", required = true)
        String topic;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--to-earliest", description = "To each queue's start offset.")
            boolean earliest;

            @Option(names = "--to-latest", description = "To each queue's end offset.")
            boolean latest;

            @Option(names = "--to-time", paramLabel = "EPOCH_MS", description = "To the first record at or after this time.")
            Long timestampMs;
        }

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            OffsetReset reset = target.earliest ? OffsetReset.EARLIEST
                    : target.latest ? OffsetReset.LATEST : OffsetReset.toTimestamp(target.timestampMs);
            try (Admin admin = client.admin()) {
                admin.resetOffsets(group, topic, reset);
            }
            spec.commandLine().getOut().println("reset group " + group + " on topic " + topic);
            return 0;
        }
    }
}
