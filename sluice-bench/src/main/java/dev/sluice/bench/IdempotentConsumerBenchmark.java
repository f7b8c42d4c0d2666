package dev.sluice.bench;

import dev.sluice.client.Admin;
import dev.sluice.client.ConsumerConfig;
import dev.sluice.client.IdempotentConsumer;
import dev.sluice.client.Message;
import dev.sluice.client.OffsetReset;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerConfig;
import dev.sluice.record.ReservedHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The cost of {@link IdempotentConsumer}'s de-duplication, measured side by side: the same
 * messages consumed by a fresh group into an H2 file database with {@code deduplication} on, then
 * off (alternating which goes first in each pair of rounds), each message's handler inserting one
 * row in its transaction. Prints msgs/s per round and the median of per-pair ratios.
 *
 * <pre>
 * java -jar sluice-cli/target/sluice.jar server --data-dir D --port 7790 &amp;
 * java -cp sluice-bench/target/sluice-bench.jar dev.sluice.bench.IdempotentConsumerBenchmark \
 *     --bootstrap 127.0.0.1:7790 [--messages 100000] [--rounds 3] [--dir idem-bench-data]
 * </pre>
 */
public final class IdempotentConsumerBenchmark {
    private static final String TOPIC = "idem-bench";
    private static final int VALUE_BYTES = 100;

    private IdempotentConsumerBenchmark() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = "127.0.0.1:7700";
        int messages = 100_000;
        int rounds = 3;
        Path dir = Path.of("idem-bench-data");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bootstrap" -> bootstrap = args[++i];
                case "--messages" -> messages = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --bootstrap host:port --messages N --rounds N --dir D");
            }
        }
        Files.createDirectories(dir);
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + dir.resolve("h2-" + System.nanoTime()).toAbsolutePath());
        execute(dataSource, "CREATE TABLE bench_applied (message_id VARCHAR(255) PRIMARY KEY, value_bytes INT)");

        String topic = TOPIC + "-" + System.currentTimeMillis();
        produce(bootstrap, topic, messages);
        System.out.printf("IdempotentConsumer, H2 file database, %,d messages of %d B, one transaction each%n%n",
                messages, VALUE_BYTES);
        System.out.println("| round | dedup on, msgs/s | dedup off, msgs/s | on / off |");
        System.out.println("|---|---:|---:|---:|");
        double[] ratios = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            double on;
            double off;
            if (round % 2 == 0) {
                on = consume(bootstrap, topic, dataSource, true, messages, round);
                off = consume(bootstrap, topic, dataSource, false, messages, round);
            } else {
                off = consume(bootstrap, topic, dataSource, false, messages, round);
                on = consume(bootstrap, topic, dataSource, true, messages, round);
            }
            ratios[round] = on / off;
            System.out.printf("| %d | %,.0f | %,.0f | %.2f |%n", round + 1, on, off, ratios[round]);
        }
        Arrays.sort(ratios);
        System.out.printf("%nmedian on/off: %.2f%n", ratios[rounds / 2]);
    }

    private static void produce(String bootstrap, String topic, int messages) {
        try (Admin admin = Admin.create(bootstrap);
                Producer producer = Producer.create(ProducerConfig.builder(bootstrap).build())) {
            admin.createTopic(topic, 1);
            byte[] value = new byte[VALUE_BYTES];
            for (int i = 0; i < messages; i++) {
                producer.send(Message.builder(topic).value(value).header(ReservedHeaders.MESSAGE_ID, "m-" + i).build());
            }
            producer.flush();
        }
    }

    /** One round: a fresh group reads every message; returns msgs/s from the first poll to the last ack. */
    private static double consume(String bootstrap, String topic, DataSource dataSource, boolean deduplication,
            int messages, int round) throws SQLException {
        execute(dataSource, "DELETE FROM bench_applied");
        execute(dataSource, "DROP TABLE IF EXISTS " + IdempotentConsumer.DEFAULT_DEDUP_TABLE); // each round starts empty
        ConsumerConfig config = ConsumerConfig.builder(bootstrap).group(topic + "-" + round + "-" + deduplication)
                .autoOffsetReset(OffsetReset.EARLIEST).build();
        try (IdempotentConsumer consumer = IdempotentConsumer.builder(config, dataSource, (message, tx) -> {
            try (PreparedStatement insert = tx.prepareStatement(
                    "INSERT INTO bench_applied (message_id, value_bytes) VALUES (?, ?)")) {
                insert.setString(1, message.header(ReservedHeaders.MESSAGE_ID));
                insert.setInt(2, message.value().length);
                insert.executeUpdate();
            }
        }).deduplication(deduplication).build()) {
            consumer.subscribe(topic);
            long firstPollNs = 0;
            long done = 0;
            long deadlineNs = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (done < messages) {
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new IllegalStateException("round did not finish in 10 minutes: " + done + " done");
                }
                long beforeNs = System.nanoTime();
                int count = consumer.pollAndProcess(Duration.ofMillis(500));
                if (count > 0 && done == 0) {
                    firstPollNs = beforeNs;
                }
                done += count;
            }
            return messages / ((System.nanoTime() - firstPollNs) / 1e9);
        }
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
