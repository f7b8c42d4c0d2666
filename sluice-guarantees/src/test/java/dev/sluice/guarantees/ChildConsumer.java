package dev.sluice.guarantees;

import dev.sluice.client.AckMode;
import dev.sluice.client.DeliveryMode;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.ReceivedMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * A consumer group member for a child JVM, which a test kills with {@code kill -9} at a chosen
 * point. Its "processing" of a message is printing it: a message counts as processed once its
 * {@code D} line is out (stdout flushes every line), so the test sees exactly what was processed
 * before the kill.
 *
 * <p>Arguments, {@code key=value}: {@code bootstrap}, {@code topic}, {@code group}, {@code deliveryMode}
 * ({@link DeliveryMode} name) or {@code ackMode} ({@link AckMode} name), {@code maxPoll}, {@code sessionMs}, {@code stopFile} (a graceful stop:
 * once the file exists the member finishes its batch, closes its consumer — commit per the ack
 * mode, leave — prints {@code CLOSED} and exits 0), {@code commit} ({@code auto}: only what the ack
 * mode commits; {@code explicit}: also {@code commit(offsets)} after each batch, printed before
 * and after), {@code crash}, {@code crashAfter} and {@code crashFile} (optional: the crash point is
 * reached only once this file exists, so the test picks the moment):
 * <ul>
 *   <li>{@code crash=none}: runs until the stop file appears.
 *   <li>{@code crash=mid-batch}: once it has processed {@code crashAfter} messages, in the next
 *       batch of at least two it processes the first half only, prints the rest as {@code
 *       SKIPPED} (not processed) and the crash point, then waits to be killed.
 *   <li>{@code crash=after-batch}: once it has processed {@code crashAfter} messages, at the end of
 *       that batch it prints the crash point and waits to be killed — before its next {@code
 *       poll}, so under {@link AckMode#AFTER_PROCESSING} before that batch is committed.
 * </ul>
 *
 * <p>Output lines ({@code nanoTime} is {@link System#nanoTime()}, on Linux {@code
 * CLOCK_MONOTONIC}, which all processes of the machine share: lines of different children can be
 * ordered by it):
 * <pre>
 * ASSIGNED &lt;queue,queue,...&gt;                       after a poll that changed the assignment
 * BATCH &lt;nanoTime&gt; &lt;size&gt;                           a poll returned size messages
 * D &lt;nanoTime&gt; &lt;queue&gt; &lt;offset&gt; &lt;key&gt; &lt;value&gt;      processed (key "-" if none)
 * SKIPPED &lt;queue&gt; &lt;offset&gt; &lt;key&gt; &lt;value&gt;           received, not processed (mid-batch crash)
 * CS &lt;nanoTime&gt; &lt;queue&gt;:&lt;offset&gt;,...               explicit commit about to be sent
 * CD &lt;nanoTime&gt; &lt;queue&gt;:&lt;offset&gt;,...               explicit commit acknowledged
 * CF &lt;nanoTime&gt; &lt;error&gt;                            explicit commit failed
 * CRASH-POINT &lt;mode&gt; batch=&lt;size&gt; processed=&lt;n&gt;    waiting for kill -9
 * CLOSED                                           closed gracefully
 * </pre>
 * Keys and values must not contain spaces. End of stdin (the parent died) halts it at once.
 */
public final class ChildConsumer {
    static final String CRASH_POINT = "CRASH-POINT";
    static final String CLOSED = "CLOSED";

    private ChildConsumer() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> arguments = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            arguments.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        watchParent();
        String crash = arguments.getOrDefault("crash", "none");
        long crashAfter = Long.parseLong(arguments.getOrDefault("crashAfter", "0"));
        Path crashFile = arguments.containsKey("crashFile") ? Path.of(arguments.get("crashFile")) : null;
        boolean explicitCommit = arguments.getOrDefault("commit", "auto").equals("explicit");
        Path stopFile = Path.of(arguments.get("stopFile"));
        ConsumerConfig.Builder builder = ConsumerConfig.builder(arguments.get("bootstrap"));
        if (arguments.containsKey("deliveryMode")) {
            builder.deliveryMode(DeliveryMode.valueOf(arguments.get("deliveryMode")));
        } else {
            builder.ackMode(AckMode.valueOf(arguments.get("ackMode")));
        }
        ConsumerConfig config = builder
                .group(arguments.get("group"))
                .clientId("child-" + ProcessHandle.current().pid())
                .autoOffsetReset(OffsetReset.EARLIEST)
                .maxPollMessages(Integer.parseInt(arguments.getOrDefault("maxPoll", "100")))
                .sessionTimeoutMs(Integer.parseInt(arguments.getOrDefault("sessionMs", "3000")))
                .fetchMaxWaitMs(200)
                .build();
        long processed = 0;
        Set<Integer> assignment = Set.of();
        Consumer consumer = Consumer.create(config);
        consumer.subscribe(arguments.get("topic"));
        while (!Files.exists(stopFile)) {
            List<ReceivedMessage> batch = consumer.poll(Duration.ofMillis(200));
            if (!consumer.assignment().equals(assignment)) {
                assignment = consumer.assignment();
                System.out.println("ASSIGNED " + new TreeSet<>(assignment).stream().map(String::valueOf)
                        .collect(Collectors.joining(",")));
            }
            if (batch.isEmpty()) {
                continue;
            }
            System.out.println("BATCH " + System.nanoTime() + " " + batch.size());
            if (crash.equals("mid-batch") && armed(processed, crashAfter, crashFile) && batch.size() >= 2) {
                int half = batch.size() / 2;
                batch.subList(0, half).forEach(ChildConsumer::process);
                batch.subList(half, batch.size())
                        .forEach(message -> System.out.println("SKIPPED " + describe(message)));
                waitForKill(crash + " batch=" + batch.size() + " processed=" + half);
            }
            batch.forEach(ChildConsumer::process);
            processed += batch.size();
            if (crash.equals("after-batch") && armed(processed, crashAfter, crashFile)) {
                waitForKill(crash + " batch=" + batch.size() + " processed=" + batch.size());
            }
            if (explicitCommit) {
                commit(consumer, batch);
            }
        }
        consumer.close();
        System.out.println(CLOSED);
    }

    /** Whether the crash point is reached: {@code crashAfter} processed, and the crash file exists if named. */
    private static boolean armed(long processed, long crashAfter, Path crashFile) {
        return processed >= crashAfter && (crashFile == null || Files.exists(crashFile));
    }

    private static void process(ReceivedMessage message) {
        System.out.println("D " + System.nanoTime() + " " + describe(message));
    }

    private static String describe(ReceivedMessage message) {
        String key = message.key() == null ? "-" : message.keyAsString();
        return message.queue() + " " + message.offset() + " " + key + " " + message.valueAsString();
    }

    /** Commits the positions after {@code batch}; a failure is printed, not thrown (the ack mode commits again). */
    private static void commit(Consumer consumer, List<ReceivedMessage> batch) {
        Map<Integer, Long> offsets = new TreeMap<>();
        batch.forEach(message -> offsets.merge(message.queue(), message.offset() + 1, Math::max));
        String listed = offsets.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(","));
        System.out.println("CS " + System.nanoTime() + " " + listed);
        try {
            consumer.commit(offsets);
            System.out.println("CD " + System.nanoTime() + " " + listed);
        } catch (RuntimeException e) {
            System.out.println("CF " + System.nanoTime() + " " + e.toString().replace('\n', ' '));
        }
    }

    /** Prints the crash point and blocks until the test kills this JVM (or its parent dies). */
    private static void waitForKill(String what) throws InterruptedException {
        System.out.println(CRASH_POINT + " " + what);
        new CountDownLatch(1).await();
    }

    /** A daemon thread that halts this JVM when stdin ends: the parent test died or closed it. */
    private static void watchParent() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // The parent never writes.
                }
            } catch (IOException e) {
                // Treated as end of stdin.
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
