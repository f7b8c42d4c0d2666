package dev.sluice.guarantees;

import dev.sluice.client.QueueMessage;
import dev.sluice.server.SluiceServer;
import dev.sluice.server.config.ServerConfigs;
import dev.sluice.server.config.Settings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the queue-mode guarantee tests share: the message format and the handling records. */
final class QueueGuarantees {
    /** The visibility timeout of every test consumer: a killed consumer's messages come back after it. */
    static final int VISIBILITY_TIMEOUT_MS = 5_000;

    private QueueGuarantees() {}

    /** A broker in this JVM on a free loopback port, HTTP off. */
    static SluiceServer startServer(Path dataDir) {
        return SluiceServer.start(ServerConfigs.from(Settings.load(null, Map.of(), Map.of("server.port", "0",
                "http.enabled", "false", "server.shutdownTimeout", "1s", "data.dir", dataDir.toString()))));
    }

    /** The value of message {@code id}: {@code "<key>:<sequence>:<id>"}. */
    static String value(int key, int sequence, int id) {
        return key + ":" + sequence + ":" + id;
    }

    /** One start of a handler on a message, in any process. */
    record Handling(int id, int key, int sequence, int deliveryCount, long epochMicros) {
        String line() {
            return id + " " + key + " " + sequence + " " + deliveryCount + " " + epochMicros;
        }

        static Handling fromLine(String line) {
            String[] fields = line.substring("HANDLED ".length()).split(" ");
            return new Handling(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]), Integer.parseInt(fields[2]),
                    Integer.parseInt(fields[3]), Long.parseLong(fields[4]));
        }
    }

    static Handling parse(QueueMessage message, Instant now) {
        String[] fields = message.valueAsString().split(":");
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        return new Handling(Integer.parseInt(fields[2]), Integer.parseInt(fields[0]), Integer.parseInt(fields[1]),
                message.deliveryCount(), micros);
    }

    /**
     * Per key, in the order handlers started (by wall-clock microseconds, one machine): each start is
     * either the next sequence after the key's last one or the last one again (a redelivery of a message
     * not acked); returns the violations.
     */
    static List<String> fifoViolations(List<Handling> handlings) {
        List<Handling> sorted = new ArrayList<>(handlings);
        sorted.sort((a, b) -> Long.compare(a.epochMicros(), b.epochMicros()));
        Map<Integer, Integer> last = new HashMap<>();
        List<String> violations = new ArrayList<>();
        for (Handling h : sorted) {
            int previous = last.getOrDefault(h.key(), -1);
            if (h.sequence() != previous + 1 && h.sequence() != previous) {
                violations.add("key " + h.key() + ": sequence " + h.sequence() + " started after " + previous);
            }
            last.put(h.key(), Math.max(previous, h.sequence()));
        }
        return violations;
    }
}
