package dev.sluice.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs {@link NettyLeaks}' recording detector before any test class (of any engine) touches a
 * Netty buffer: Netty reads the detector factory once, when its buffer classes initialize.
 */
public final class NettyLeakSessionListener implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NettyLeaks.install();
    }
}
