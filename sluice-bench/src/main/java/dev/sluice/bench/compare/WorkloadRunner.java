package dev.sluice.bench.compare;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs workloads through one {@link MessagingSystem}, the same way for every system: creates the
 * workload's topics, runs it, deletes them, and reads the broker's peak RSS over the run. Used by
 * one thread.
 */
public final class WorkloadRunner {
    private static final Duration CONSUME_POLL = Duration.ofMillis(100);
    /** The latency consumer's grace after the last scheduled send. */
    private static final Duration LATENCY_GRACE = Duration.ofSeconds(10);

    private final MessagingSystem system;
    private final ProducerSettings producerSettings;
    /** Consume workloads' topics, written once before their first round: id to topic and count. */
    private final Map<String, Prefilled> prefilled = new HashMap<>();
    private final byte[] randomBytes = new byte[64 * 1024];

    private record Prefilled(String topic, long messageCount) {}

    /** @param producerSettings batching for every producer; each workload sets its own ack */
    public WorkloadRunner(MessagingSystem system, ProducerSettings producerSettings) {
        this.system = system;
        this.producerSettings = producerSettings;
        new Random(42).nextBytes(randomBytes);
    }

    /** Runs one workload once; a failure is returned as a failed result, not thrown. */
    public WorkloadResult run(Workload workload, int round) {
        try {
            if (workload instanceof ConsumeWorkload consume) {
                prefill(consume); // before the RSS window: writing is not what this workload measures
            }
            system.resetBrokerPeakRss();
            WorkloadResult result;
            if (workload instanceof ProduceWorkload produce) {
                result = runProduce(produce, round);
            } else if (workload instanceof LatencyWorkload latency) {
                result = runLatency(latency, round);
            } else {
                result = runConsume((ConsumeWorkload) workload, round);
            }
            return result;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return WorkloadResult.failed(workload, system.name(), round, e);
        }
    }

    /** Deletes topics kept across rounds (consume workloads' data). */
    public void cleanUp() throws Exception {
        List<String> topics = new ArrayList<>();
        prefilled.values().forEach(p -> topics.add(p.topic()));
        prefilled.clear();
        if (!topics.isEmpty()) {
            system.deleteTopics(topics);
        }
    }

