package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.DeliveryExpiredException;
import dev.sluice.client.QueueConsumer;
import dev.sluice.client.QueueConsumerConfig;
import dev.sluice.client.QueueMessage;
import dev.sluice.client.SluiceException;
import dev.sluice.protocol.ErrorCode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice queue consume | describe}: queue-mode groups, where each message is acknowledged on its own. */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Consume as a member of a queue-mode group (per-message acks) and describe such groups.",
        subcommands = {QueueCommand.Consume.class, QueueCommand.Describe.class})
final class QueueCommand {

    /** The most messages one receive asks for: the client's default. */
    private static final int POLL_MESSAGES_MAX = 500;

    /**
     * {@code sluice queue consume TOPIC --group G}: prints each message as {@code sluice consume}
     * does and acknowledges it once printed (at-least-once: a message printed but not acknowledged,
     * because the process died or the ack came after the visibility timeout, is delivered again).
     * Runs until Ctrl-C, {@code --max-messages} or {@code --idle-exit-ms}.
     *
     * <p>The group settings ({@code --max-attempts}, {@code --dead-letter-topic},
     * {@code --message-groups}) belong to the group: the first consumer creates it with them; a
     * setting not given is taken from the existing group, so a later run need not repeat them.
     */
    @Command(name = "consume", mixinStandardHelpOptions = true,
            description = "Print messages of a topic as a member of a queue-mode group, acknowledging each once printed.")
    static final class Consume implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "TOPIC")
        String topic;

        @Option(names = "--group", required = true, description = "The queue-mode group; created on first use.")
        String group;

        @Option(names = "--max-messages", paramLabel = "N", defaultValue = "-1", description = "Exit after N messages.")
        long maxMessages;

        @Option(names = "--idle-exit-ms", paramLabel = "MS", defaultValue = "-1",
                description = "Exit when no message arrives for this long (default: wait forever).")
        long idleExitMs;

        @Option(names = "--visibility-timeout-ms", paramLabel = "MS",
                description = "How long a delivered message stays invisible to the group's other consumers "
                        + "(default 30000; 1000 to 43200000).")
        Integer visibilityTimeoutMs;

        @Option(names = "--max-attempts", paramLabel = "N",
                description = "Group setting: deliveries before a message is dead-lettered (default: the group's, "
                        + "else 5; 1 to 1000).")
        Integer maxAttempts;

        @Option(names = "--dead-letter-topic", paramLabel = "TOPIC",
                description = "Group setting: where messages go after max attempts (default: the group's, else "
                        + "<group>.dlq; an empty value: none, they are dropped).")
        String deadLetterTopic;

        @Option(names = "--message-groups", arity = "0..1", paramLabel = "true|false",
                description = "Group setting: FIFO per key, one message per key in flight (default: the group's, "
                        + "else false).")
        Boolean messageGroups;

        @Mixin
        PrintOptions format;

        @Spec
        CommandSpec spec;

        private volatile boolean stopping;

        @Override
        public Integer call() {
            QueueConsumerConfig config = config();
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stopping = true;
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sluice-queue-consume-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                Tally tally = consume(config);
                spec.commandLine().getErr().println("consumed " + tally.printedCount() + " messages from " + topic
                        + " (queue-mode group " + group + ")" + (tally.lateAckCount() == 0 ? ""
                                : "; " + tally.lateAckCount() + " acknowledgements came after the visibility timeout, "
                                        + "those messages will be delivered again"));
                spec.commandLine().getErr().flush();
            } finally {
                // After the summary: on Ctrl-C the JVM halts as soon as the hook returns.
                done.countDown();
                if (!stopping) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
            return 0;
        }

        /** Prints and acknowledges until told to stop. */
        private Tally consume(QueueConsumerConfig config) {
            PrintWriter out = spec.commandLine().getOut();
            long count = 0;
            long late = 0;
            try (QueueConsumer consumer = QueueConsumer.create(config)) {
                consumer.subscribe(topic, group);
                long lastMessageNs = System.nanoTime();
                while (!stopping && (maxMessages < 0 || count < maxMessages)) {
                    List<QueueMessage> printed = new ArrayList<>();
                    List<QueueMessage> received = consumer.poll(Duration.ofMillis(500));
                    for (QueueMessage message : received) {
                        if (maxMessages >= 0 && count >= maxMessages) {
                            giveBack(consumer, config, message);
                            continue;
                        }
                        out.println(format.line(message.queue(), message.offset(), message.keyAsString(),
                                message.valueAsString()));
                        printed.add(message);
                        count++;
                        lastMessageNs = System.nanoTime();
                    }
                    // Printed first, acknowledged second: a crash in between delivers the message again.
                    out.flush();
                    late += acknowledge(consumer, printed);
                    if (idleExitMs >= 0 && System.nanoTime() - lastMessageNs > idleExitMs * 1_000_000L) {
                        break;
                    }
                }
            }
            return new Tally(count, late);
        }

        /** What a run did: messages printed, and acknowledgements refused because the visibility timeout ran out. */
        private record Tally(long printedCount, long lateAckCount) {}

        /** Acknowledges the messages (pipelined), waits for all; returns how many came too late. */
        private static long acknowledge(QueueConsumer consumer, List<QueueMessage> messages) {
            List<CompletableFuture<Void>> acks = new ArrayList<>(messages.size());
            for (QueueMessage message : messages) {
                acks.add(consumer.ackAsync(message));
            }
            long late = 0;
            for (CompletableFuture<Void> ack : acks) {
                try {
                    ack.join();
                } catch (CompletionException e) {
                    if (!(e.getCause() instanceof DeliveryExpiredException)) {
                        throw e;
                    }
                    late++;
                }
            }
            return late;
        }

        /**
         * A message past {@code --max-messages}: back to the group at once, unless this was its last
         * attempt (a nack would dead-letter it; left alone it comes back after its visibility timeout).
         */
        private static void giveBack(QueueConsumer consumer, QueueConsumerConfig config, QueueMessage message) {
            if (message.deliveryCount() < config.maxAttempts()) {
                try {
                    consumer.nack(message, Duration.ZERO);
                } catch (DeliveryExpiredException e) {
                    // Already someone else's delivery: nothing to give back.
                }
            }
        }

        /** The consumer's settings; group settings not given come from the existing group, if any. */
        private QueueConsumerConfig config() {
            QueueConsumerConfig.Builder builder = QueueConsumerConfig.builder(client.bootstrap())
                    .clientId("sluice-cli").group(group);
            if (maxMessages >= 0) {
                // Receive no more than will be printed: what is received and not printed costs an attempt.
                builder.maxPollMessages((int) Math.max(1, Math.min(POLL_MESSAGES_MAX, maxMessages)));
            }
            if (visibilityTimeoutMs != null) {
                builder.visibilityTimeoutMs(visibilityTimeoutMs);
            }
            Admin.QueueGroupDescription existing =
                    maxAttempts == null || deadLetterTopic == null || messageGroups == null ? existingGroup() : null;
            if (maxAttempts != null || existing != null) {
                builder.maxAttempts(maxAttempts != null ? maxAttempts : existing.maxAttempts());
            }
            if (deadLetterTopic != null || existing != null) {
                builder.deadLetterTopic(deadLetterTopic != null ? deadLetterTopic : existing.deadLetterTopic());
            }
            if (messageGroups != null || existing != null) {
                builder.messageGroups(messageGroups != null ? messageGroups : existing.messageGroups());
            }
            return builder.build();
        }

        /** The group as the broker has it, or null if there is none yet. */
        private Admin.QueueGroupDescription existingGroup() {
            try (Admin admin = client.admin()) {
                return admin.describeQueueGroup(group);
            } catch (SluiceException e) {
                if (e.errorCode() == ErrorCode.INVALID_REQUEST) {
                    return null;
                }
                if (e.errorCode() == ErrorCode.GROUP_MODE_MISMATCH) {
                    throw new IllegalStateException("group '" + group + "' is a stream-mode group: read it with "
                            + "sluice consume " + topic + " --group " + group + ", or name another group");
                }
                throw e;
            }
        }
    }

    /** {@code sluice queue describe G}: a queue-mode group's settings and where each queue of its topic stands. */
    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Show a queue-mode group's settings and, per queue, its start and end offset and its "
                    + "in-flight, available, delayed and dead-lettered messages.")
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
            Admin.QueueGroupDescription description;
            try (Admin admin = client.admin()) {
                description = admin.describeQueueGroup(group);
            } catch (SluiceException e) {
                if (e.errorCode() == ErrorCode.GROUP_MODE_MISMATCH) {
                    throw new IllegalStateException("group '" + group + "' is a stream-mode group: use sluice group "
                            + "describe " + group);
                }
                throw e;
            }
            out.printf("queue-mode group %s on topic %s: max attempts %d, dead-letter topic %s, message groups %s%n",
                    description.group(), description.topic(), description.maxAttempts(),
                    description.deadLetterTopic().isEmpty() ? "none (dropped)" : description.deadLetterTopic(),
                    description.messageGroups() ? "on" : "off");
            out.printf("%6s %14s %14s %10s %10s %10s %14s%n", "queue", "start", "end", "in flight", "available",
                    "delayed", "dead-lettered");
            long[] totals = new long[4];
            for (Admin.QueueGroupQueue queue : description.queues()) {
                totals[0] += queue.inFlight();
                totals[1] += queue.available();
                totals[2] += queue.delayed();
                totals[3] += queue.deadLettered();
                out.printf("%6d %14d %14d %10d %10d %10d %14d%n", queue.queue(), queue.startOffset(),
                        queue.endOffset(), queue.inFlight(), queue.available(), queue.delayed(), queue.deadLettered());
            }
            out.printf("total in flight %d, available %d, delayed %d, dead-lettered %d%n", totals[0], totals[1],
                    totals[2], totals[3]);
            return 0;
        }
    }
}
