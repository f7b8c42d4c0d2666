package dev.sluice.bench.compare;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The comparison's command line, parsed and checked. */
record CompareOptions(Path dir, Path kafkaLib, int repeat, List<String> systems, Set<String> groups, Pattern only,
        WorkloadCatalog.Sizing sizing, ProducerSettings producer, List<String> args) {
    static final String USAGE = String.join("\n",
            "usage: sluice-compare [--quick] [--systems kafka[,sluice]] [--workloads produce,topics,latency,consume]",
            "                      [--only REGEX] [--repeat N] [--bytes N] [--seconds S] [--latency-seconds S]",
            "                      [--rate MSG_PER_S] [--linger-ms MS] [--batch-bytes N] [--buffer-bytes N]",
            "                      [--dir DIR] [--kafka-lib DIR]",
            "  --quick            tiny counts, one round: a smoke run of a minute or two",
            "  --systems          which systems to run (default kafka,sluice; one without an implementation is",
            "                     reported as pending)",
            "  --workloads        groups to run (default all)",
            "  --only             only workloads whose id matches this regex, e.g. '1x8|consume'",
            "  --repeat           interleaved rounds (default 3; medians and per-round ratios are reported)",
            "  --bytes            value bytes each produce workload sends (default 1 GiB); consume: a quarter",
            "  --seconds          time limit of each produce and consume workload (default 10)",
            "  --latency-seconds  how long each latency workload records (default 20, after a 10% warm-up)",
            "  --rate             the latency workloads' messages a second (default 5000)",
            "  --linger-ms, --batch-bytes, --buffer-bytes",
            "                     every producer's batching, the same for every system (default 5, 65536, 33554432)",
            "  --dir              where brokers keep their data (default compare-data; deleted at the end)",
            "  --kafka-lib        Kafka's broker jars (default sluice-bench-kafka-broker/target/kafka-lib)");

    static CompareOptions parse(String[] args) {
        Path dir = Path.of("compare-data");
        Path kafkaLib = Path.of("sluice-bench-kafka-broker", "target", "kafka-lib");
        int repeat = 3;
        List<String> systems = List.of("kafka", "sluice");
        Set<String> groups = new LinkedHashSet<>(WorkloadCatalog.GROUPS);
        Pattern only = Pattern.compile("");
        long bytes = 1L << 30;
        long seconds = 10;
        long latencySeconds = 20;
        int rate = 5_000;
        ProducerSettings producer = ProducerSettings.standard(Ack.LEADER);
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--dir" -> dir = Path.of(required(args[i], value));
                case "--kafka-lib" -> kafkaLib = Path.of(required(args[i], value));
                case "--repeat" -> repeat = Integer.parseInt(required(args[i], value));
                case "--systems" -> systems = List.of(required(args[i], value).split(","));
                case "--workloads" -> groups = new LinkedHashSet<>(Arrays.asList(required(args[i], value).split(",")));
                case "--only" -> only = Pattern.compile(required(args[i], value));
                case "--bytes" -> bytes = Long.parseLong(required(args[i], value));
                case "--seconds" -> seconds = Long.parseLong(required(args[i], value));
                case "--latency-seconds" -> latencySeconds = Long.parseLong(required(args[i], value));
                case "--rate" -> rate = Integer.parseInt(required(args[i], value));
                case "--linger-ms" -> producer = new ProducerSettings(Ack.LEADER,
                        Integer.parseInt(required(args[i], value)), producer.batchBytes(), producer.bufferBytes());
                case "--batch-bytes" -> producer = new ProducerSettings(Ack.LEADER, producer.lingerMs(),
                        Integer.parseInt(required(args[i], value)), producer.bufferBytes());
                case "--buffer-bytes" -> producer = new ProducerSettings(Ack.LEADER, producer.lingerMs(),
                        producer.batchBytes(), Long.parseLong(required(args[i], value)));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            if (!args[i].equals("--quick")) {
                i++;
            }
        }
        if (quick) {
            // --quick caps sizes, time limits and rounds, whatever else was given.
            bytes = Math.min(bytes, 4L << 20);
            seconds = Math.min(seconds, 3);
            latencySeconds = Math.min(latencySeconds, 2);
            repeat = 1;
        }
        for (String group : groups) {
            if (!WorkloadCatalog.GROUPS.contains(group)) {
                throw new IllegalArgumentException("unknown workload group " + group + "; known: "
                        + WorkloadCatalog.GROUPS);
            }
        }
        if (repeat < 1 || bytes < 1024 || seconds < 1 || latencySeconds < 1 || rate < 1) {
            throw new IllegalArgumentException("--repeat, --seconds, --latency-seconds and --rate must be positive,"
                    + " --bytes at least 1024");
        }
        Duration latencyDuration = Duration.ofSeconds(latencySeconds);
        WorkloadCatalog.Sizing sizing = new WorkloadCatalog.Sizing(bytes, bytes / 4, Duration.ofSeconds(seconds),
                latencyDuration, latencyDuration.dividedBy(10), rate);
        return new CompareOptions(dir, kafkaLib, repeat, systems, groups, only, sizing, producer, List.of(args));
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
