package dev.sluice.client.e2e;

import dev.sluice.testsupport.ThreadLeakCheck;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an end-to-end test class (a real broker over real TCP): a test fails if it leaves a
 * {@code sluice-*} thread running, the class fails if it leaked a Netty buffer.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({ThreadLeakCheck.class, NettyLeakCheck.class})
@interface EndToEnd {}
