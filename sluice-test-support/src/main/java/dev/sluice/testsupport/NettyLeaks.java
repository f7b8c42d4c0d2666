package dev.sluice.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fails tests that leak Netty buffers. Surefire runs with {@code io.netty.leakDetection.level=
 * paranoid} (every buffer tracked); {@link #install()} makes Netty's detectors record leaks
 * here instead of only logging them, and {@link #assertNoLeaks()}, called after each test
 * class, collects garbage and fails on any leak reported since the last call.
 */
public final class NettyLeaks {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    private NettyLeaks() {}

    public static synchronized void install() {
        if (installed) {
            return;
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        installed = true;
    }

    /** Runs a few collections, lets the detector poll its queue, and returns the leaks seen. */
    public static List<String> collect() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            // A tracked (direct: unpooled heap buffers are not tracked) allocation makes the detector poll its reference queue and report.
            ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.directBuffer(1);
            probe.release();
        }
        List<String> leaks = new ArrayList<>(LEAKS);
        LEAKS.removeAll(leaks);
        return leaks;
    }

    public static void assertNoLeaks() {
        if (!installed) {
            throw new AssertionError("NettyLeakSessionListener did not install the recording detector: register it in "
                    + "src/test/resources/META-INF/services/org.junit.platform.launcher.LauncherSessionListener");
        }
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new AssertionError("Netty leak detection is " + ResourceLeakDetector.getLevel()
                    + ", not PARANOID: set -Dio.netty.leakDetection.level=paranoid for the tests");
        }
        List<String> leaks = collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError("leaked Netty buffers: " + leaks);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
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
