package dev.sluice.server.internal;

import dev.sluice.broker.Broker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The broker process's metrics, served as Prometheus text on {@code /metrics}: requests, errors and
 * latency per api, connections, network bytes, the broker core's gauges, and the JVM's. Meters are
 * created once per (api, error) pair and cached, so the request path allocates nothing for them.
 * Thread-safe.
 */
public final class ServerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final AtomicInteger connections = new AtomicInteger();
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter connectionsRejected;
    private final Map<String, Timer> latencyByApi = new ConcurrentHashMap<>();
    private final Map<String, Counter> errorsByApiAndCode = new ConcurrentHashMap<>();

    public ServerMetrics(Broker broker) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("sluice.connections", connections, AtomicInteger::get)
                .description("Open native-protocol connections").register(registry);
        bytesIn = Counter.builder("sluice.network.received.bytes").description("Frame bytes received").register(registry);
        bytesOut = Counter.builder("sluice.network.sent.bytes").description("Frame bytes sent").register(registry);
        connectionsRejected = Counter.builder("sluice.connections.closed.bad.frame")
                .description("Connections closed because a frame's length was out of range").register(registry);
        BrokerGauges.register(registry, broker);
    }

    /** The Prometheus scrape text. */
    public String scrape() {
        return registry.scrape();
    }

    public void connectionOpened() {
        connections.incrementAndGet();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    public void connectionRejected() {
        connectionsRejected.increment();
    }

    public void received(int bytes) {
        bytesIn.increment(bytes);
    }

    public void sent(int bytes) {
        bytesOut.increment(bytes);
    }

    /** Records one request's outcome; {@code errorName} is an ErrorCode name, {@code NONE} on success. */
    public void request(String api, String errorName, long elapsedNs) {
        latencyByApi.computeIfAbsent(api, name -> Timer.builder("sluice.requests")
                        .description("Native-protocol requests handled, by api, and how long they took")
                        .tag("api", name)
                        .publishPercentiles(0.5, 0.99, 0.999)
                        .register(registry))
                .record(elapsedNs, TimeUnit.NANOSECONDS);
        if (!errorName.equals("NONE")) {
            errorsByApiAndCode.computeIfAbsent(api + "/" + errorName, key -> Counter.builder("sluice.requests.failed")
                            .description("Requests answered with an error, by api and error code")
                            .tag("api", api)
                            .tag("error", errorName)
                            .register(registry))
                    .increment();
        }
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
