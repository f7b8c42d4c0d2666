package dev.sluice.client.e2e;

import dev.sluice.testsupport.NettyLeaks;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Fails a test class after which Netty's paranoid leak detector reports a leaked buffer. */
final class NettyLeakCheck implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) {
        NettyLeaks.assertNoLeaks();
    }
}
