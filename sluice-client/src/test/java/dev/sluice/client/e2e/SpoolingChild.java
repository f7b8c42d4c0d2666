package dev.sluice.client.e2e;

import dev.sluice.client.Message;
import dev.sluice.client.ProducerConfig;
import dev.sluice.client.SpoolConfig;
import dev.sluice.client.SpoolingProducer;
import java.nio.file.Path;

/**
 * A producer process for {@link SpoolingProducerTest}: {@code SpoolingChild <spoolDir> <bootstrap> <count>}
 * sends {@code m-0 .. m-(count-1)} through a spool to a broker that is down, printing {@code SPOOLED i}
 * once each {@code send} returned, then {@code DONE}, and waits to be killed.
 */
public final class SpoolingChild {
    private SpoolingChild() {}

    public static void main(String[] args) throws InterruptedException {
        Path spool = Path.of(args[0]);
        String bootstrap = args[1];
        int count = Integer.parseInt(args[2]);
        SpoolingProducer producer = SpoolingProducer.open(ProducerConfig.builder(bootstrap).requestTimeoutMs(1_000)
                .deliveryTimeoutMs(2_000).retryBackoffMaxMs(200).maxBlockMs(1_000).build(), SpoolConfig.of(spool));
        for (int i = 0; i < count; i++) {
            producer.send(Message.of("spooled", "k" + (i % 10), "m-" + i));
            System.out.println("SPOOLED " + i);
        }
        System.out.println("DONE");
        System.out.flush();
        Thread.sleep(120_000);
    }
}
