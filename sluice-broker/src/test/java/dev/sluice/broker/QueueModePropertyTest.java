package dev.sluice.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.record.Compression;
import dev.sluice.record.Record;
import dev.sluice.record.RecordBatchBuilder;
import dev.sluice.record.RecordBatchReader;
import dev.sluice.record.ReservedHeaders;
import dev.sluice.testsupport.ThreadLeakCheck;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Random interleavings of receives, acks, nacks (with and without delay), rejects, renewals, clock
 * ticks (visibility timeouts running out), sweeps and broker restarts against a real broker, over a small topic of
 * {@value #RECORD_COUNT} keyed records, with and without message groups. A model of what the test
 * client holds checks after every step: no offset is acquired by two live deliveries at once; each
 * delivery's count is exactly one more than the offset's previous delivery and never above
 * maxAttempts; nothing finished (acked or dead-lettered) comes back; with message groups, an offset is
 * delivered only after every earlier offset of its key is finished; every acknowledgement is applied
 * exactly when its delivery is still live (else DELIVERY_EXPIRED). At the end the test drains the
 * group: every offset is acked or in the dead-letter topic, never both, never twice. jqwik prints
 * the seed of a failing sequence and shrinks it. Tries: {@code jqwik.tries.default}.
 */
class QueueModePropertyTest {
    static final int RECORD_COUNT = 8;
    static final int MAX_ATTEMPTS = 3;
    static final long VISIBILITY_MS = 5_000;
    static final String TOPIC = "tasks";
    static final String DEAD_LETTERS = "tasks-dead";
    private static final String[] KEYS = {"a", "b", "a", null, "c", "a", "b", null};

    sealed interface Action permits Receive, Ack, Nack, Reject, Renew, Tick, Sweep, Reopen {}

    record Receive(int maxMessages) implements Action {}

    record Ack(int pick) implements Action {}

    record Nack(int pick, long delayMs) implements Action {}

    record Reject(int pick) implements Action {}

    record Renew(int pick) implements Action {}

    record Tick(long ms) implements Action {}

    record Sweep() implements Action {}

    record Reopen() implements Action {}

    private Path directory;
    private Set<Thread> threadsBefore;

    @BeforeTry
    void createDirectory() throws IOException {
        threadsBefore = ThreadLeakCheck.liveThreads();
        directory = Files.createTempDirectory("sluice-queue-mode");
    }

    @AfterTry
    void deleteDirectory() throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        new ThreadLeakCheck().assertNoLeakedThreads(threadsBefore);
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 15);
        Arbitrary<Action> receive = Arbitraries.integers().between(1, 4).map(Receive::new);
        Arbitrary<Action> ack = pick.map(Ack::new);
        Arbitrary<Action> nack = Arbitraries.of(0L, 1_000L, 7_000L).flatMap(delay -> pick.map(p -> new Nack(p, delay)));
        Arbitrary<Action> reject = pick.map(Reject::new);
        Arbitrary<Action> renew = pick.map(Renew::new);
        Arbitrary<Action> tick = Arbitraries.longs().between(0, 12_000).map(Tick::new);
        Arbitrary<Action> sweep = Arbitraries.just(new Sweep());
        Arbitrary<Action> reopen = Arbitraries.just(new Reopen());
        return Arbitraries.frequencyOf(Tuple.of(5, receive), Tuple.of(4, ack), Tuple.of(3, nack), Tuple.of(1, reject),
                Tuple.of(1, renew), Tuple.of(3, tick), Tuple.of(1, sweep), Tuple.of(1, reopen))
                .list().ofMinSize(1).ofMaxSize(60);
    }

    @Property
    void deliveriesKeepTheInvariantsAndEveryRecordEndsAckedOrDeadLettered(@ForAll boolean messageGroups,
            @ForAll("actions") List<Action> actions) throws Exception {
        ManualClock clock = new ManualClock(TestBrokers.START_MS);
        Client client = new Client(() -> Broker.open(TestBrokers.config(directory).build(), clock), clock,
                new QueueGroupSettings(MAX_ATTEMPTS, DEAD_LETTERS, messageGroups));
        try {
            client.broker.createTopic(TopicSpec.of(TOPIC, 1));
            RecordBatchBuilder builder = RecordBatchBuilder.create(Compression.NONE, TestBrokers.START_MS);
            for (String key : KEYS) {
                builder.append(TestBrokers.START_MS, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        "v".getBytes(StandardCharsets.UTF_8), List.of());
            }
            client.broker.produce(TOPIC, 0, builder.build(), Acks.LEADER).join();
            for (Action action : actions) {
                client.apply(action);
            }
            client.drain();
        } finally {
            client.broker.close();
        }
    }

    /** The test client and its model of the group. */
    private static final class Client {
        private final Supplier<Broker> opener;
        private Broker broker;
        private final ManualClock clock;
        private final QueueGroupSettings settings;
        /** Deliveries the client holds, not yet acknowledged (some may have expired). */
        private final List<Held> held = new ArrayList<>();
        private final Map<Long, Integer> lastCount = new HashMap<>();
        /** Offsets acked, or known to be dead-lettered (nacked or expired at maxAttempts, or rejected). */
        private final Set<Long> finished = new HashSet<>();
        private final Set<Long> acked = new HashSet<>();

        private record Held(long offset, int count, long deadlineMs) {}

        Client(Supplier<Broker> opener, ManualClock clock, QueueGroupSettings settings) {
            this.opener = opener;
            this.broker = opener.get();
            this.clock = clock;
            this.settings = settings;
        }

        void apply(Action action) throws Exception {
            if (action instanceof Receive receive) {
                receive(receive.maxMessages());
            } else if (action instanceof Tick tick) {
                clock.advance(tick.ms());
                noteExpiries();
            } else if (action instanceof Sweep) {
                broker.sweepQueueGroups();
            } else if (action instanceof Reopen) {
                // Close and open again: deliveries held, counts and deadlines must all carry over.
                broker.close();
                broker = opener.get();
            } else if (!held.isEmpty()) {
                Held target = held.get(pickOf(action) % held.size());
                QueueAck ack;
                if (action instanceof Ack) {
                    ack = QueueAck.ack(0, target.offset(), target.count());
                } else if (action instanceof Nack nack) {
                    ack = QueueAck.nack(0, target.offset(), target.count(), nack.delayMs());
                } else if (action instanceof Reject) {
                    ack = QueueAck.reject(0, target.offset(), target.count(), "property");
                } else {
                    ack = QueueAck.renew(0, target.offset(), target.count(), VISIBILITY_MS);
                }
                acknowledge(target, ack);
            }
        }

        private static int pickOf(Action action) {
            if (action instanceof Ack ack) {
                return ack.pick();
            } else if (action instanceof Nack nack) {
                return nack.pick();
            } else if (action instanceof Reject reject) {
                return reject.pick();
            } else if (action instanceof Renew renew) {
                return renew.pick();
            }
            return 0;
        }

        private void noteExpiries() {
            long nowMs = clock.getAsLong();
            for (Held delivery : held) {
                if (delivery.deadlineMs() <= nowMs && delivery.count() >= MAX_ATTEMPTS) {
                    finished.add(delivery.offset());
                }
            }
        }

        List<Long> receive(int maxMessages) throws Exception {
            QueueReceiveResult result = broker.queueGroups().receive(new QueueReceiveRequest("g", TOPIC, settings,
                    maxMessages, 1 << 20, VISIBILITY_MS, 0)).get(10, TimeUnit.SECONDS);
            long nowMs = clock.getAsLong();
            List<Long> received = new ArrayList<>();
            for (QueueDeliveries queue : result.queues()) {
                for (QueueDelivery delivery : queue.deliveries()) {
                    long offset = delivery.offset();
                    assertThat(delivery.deliveryCount()).as("count of offset %d", offset)
                            .isEqualTo(lastCount.getOrDefault(offset, 0) + 1).isLessThanOrEqualTo(MAX_ATTEMPTS);
                    assertThat(finished).as("offset %d delivered after it finished", offset).doesNotContain(offset);
                    for (Held other : held) {
                        assertThat(other.offset() == offset && other.deadlineMs() > nowMs)
                                .as("offset %d acquired twice at once", offset).isFalse();
                    }
                    if (settings.messageGroups() && KEYS[(int) offset] != null) {
                        for (int earlier = 0; earlier < offset; earlier++) {
                            if (KEYS[(int) offset].equals(KEYS[earlier])) {
                                assertThat(finished).as("offset %d (key %s) before earlier offset %d finished", offset,
                                        KEYS[(int) offset], earlier).contains((long) earlier);
                            }
                        }
                    }
                    held.removeIf(other -> other.offset() == offset);
                    held.add(new Held(offset, delivery.deliveryCount(), nowMs + VISIBILITY_MS));
                    lastCount.put(offset, delivery.deliveryCount());
                    received.add(offset);
                }
            }
            return received;
        }

        private void acknowledge(Held target, QueueAck ack) throws Exception {
            QueueAckResult result = broker.queueGroups().acknowledge("g", TOPIC, List.of(ack)).get(10, TimeUnit.SECONDS)
                    .get(0);
            boolean live = target.deadlineMs() > clock.getAsLong();
            assertThat(result.error()).as("%s of a %s delivery", ack.type(), live ? "live" : "expired")
                    .isEqualTo(live ? null : BrokerError.DELIVERY_EXPIRED);
            if (!live) {
                held.remove(target);
                return;
            }
            switch (ack.type()) {
                case ACK -> {
                    finished.add(target.offset());
                    acked.add(target.offset());
                    held.remove(target);
                }
                case NACK -> {
                    if (target.count() >= MAX_ATTEMPTS) {
                        finished.add(target.offset());
                    }
                    held.remove(target);
                }
                case REJECT -> {
                    finished.add(target.offset());
                    held.remove(target);
                }
                case RENEW -> held.set(held.indexOf(target),
                        new Held(target.offset(), target.count(), clock.getAsLong() + VISIBILITY_MS));
            }
        }

        /** Acks everything from now on until the group is done; then checks every offset's fate. */
        void drain() {
            // Dead letters complete on the broker's threads: Awaitility repeats rounds until the group is done.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> drainRound() == RECORD_COUNT);
            List<Long> deadLettered = new ArrayList<>();
            if (broker.topics().stream().anyMatch(topic -> topic.name().equals(DEAD_LETTERS))) {
                FetchResult read = broker.read(DEAD_LETTERS, 0, 0, 1 << 20);
                for (ByteBuffer batch : read.batches()) {
                    for (Record record : RecordBatchReader.records(batch, batch.position())) {
                        Map<String, String> headers = new HashMap<>();
                        record.headers().forEach(header -> headers.put(header.key(),
                                StandardCharsets.UTF_8.decode(Objects.requireNonNull(header.value())).toString()));
                        deadLettered.add(Long.parseLong(headers.get(ReservedHeaders.DLQ_OFFSET)));
                        assertThat(Integer.parseInt(headers.get(ReservedHeaders.DLQ_DELIVERY_COUNT)))
                                .isBetween(1, MAX_ATTEMPTS);
                    }
                }
            }
            assertThat(deadLettered).as("dead-lettered once each").doesNotHaveDuplicates();
            assertThat(deadLettered).as("acked and dead-lettered").doesNotContainAnyElementsOf(acked);
            Set<Long> all = new HashSet<>(acked);
            all.addAll(deadLettered);
            assertThat(all).hasSize(RECORD_COUNT);
        }

        private long drainRound() throws Exception {
            clock.advance(60_000);
            noteExpiries();
            held.clear();
            broker.sweepQueueGroups();
            receive(RECORD_COUNT);
            for (Held delivery : new ArrayList<>(held)) {
                acknowledge(delivery, QueueAck.ack(0, delivery.offset(), delivery.count()));
            }
            return startOffset();
        }

        private long startOffset() {
            return broker.queueGroups().describe("g").queues().get(0).startOffset();
        }
    }
}
