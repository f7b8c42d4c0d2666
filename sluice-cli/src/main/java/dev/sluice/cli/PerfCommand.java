package dev.sluice.cli;

import dev.sluice.client.Acks;
import dev.sluice.client.Admin;
import dev.sluice.client.AckMode;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.SluiceException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice perf produce | consume | e2e}: load generators with a live progress line and a
 * summary. Every run is bounded by a message count and a time limit.
 */
@Command(name = "perf", mixinStandardHelpOptions = true, description = "Measure produce, consume and end-to-end performance.",
        subcommands = {PerfCommand.Produce.class, PerfCommand.Consume.class, PerfCommand.EndToEnd.class})
final class PerfCommand {

    /** Options every perf command shares. */
    static final class Workload {
        @Mixin
        ClientOptions client;

        @Option(names = "--topic", defaultValue = "perf", description = "Topic (or prefix with --topics; default ${DEFAULT-VALUE}).")
        String topic;

        @Option(names = "--topics", defaultValue = "1", description = "Spread over this many topics, TOPIC-0 ... (default 1: TOPIC itself).")
        int topicCount;

        @Option(names = "--queues", defaultValue = "1", description = "Queues of each topic when it is created (default ${DEFAULT-VALUE}).")
        int queues;

        @Option(names = "--messages", defaultValue = "1000000", description = "Messages (default ${DEFAULT-VALUE}).")
        long messages;

        @Option(names = "--size", defaultValue = "100", description = "Value bytes per message (default ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--seconds", defaultValue = "120", description = "Stop after this long at most (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--message-id-window-ms", defaultValue = "-1",
                description = "Message-id window of topics this command creates, in ms; 0 off (default: the broker's).")
        long messageIdWindowMs;

        List<String> topics() {
            if (topicCount <= 1) {
                return List.of(topic);
            }
            List<String> names = new ArrayList<>(topicCount);
            for (int i = 0; i < topicCount; i++) {
                names.add(topic + "-" + i);
            }
            return names;
        }

        void createTopics(PrintWriter err) {
            try (Admin admin = client.admin()) {
                Set<String> existing = admin.listTopics().stream().map(Admin.TopicInfo::topic).collect(Collectors.toSet());
                int created = 0;
                for (String name : topics()) {
                    if (!existing.contains(name)) {
                        admin.createTopic(name, queues, -1, Admin.FlushPolicy.BROKER_DEFAULT, messageIdWindowMs);
                        created++;
                    }
                }
                if (created > 0) {
                    err.println("created " + created + " topics with " + queues + " queues each");
                }
            }
        }
    }

    /** Options of commands that produce. */
    static final class ProducerOptions {
        @Option(names = "--acks", defaultValue = "LEADER", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
        Acks acks;

        @Option(names = "--batch-bytes", defaultValue = "65536", description = "Producer batch size (default ${DEFAULT-VALUE}).")
        int batchBytes;

        @Option(names = "--linger-ms", defaultValue = "5", description = "Producer linger (default ${DEFAULT-VALUE}).")
        int lingerMs;

        @Option(names = "--idempotence", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Idempotent producer (default on; --no-idempotence to measure without).")
        boolean idempotence;

        Producer create(String bootstrap) {
            return Producer.create(ProducerConfig.builder(bootstrap).clientId("sluice-perf").acks(acks)
                    .batchBytes(batchBytes).lingerMs(lingerMs).idempotence(idempotence).build());
        }
    }

    @Command(name = "produce", mixinStandardHelpOptions = true,
            description = "Send messages as fast as allowed (or at --rate) and report throughput and send latency.")
    static final class Produce implements Callable<Integer> {
        @Mixin
        Workload workload;

        @Mixin
        ProducerOptions producerOptions;

        @Option(names = "--rate", defaultValue = "0", description = "Messages per second, 0 for as fast as possible.")
        long rate;

        @Option(names = "--message-ids", description = "Give each message a unique message id (to measure the window's cost).")
        boolean messageIds;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            workload.createTopics(err);
            String idPrefix = UUID.randomUUID() + "-";
            List<String> topics = workload.topics();
            byte[] value = new byte[workload.size];
            ThreadLocalRandom.current().nextBytes(value);
            PerfReport report = new PerfReport("produce", err);
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(workload.seconds);
            ScheduledExecutorService ticker = ticker(report);
            try (Producer producer = producerOptions.create(workload.client.bootstrap())) {
                long startNs = System.nanoTime();
                for (long i = 0; i < workload.messages && System.nanoTime() < deadlineNs; i++) {
                    pace(startNs, i, rate);
                    String topic = topics.get((int) (i % topics.size()));
                    Message message = messageIds ? Message.builder(topic).value(value).messageId(idPrefix + i).build()
                            : Message.of(topic, value);
                    if (producerOptions.acks == Acks.NONE) {
                        producer.sendOneway(message);
                        report.record(value.length, -1);
                        continue;
                    }
                    long sentNs = System.nanoTime();
                    producer.send(message).whenComplete((result, failure) -> {
                        if (failure == null) {
                            report.record(value.length, System.nanoTime() - sentNs);
                        } else {
                            report.error();
                        }
                    });
                }
                producer.flush();
            } finally {
                ticker.shutdownNow();
            }
            report.tick();
            report.summary(spec.commandLine().getOut(), System.nanoTime());
            return report.errors() == 0 ? 0 : 1;
        }
    }

