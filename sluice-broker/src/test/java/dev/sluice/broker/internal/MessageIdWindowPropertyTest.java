package dev.sluice.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.storage.AppendResult;
import dev.sluice.storage.QueueId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The window against a model: random batches of ids (a small id space, so repeats are common, some
 * within one batch) on two topics, with clock ticks, appends that complete or fail, and a small
 * {@code idsMax}. The model keeps, per topic and id, when the id was stored and whether its append
 * succeeded, in insertion order with the same bound (applied after each batch). Each record's verdict (kept or duplicate of
 * which queue and offset) must match. jqwik prints the seed of a failing sequence and shrinks it.
 */
class MessageIdWindowPropertyTest {
    private static final long WINDOW_MS = 1_000;
    private static final int IDS_MAX = 12;

    record Step(String topic, int queue, List<String> ids, int tickMs, boolean fails) {}

    private record Stored(int queue, long offset, long deadlineMs) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<String> id = Arbitraries.integers().between(0, 20).map(i -> i == 0 ? null : "id-" + i);
        Arbitrary<Step> step = net.jqwik.api.Combinators.combine(
                Arbitraries.of("orders", "audit"),
                Arbitraries.integers().between(0, 2),
                id.list().ofMinSize(1).ofMaxSize(6),
                Arbitraries.integers().between(0, 600),
                Arbitraries.integers().between(0, 9).map(i -> i == 0))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 300)
    void verdictsMatchAModelWithWindowAndBound(@ForAll("steps") List<Step> steps) {
        MessageIdWindow window = new MessageIdWindow(IDS_MAX);
        LinkedHashMap<String, Stored> model = new LinkedHashMap<>();
        Map<String, Long> nextOffset = new HashMap<>();
        long nowMs = 0;
        for (Step step : steps) {
            nowMs += step.tickMs();
            String[] ids = step.ids().toArray(new String[0]);
            CompletableFuture<AppendResult> append = new CompletableFuture<>();
            MessageIdWindow.Check check = window.check(step.topic(), step.queue(), ids, nowMs, WINDOW_MS, append);

            // The model's verdicts, entering new ids as the window does.
            String queueKey = step.topic() + "/" + step.queue();
            long base = nextOffset.getOrDefault(queueKey, 0L);
            List<Stored> expectedDuplicates = new ArrayList<>();
            List<String> entered = new ArrayList<>();
            int kept = 0;
            for (String id : ids) {
                if (id == null) {
                    kept++;
                    continue;
                }
                String key = step.topic() + "/" + id;
                Stored found = model.get(key);
                if (found != null && found.deadlineMs() > nowMs) {
                    expectedDuplicates.add(found);
                    continue;
                }
                model.remove(key);
                model.put(key, new Stored(step.queue(), base + kept, nowMs + WINDOW_MS));
                entered.add(key);
                kept++;
            }
            // The bound is applied once the batch is entered: an id cannot leave before the batch that needs it ends.
            while (model.size() > IDS_MAX) {
                model.remove(model.keySet().iterator().next());
            }
            assertThat(check.keptCount()).isEqualTo(kept);
            assertThat(check.duplicates()).hasSameSizeAs(expectedDuplicates);

            if (step.fails() && kept > 0) {
                window.onAppendFailed(step.topic(), ids, append);
                append.completeExceptionally(new IllegalStateException("disk"));
                for (String key : entered) {
                    Stored stored = model.get(key);
                    if (stored != null && stored.queue() == step.queue() && stored.offset() >= base) {
                        model.remove(key);
                    }
                }
            } else {
                append.complete(new AppendResult(new QueueId(step.topic(), step.queue()), base, base + kept - 1, -1,
                        nowMs));
                nextOffset.put(queueKey, base + kept);
            }
            for (int i = 0; i < check.duplicates().size(); i++) {
                MessageIdWindow.Entry original = check.duplicates().get(i).original();
                Stored expected = expectedDuplicates.get(i);
                assertThat(original.queue()).isEqualTo(expected.queue());
                assertThat(original.append()).isDone();
                if (!original.append().isCompletedExceptionally()) {
                    assertThat(original.offset(original.append().join())).isEqualTo(expected.offset());
                }
            }
            assertThat(window.stats().idsKept()).isLessThanOrEqualTo(IDS_MAX);
        }
    }
}
