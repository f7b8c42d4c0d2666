package dev.sluice.protocol;

import dev.sluice.testsupport.NettyLeaks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class NettyLeaksTest {
    @AfterAll
    static void noLeaks() {
        NettyLeaks.assertNoLeaks();
    }

    @Test
    void reportsABufferDroppedWithoutRelease() {
        // given a buffer that is dropped unreleased
        dropUnreleased();

        // then the recording detector reports it (proving the paranoid wiring works)
        List<String> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            seen.addAll(NettyLeaks.collect());
            return !seen.isEmpty();
        });
        assertThat(seen).hasSize(1);
    }

    private static void dropUnreleased() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(16);
        leaked.writeInt(42);
    }
}
