package dev.sluice.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fails tests that leak Netty buffers (a copy of sluice-protocol's test helper: test sources are
 * not shared between modules). Surefire runs with {@code io.netty.leakDetection.level=
 * paranoid} (every buffer tracked); {@link #install()} makes Netty's detectors record leaks
 * here instead of only logging them, and {@link #assertNoLeaks()}, called after each test
 * class, collects garbage and fails on any leak reported since the last call.
 */
final class NettyLeaks {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    private NettyLeaks() {}

    static synchronized void install() {
        if (installed) {
            return;
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        installed = true;
    }

    /** Runs a few collections, lets the detector poll its queue, and returns the leaks seen. */
    static List<String> collect() {
        for (int round = 0; round < 5; round++) {
            System.gc();
            // A tracked (direct: unpooled heap buffers are not tracked) allocation makes the detector poll its reference queue and report.
            ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.directBuffer(1);
            probe.release();
        }
        List<String> leaks = new ArrayList<>(LEAKS);
        LEAKS.removeAll(leaks);
        return leaks;
    }

    static void assertNoLeaks() {
        assertThat(installed).as("NettyLeakSessionListener installed the recording detector").isTrue();
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(collect()).as("leaked Netty buffers").isEmpty();
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                Class<T> resource, int samplingInterval, long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                Class<T> resource, int samplingInterval) {
            return new ResourceLeakDetector<T>(resource, samplingInterval) {
                @Override
                protected boolean needReport() {
                    return true;
                }

                @Override
                protected void reportTracedLeak(String resourceType, String records) {
                    LEAKS.add(resourceType + " leaked:" + records);
                }

                @Override
                protected void reportUntracedLeak(String resourceType) {
                    LEAKS.add(resourceType + " leaked (no records)");
                }
            };
        }
    }
}
