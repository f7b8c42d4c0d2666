package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedWithoutServerTest {

    @Test
    void embeddedModeWithoutTheServerOnTheClasspathSaysWhatToAdd(@TempDir Path dir) {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                java.util.ServiceLoader.load(dev.sluice.client.spi.EmbeddedBrokerProvider.class).iterator().hasNext(),
                "a broker provider is on the classpath");
        assertThatThrownBy(() -> Sluice.embedded(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("add dev.sluice:sluice-server to the classpath for embedded mode");
    }
}
