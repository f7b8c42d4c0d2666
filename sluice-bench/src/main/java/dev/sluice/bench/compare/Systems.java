package dev.sluice.bench.compare;

import dev.sluice.bench.compare.kafka.KafkaSystem;
import dev.sluice.bench.compare.sluice.SluiceSystem;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The systems {@code --systems} can name, in report column order; the first is the baseline. */
final class Systems {
    static final List<String> KNOWN = List.of("kafka", "sluice");

    private Systems() {}

    /** The named system, or empty when it has no implementation yet (its column stays empty). */
    static Optional<MessagingSystem> create(String name, CompareOptions options) {
        return switch (name) {
            case "kafka" -> Optional.of(new KafkaSystem(options.kafkaLib()));
            case "sluice" -> Optional.of(new SluiceSystem(Path.of("sluice-cli", "target", "sluice.jar")));
            default -> throw new IllegalArgumentException("unknown system " + name + "; known: " + KNOWN);
        };
    }
}
