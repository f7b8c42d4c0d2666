package dev.sluice.cli;

import dev.sluice.client.AckMode;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.ReceivedMessage;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice consume TOPIC --group G}: prints each message's value (one per line) until Ctrl-C,
 * {@code --max-messages} or {@code --idle-exit-ms}. Offsets are committed after the messages are
 * printed (at-least-once): exactly those printed, so a later run goes on where this one stopped.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, description = "Print messages of a topic as a group member.")
final class ConsumeCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Option(names = "--group", description = "Consumer group (default: a new one for this run, so nothing is shared).")
    String group;

    @Option(names = "--from-beginning", description = "Without a committed offset, start at each queue's start (default: its end).")
    boolean fromBeginning;

    @Option(names = "--max-messages", paramLabel = "N", defaultValue = "-1", description = "Exit after N messages.")
    long maxMessages;

    @Option(names = "--idle-exit-ms", paramLabel = "MS", defaultValue = "-1",
            description = "Exit when no message arrives for this long (default: wait forever).")
    long idleExitMs;

    @Mixin
    PrintOptions format;

    @Spec
    CommandSpec spec;

    private volatile boolean stopping;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String groupName = group != null ? group : "sluice-cli-" + UUID.randomUUID();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopping = true;
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sluice-consume-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long count = 0;
        try (Consumer consumer = Consumer.create(ConsumerConfig.builder(client.bootstrap()).clientId("sluice-cli")
                .group(groupName).ackMode(AckMode.MANUAL)
                .autoOffsetReset(fromBeginning ? OffsetReset.EARLIEST : OffsetReset.LATEST).build())) {
            consumer.subscribe(topic);
            long lastMessageNs = System.nanoTime();
            while (!stopping && (maxMessages < 0 || count < maxMessages)) {
                Map<Integer, Long> printed = new HashMap<>();
                for (ReceivedMessage message : consumer.poll(Duration.ofMillis(500))) {
                    if (maxMessages >= 0 && count >= maxMessages) {
                        break;
                    }
                    out.println(format.line(message.queue(), message.offset(), message.keyAsString(),
                            message.valueAsString()));
                    printed.put(message.queue(), message.offset() + 1);
                    count++;
                    lastMessageNs = System.nanoTime();
                }
                out.flush();
                if (!printed.isEmpty()) {
                    // Only what was printed: a poll may return more than --max-messages leaves room for.
                    consumer.commit(printed);
                }
                if (idleExitMs >= 0 && System.nanoTime() - lastMessageNs > idleExitMs * 1_000_000L) {
                    break;
                }
            }
        } finally {
            done.countDown();
            if (!stopping) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        spec.commandLine().getErr().println("consumed " + count + " messages from " + topic + " (group " + groupName + ")");
        return 0;
    }
}
