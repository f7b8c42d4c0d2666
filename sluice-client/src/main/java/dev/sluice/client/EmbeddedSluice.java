package dev.sluice.client;

import dev.sluice.protocol.embedded.EmbeddedBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A broker running in this JVM ({@link Sluice#embedded}) with factories for clients of it.
 * Clients made here are closed with it (close them earlier if you like: close is idempotent).
 *
 * <p>Thread-safe.
 */
public final class EmbeddedSluice implements AutoCloseable {
    private final EmbeddedBroker broker;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private boolean closed;

    EmbeddedSluice(EmbeddedBroker broker) {
        this.broker = broker;
    }

    /** Where clients connect: {@code "127.0.0.1:port"}. */
    public String bootstrap() {
        return broker.bootstrap();
    }

    /** A producer with default settings. */
    public Producer producer() {
        return producer(b -> b);
    }

    /** A producer whose settings {@code settings} adjusts from the defaults. */
    public Producer producer(UnaryOperator<ProducerConfig.Builder> settings) {
        return track(Producer.create(settings.apply(ProducerConfig.builder(bootstrap())).build()));
    }

    /** A consumer in {@code group}, otherwise with default settings. */
    public Consumer consumer(String group) {
        return consumer(b -> b.group(group));
    }

    /** A consumer whose settings {@code settings} adjusts from the defaults. */
    public Consumer consumer(UnaryOperator<ConsumerConfig.Builder> settings) {
        return track(Consumer.create(settings.apply(ConsumerConfig.builder(bootstrap())).build()));
    }

    /** A queue consumer in queue-mode group {@code group}, otherwise with default settings. */
    public QueueConsumer queueConsumer(String group) {
        return queueConsumer(b -> b.group(group));
    }

    /** A queue consumer whose settings {@code settings} adjusts from the defaults. */
    public QueueConsumer queueConsumer(UnaryOperator<QueueConsumerConfig.Builder> settings) {
        return track(QueueConsumer.create(settings.apply(QueueConsumerConfig.builder(bootstrap())).build()));
    }

    /** An admin client. */
    public Admin admin() {
        return track(Admin.create(bootstrap()));
    }

    private synchronized <T extends AutoCloseable> T track(T client) {
        if (closed) {
            try {
                client.close();
            } catch (Exception e) {
                // Closing a client we just made: nothing of it was used.
            }
            throw new IllegalStateException("the embedded broker is closed");
        }
        clients.add(client);
        return client;
    }

    /** Closes the clients made here, then stops the broker. Idempotent. */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(clients);
        }
        RuntimeException failure = null;
        for (AutoCloseable client : toClose) {
            try {
                client.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing a client failed", e);
                }
            }
        }
        broker.close();
        if (failure != null) {
            throw failure;
        }
    }
}
