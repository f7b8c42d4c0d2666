package dev.sluice.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testsupport.ThreadLeakCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Random sequences of joins, heartbeats, leaves and clock ticks (with session expiry) against a
 * real broker, with clients that obey revocation (a client owns exactly what its last answer gave
 * it). Invariants: after every step no queue is owned by two live members, and what a client owns
 * is what the broker thinks it claims; after quiescence (every live member heartbeats until nothing
 * changes) every queue is owned by exactly one live member and the shares differ by at most one.
 * jqwik prints the seed of a failing sequence and shrinks it. Tries: {@code jqwik.tries.default}.
 */
class GroupAssignmentPropertyTest {
    private static final int SESSION_MS = 10_000;
    private static final int QUIESCENCE_ROUNDS_MAX = 10;

    sealed interface Action permits Join, Heartbeat, Leave, Tick {}

    record Join() implements Action {}

    record Heartbeat(int member) implements Action {}

    record Leave(int member) implements Action {}

    record Tick(int ms) implements Action {}

    private Path directory;
    private Set<Thread> threadsBefore;

    @BeforeTry
    void createDirectory() throws IOException {
        threadsBefore = ThreadLeakCheck.liveThreads();
        directory = Files.createTempDirectory("sluice-groups");
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
        Arbitrary<Action> join = Arbitraries.just(new Join());
        Arbitrary<Action> heartbeat = Arbitraries.integers().between(0, 7).map(Heartbeat::new);
        Arbitrary<Action> leave = Arbitraries.integers().between(0, 7).map(Leave::new);
        Arbitrary<Action> tick = Arbitraries.integers().between(0, SESSION_MS * 3 / 2).map(Tick::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, join), net.jqwik.api.Tuple.of(8, heartbeat),
                net.jqwik.api.Tuple.of(1, leave), net.jqwik.api.Tuple.of(2, tick))
                .list().ofMinSize(1).ofMaxSize(60);
    }

    @Property
    void noQueueIsEverOwnedTwiceAndQuiescenceIsEvenAndComplete(@ForAll @IntRange(min = 1, max = 9) int queueCount,
            @ForAll("actions") List<Action> actions) {
        ManualClock clock = new ManualClock(TestBrokers.START_MS);
        try (Broker broker = Broker.open(TestBrokers.config(directory).build(), clock)) {
            broker.createTopic(TopicSpec.of("orders", queueCount));
            Clients clients = new Clients(broker.groups());
            for (Action action : actions) {
                clients.apply(action, clock, broker);
                clients.checkNoQueueOwnedTwice();
            }
            clients.quiesce();
            clients.checkCompleteAndEven(queueCount);
        }
    }

    /** The simulated clients: each owns exactly what its last heartbeat answer assigned. */
    private static final class Clients {
        private final GroupCoordinator groups;
        private final Map<String, Set<Integer>> owned = new LinkedHashMap<>();

        Clients(GroupCoordinator groups) {
            this.groups = groups;
        }

        void apply(Action action, ManualClock clock, Broker broker) {
            List<String> ids = new ArrayList<>(owned.keySet());
            if (action instanceof Join) {
                HeartbeatResult result = groups.heartbeat(request("", Set.of()));
                owned.put(result.memberId(), new TreeSet<>(result.assignedQueues()));
            } else if (action instanceof Heartbeat heartbeat && !ids.isEmpty()) {
                heartbeat(ids.get(heartbeat.member() % ids.size()));
            } else if (action instanceof Leave leave && !ids.isEmpty()) {
                String id = ids.get(leave.member() % ids.size());
                groups.leave("g", id);
                owned.remove(id);
            } else if (action instanceof Tick tick) {
                clock.advance(tick.ms());
                broker.expireSessions();
                // An expired member is fenced: whatever it still consumes, it can no longer commit.
                Set<String> live = liveMembers();
                owned.keySet().retainAll(live);
            }
        }

        private void heartbeat(String id) {
            try {
                HeartbeatResult result = groups.heartbeat(request(id, owned.get(id)));
                owned.put(id, new TreeSet<>(result.assignedQueues()));
            } catch (BrokerException e) {
                assertThat(e.error()).isEqualTo(BrokerError.UNKNOWN_MEMBER);
                owned.remove(id);
            }
        }

        private static HeartbeatRequest request(String memberId, Set<Integer> ownedQueues) {
            return new HeartbeatRequest("g", "orders", memberId, "client", "host", SESSION_MS, ownedQueues);
        }

        private Set<String> liveMembers() {
            Set<String> live = new HashSet<>();
            for (GroupMember member : groups.describe("g").members()) {
                live.add(member.memberId());
            }
            return live;
        }

        void checkNoQueueOwnedTwice() {
            Map<Integer, String> owners = new HashMap<>();
            for (Map.Entry<String, Set<Integer>> client : owned.entrySet()) {
                for (int queue : client.getValue()) {
                    String previous = owners.put(queue, client.getKey());
                    assertThat(previous).as("queue %d owned by %s and %s", queue, previous, client.getKey()).isNull();
                }
            }
            Map<String, List<Integer>> claims = new HashMap<>();
            for (GroupMember member : groups.describe("g").members()) {
                claims.put(member.memberId(), member.queues());
            }
            for (Map.Entry<String, Set<Integer>> client : owned.entrySet()) {
                assertThat(claims.get(client.getKey())).as("broker's claim of %s", client.getKey())
                        .containsAll(client.getValue());
            }
        }

        void quiesce() {
            for (int round = 0; round < QUIESCENCE_ROUNDS_MAX; round++) {
                Map<String, Set<Integer>> before = new HashMap<>(owned);
                for (String id : new ArrayList<>(owned.keySet())) {
                    heartbeat(id);
                    checkNoQueueOwnedTwice();
                }
                if (before.equals(owned)) {
                    return;
                }
            }
            throw new AssertionError("no quiescence after " + QUIESCENCE_ROUNDS_MAX + " rounds: " + owned);
        }

        void checkCompleteAndEven(int queueCount) {
            if (owned.isEmpty()) {
                return;
            }
            Set<Integer> all = new TreeSet<>();
            owned.values().forEach(all::addAll);
            assertThat(all).hasSize(queueCount);
            int share = queueCount / owned.size();
            assertThat(owned.values()).allSatisfy(queues -> assertThat(queues.size()).isBetween(share, share + 1));
        }
    }
}