    @Command(name = "consume", mixinStandardHelpOptions = true,
            description = "Read messages from the start of the topic with a new group and report throughput.")
    static final class Consume implements Callable<Integer> {
        @Mixin
        Workload workload;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            PerfReport report = new PerfReport("consume", err);
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(workload.seconds);
            ScheduledExecutorService ticker = ticker(report);
            try (Consumer consumer = Consumer.create(ConsumerConfig.builder(workload.client.bootstrap()).clientId("sluice-perf")
                    .group("sluice-perf-" + UUID.randomUUID()).ackMode(AckMode.MANUAL)
                    .autoOffsetReset(OffsetReset.EARLIEST).build())) {
                consumer.subscribe(workload.topic);
                long idleSinceNs = System.nanoTime();
                while (report.messages() < workload.messages && System.nanoTime() < deadlineNs) {
                    List<ReceivedMessage> messages = consumer.poll(Duration.ofMillis(500));
                    for (ReceivedMessage message : messages) {
                        report.record(message.value().length, -1);
                    }
                    if (!messages.isEmpty()) {
                        idleSinceNs = System.nanoTime();
                    } else if (System.nanoTime() - idleSinceNs > TimeUnit.SECONDS.toNanos(10)) {
                        err.println("no message for 10 s: stopping");
                        break;
                    }
                }
            } finally {
                ticker.shutdownNow();
            }
            report.tick();
            report.summary(spec.commandLine().getOut(), System.nanoTime());
            return 0;
        }
    }

    @Command(name = "e2e", mixinStandardHelpOptions = true,
            description = "Send at a fixed rate and measure the time from send to receipt (one process: one clock).")
    static final class EndToEnd implements Callable<Integer> {
        @Mixin
        Workload workload;

        @Mixin
        ProducerOptions producerOptions;

        @Option(names = "--rate", defaultValue = "5000", description = "Messages per second (default ${DEFAULT-VALUE}).")
        long rate;

        @Option(names = "--warmup-messages", defaultValue = "-1",
                description = "Leading messages left out of the latency figures (default: one second's worth).")
        long warmupMessages;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter err = spec.commandLine().getErr();
            if (workload.size < Long.BYTES) {
                throw new IllegalArgumentException("--size must be at least 8: the send time travels in the value");
            }
            workload.createTopics(err);
            long warmup = warmupMessages >= 0 ? warmupMessages : rate;
            PerfReport report = new PerfReport("e2e", err);
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(workload.seconds);
            ScheduledExecutorService ticker = ticker(report);
            try (Consumer consumer = Consumer.create(ConsumerConfig.builder(workload.client.bootstrap()).clientId("sluice-perf")
                    .group("sluice-perf-" + UUID.randomUUID()).ackMode(AckMode.MANUAL)
                    .autoOffsetReset(OffsetReset.LATEST).fetchMaxWaitMs(500).build());
                    Producer producer = producerOptions.create(workload.client.bootstrap())) {
                consumer.subscribe(workload.topic);
                consumer.poll(Duration.ofSeconds(2)); // join the group and take positions before the first send
                Thread sender = new Thread(() -> send(producer, deadlineNs), "sluice-perf-sender");
                sender.start();
                long received = 0;
                while (received < workload.messages && System.nanoTime() < deadlineNs) {
                    for (ReceivedMessage message : consumer.poll(Duration.ofMillis(200))) {
                        long latencyNs = System.nanoTime() - ByteBuffer.wrap(message.value()).getLong();
                        received++;
                        report.record(message.value().length, received > warmup ? latencyNs : -1);
                    }
                }
                sender.join();
            } finally {
                ticker.shutdownNow();
            }
            report.tick();
            report.summary(spec.commandLine().getOut(), System.nanoTime());
            return 0;
        }

        private void send(Producer producer, long deadlineNs) {
            byte[] padding = new byte[workload.size - Long.BYTES];
            long startNs = System.nanoTime();
            for (long i = 0; i < workload.messages && System.nanoTime() < deadlineNs; i++) {
                pace(startNs, i, rate);
                byte[] value = ByteBuffer.allocate(workload.size).putLong(System.nanoTime()).put(padding).array();
                try {
                    producer.send(Message.of(workload.topic, value));
                } catch (SluiceException e) {
                    spec.commandLine().getErr().println("send failed: " + Errors.describe(e));
                    return;
                }
            }
            producer.flush();
        }
    }

    /** Waits until message {@code index} is due at {@code rate} per second (0: no wait). */
    static void pace(long startNs, long index, long rate) {
        if (rate <= 0) {
            return;
        }
        long dueNs = startNs + index * 1_000_000_000L / rate;
        long waitNs;
        while ((waitNs = dueNs - System.nanoTime()) > 0) {
            LockSupport.parkNanos(waitNs);
        }
    }

    private static ScheduledExecutorService ticker(PerfReport report) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sluice-perf-progress");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(report::tick, 1, 1, TimeUnit.SECONDS);
        return ticker;
    }
}
