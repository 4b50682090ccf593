package io.jobwatch.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that stops and starts servers. Its {@link Infra} parameter can always do that (the
 * shared infra if it can, else embedded servers started for fault tests alone), and the test can
 * never be skipped: an aborted fault test fails ({@link FaultTestGuard}).
 */
@Target({ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("fault")
@ExtendWith(FaultTestGuard.class)
public @interface FaultTest {}
