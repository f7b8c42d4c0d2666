package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedWithoutServerTest {

    @Test
    void embeddedModeWithoutTheServerOnTheClasspathSaysWhatToAdd(@TempDir Path dir) {
        // ServiceLoader looks in the context class loader: the platform loader sees no provider,
        // as an application without sluice-server would.
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            assertThatThrownBy(() -> Sluice.embedded(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("add dev.sluice:sluice-server to the classpath for embedded mode");
        } finally {
            thread.setContextClassLoader(original);
        }
    }
}