    private WorkloadResult runProduce(ProduceWorkload workload, int round) throws Exception {
        List<TopicSpec> specs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < workload.topicCount(); i++) {
            String name = "r" + round + "-" + workload.id() + "-" + i;
            specs.add(new TopicSpec(name, workload.queueCount(), workload.ack() == Ack.DURABLE));
            names.add(name);
        }
        system.createTopics(specs);
        try {
            ProducerSettings settings = producerSettings.withAck(workload.ack());
            SendLoop.Outcome outcome;
            try (MessageProducer producer = system.newProducer(settings)) {
                producer.prepare(names);
                outcome = SendLoop.run(producer, names, workload.queueCount(), value(workload.valueBytes()),
                        workload.messageCount(), workload.timeLimit(), settings.bufferBytes());
            }
            return new WorkloadResult(workload.id(), system.name(), round, outcome.ackedCount(),
                    outcome.ackedCount() * workload.valueBytes(), outcome.elapsedNs(), outcome.errorCount(),
                    outcome.firstError(), outcome.hitTimeLimit(), null, system.brokerPeakRssBytes());
        } finally {
            system.deleteTopics(names);
        }
    }

    private WorkloadResult runLatency(LatencyWorkload workload, int round) throws Exception {
        String topic = "r" + round + "-" + workload.id();
        system.createTopics(List.of(new TopicSpec(topic, workload.queueCount(), workload.ack() == Ack.DURABLE)));
        try (MessageProducer producer = system.newProducer(producerSettings.withAck(workload.ack()));
                MessageConsumer consumer = system.newConsumer(
                        new ConsumerSettings(List.of(topic), ConsumerSettings.StartPosition.LATEST))) {
            producer.prepare(List.of(topic));
            long startNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
            long deadlineNs = startNs + workload.timeLimit().toNanos();
            LatencyRecorder recorder = new LatencyRecorder(consumer, workload.warmUpCount(), workload.messageCount(),
                    deadlineNs + LATENCY_GRACE.toNanos());
            Thread consumerThread = new Thread(recorder, "latency-consumer");
            consumerThread.start();
            AtomicLong errors = new AtomicLong();
            AtomicReference<Throwable> firstError = new AtomicReference<>();
            MessageProducer.Completion completion = error -> {
                if (error != null) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, error);
                }
            };
            long sent = sendOnSchedule(producer, topic, workload, startNs, deadlineNs, completion);
            producer.flush();
            recorder.expect(sent);
            consumerThread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()
                    + LATENCY_GRACE.toNanos())));
            recorder.stop();
            consumerThread.join();
            long elapsedNs = System.nanoTime() - startNs;
            Throwable error = recorder.failure() != null ? recorder.failure() : firstError.get();
            long received = recorder.receivedCount();
            return new WorkloadResult(workload.id(), system.name(), round, received,
                    received * workload.valueBytes(), elapsedNs, errors.get() + (sent - received),
                    error == null ? null : error.toString(),
                    sent < workload.messageCount(), recorder.summary(), system.brokerPeakRssBytes());
        } finally {
            system.deleteTopics(List.of(topic));
        }
    }

    /** Sends message i at startNs + i / rate; returns how many were sent before the deadline. */
    private static long sendOnSchedule(MessageProducer producer, String topic, LatencyWorkload workload,
            long startNs, long deadlineNs, MessageProducer.Completion completion) {
        long intervalNs = TimeUnit.SECONDS.toNanos(1) / workload.messagesPerSecond();
        long sent = 0;
        while (sent < workload.messageCount()) {
            long scheduledNs = startNs + sent * intervalNs;
            long nowNs;
            while ((nowNs = System.nanoTime()) < scheduledNs) {
                LockSupport.parkNanos(scheduledNs - nowNs);
            }
            if (nowNs > deadlineNs) {
                break;
            }
            // A new array each time: a client may keep the reference until its batch is sent.
            byte[] value = new byte[workload.valueBytes()];
            ByteBuffer.wrap(value).putLong(scheduledNs).putLong(sent);
            producer.send(topic, (int) (sent % workload.queueCount()), value, completion);
            sent++;
        }
        return sent;
    }

    private void prefill(ConsumeWorkload workload) throws Exception {
        if (prefilled.containsKey(workload.id())) {
            return;
        }
        String topic = "fill-" + workload.id();
        system.createTopics(List.of(new TopicSpec(topic, workload.queueCount(), false)));
        ProducerSettings settings = producerSettings.withAck(Ack.LEADER);
        SendLoop.Outcome outcome;
        try (MessageProducer producer = system.newProducer(settings)) {
            producer.prepare(List.of(topic));
            // Writing may take longer than reading: allow it four time limits.
            outcome = SendLoop.run(producer, List.of(topic), workload.queueCount(), value(workload.valueBytes()),
                    workload.messageCount(), workload.timeLimit().multipliedBy(4), settings.bufferBytes());
        }
        if (outcome.errorCount() > 0 || outcome.ackedCount() == 0) {
            throw new IllegalStateException("prefill of " + topic + " failed: " + outcome);
        }
        prefilled.put(workload.id(), new Prefilled(topic, outcome.ackedCount()));
    }

    private WorkloadResult runConsume(ConsumeWorkload workload, int round) throws Exception {
        Prefilled source = prefilled.get(workload.id());
        long received = 0;
        long bytes = 0;
        long startNs;
        long lastNs;
        try (MessageConsumer consumer = system.newConsumer(
                new ConsumerSettings(List.of(source.topic()), ConsumerSettings.StartPosition.EARLIEST))) {
            long[] counts = new long[2];
            MessageConsumer.Handler handler = (topic, queue, value) -> {
                counts[0]++;
                counts[1] += value.length;
            };
            startNs = System.nanoTime();
            long deadlineNs = startNs + workload.timeLimit().toNanos();
            lastNs = startNs;
            while (counts[0] < source.messageCount() && System.nanoTime() < deadlineNs) {
                if (consumer.poll(CONSUME_POLL, handler) > 0) {
                    lastNs = System.nanoTime();
                }
            }
            received = counts[0];
            bytes = counts[1];
        }
        return new WorkloadResult(workload.id(), system.name(), round, received, bytes, lastNs - startNs, 0, null,
                received < source.messageCount(), null, system.brokerPeakRssBytes());
    }

    private byte[] value(int valueBytes) {
        byte[] value = new byte[valueBytes];
        System.arraycopy(randomBytes, 0, value, 0, Math.min(valueBytes, randomBytes.length));
        return value;
    }
}
