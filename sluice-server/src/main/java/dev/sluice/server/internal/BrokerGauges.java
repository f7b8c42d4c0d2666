package dev.sluice.server.internal;

import dev.sluice.broker.Broker;
import dev.sluice.broker.BrokerHealth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/** Exports the broker core's counters and gauges ({@link BrokerHealth}) as meters, read at scrape time. */
final class BrokerGauges {
    private BrokerGauges() {
    }

    static void register(MeterRegistry registry, Broker broker) {
        counter(registry, broker, "sluice.records.in", "Records appended by produce", BrokerHealth::recordsIn);
        counter(registry, broker, "sluice.bytes.in", "Batch bytes appended by produce", BrokerHealth::bytesIn);
        counter(registry, broker, "sluice.bytes.out", "Batch bytes served by fetch and push", BrokerHealth::bytesOut);
        counter(registry, broker, "sluice.storage.fsyncs", "Fsyncs of the commit log", BrokerHealth::fsyncCount);
        gauge(registry, broker, "sluice.fetches.parked", "Fetches parked waiting for data (long polls)",
                BrokerHealth::parkedFetches);
        gauge(registry, broker, "sluice.topics", "Topics", BrokerHealth::topicCount);
        gauge(registry, broker, "sluice.groups", "Consumer groups", BrokerHealth::groupCount);
        gauge(registry, broker, "sluice.storage.written.position", "Commit-log position after the last written entry",
                BrokerHealth::storageWrittenPosition);
        gauge(registry, broker, "sluice.storage.flushed.position", "Commit-log position covered by an fsync",
                BrokerHealth::storageFlushedPosition);
        FunctionCounter.builder("sluice.message.ids.duplicates", broker, b -> b.messageIdStats().duplicatesDropped())
                .description("Records acknowledged and not stored: their message id was in the topic's window")
                .register(registry);
        FunctionCounter.builder("sluice.message.ids.evicted", broker, b -> b.messageIdStats().idsEvicted())
                .description("Message ids that left before their window ended (topics.messageIdsMax reached)")
                .register(registry);
        FunctionCounter.builder("sluice.message.ids.undecodable.batches", broker,
                        b -> b.messageIdStats().batchesUndecodable())
                .description("Batches stored without a look for message ids (snappy, lz4 or zstd)").register(registry);
        Gauge.builder("sluice.message.ids", broker, b -> b.messageIdStats().idsKept())
                .description("Message ids remembered now").register(registry);
        gauge(registry, broker, "sluice.up", "1 when the broker is healthy, 0 when its log FAILED or it is closing",
                health -> health.ok() ? 1 : 0);
    }

    private static void counter(MeterRegistry registry, Broker broker, String name, String description,
            ToDoubleFunction<BrokerHealth> value) {
        FunctionCounter.builder(name, broker, b -> value.applyAsDouble(b.health())).description(description).register(registry);
    }

    private static void gauge(MeterRegistry registry, Broker broker, String name, String description,
            ToDoubleFunction<BrokerHealth> value) {
        Gauge.builder(name, broker, b -> value.applyAsDouble(b.health())).description(description).register(registry);
    }
}
