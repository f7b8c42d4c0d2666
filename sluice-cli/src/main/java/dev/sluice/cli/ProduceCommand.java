package dev.sluice.cli;

import dev.sluice.client.Acks;
import dev.sluice.client.Message;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.SendResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice produce TOPIC}: one message per line of standard input. Exits 0 once every message
 * is acknowledged, 1 if any failed (each failure is reported on stderr with its line number).
 */
@Command(name = "produce", mixinStandardHelpOptions = true, description = "Send one message per line of standard input.")
final class ProduceCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Option(names = "--key", description = "The key of every message (messages with one key go to one queue, in order).")
    String key;

    @Option(names = "--key-separator", paramLabel = "SEP",
            description = "Split each line at the first SEP into key and value, e.g. --key-separator=:")
    String keySeparator;

    @Option(names = "--acks", defaultValue = "LEADER",
            description = "What a send waits for: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Acks acks;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<CompletableFuture<SendResult>> sends = new ArrayList<>();
        try (Producer producer = Producer.create(ProducerConfig.builder(client.bootstrap()).clientId("sluice-cli")
                .acks(acks).build())) {
            String line;
            while ((line = in.readLine()) != null) {
                String messageKey = key;
                String value = line;
                if (keySeparator != null) {
                    int at = line.indexOf(keySeparator);
                    if (at >= 0) {
                        messageKey = line.substring(0, at);
                        value = line.substring(at + keySeparator.length());
                    }
                }
                Message message = messageKey == null ? Message.of(topic, value) : Message.of(topic, messageKey, value);
                if (acks == Acks.NONE) {
                    producer.sendOneway(message);
                } else {
                    sends.add(producer.send(message));
                }
            }
            producer.flush();
        }
        int failed = 0;
        for (int i = 0; i < sends.size(); i++) {
            try {
                sends.get(i).join();
            } catch (RuntimeException e) {
                failed++;
                spec.commandLine().getErr().println("line " + (i + 1) + ": " + Errors.describe(e));
            }
        }
        spec.commandLine().getErr().println(acks == Acks.NONE
                ? "sent messages to " + topic + " without acknowledgement (acks NONE)"
                : "sent " + (sends.size() - failed) + " messages to " + topic + (failed > 0 ? ", " + failed + " failed" : ""));
        return failed == 0 ? 0 : 1;
    }
}
