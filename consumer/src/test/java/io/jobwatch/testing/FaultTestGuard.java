package io.jobwatch.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Turns an aborted (skipped) {@link FaultTest} into a failure, so that a fault test that does not
 * run fails the build instead of passing silently; stateless, thread-safe.
 */
public final class FaultTestGuard
    implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable thrown)
      throws Throwable {
    throw failIfAborted(thrown);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable thrown)
      throws Throwable {
    throw failIfAborted(thrown);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable thrown)
      throws Throwable {
    throw failIfAborted(thrown);
  }

  static Throwable failIfAborted(Throwable thrown) {
    if (thrown instanceof TestAbortedException) {
      return new AssertionError(
          "a fault test must run on every machine, but it was skipped: " + thrown.getMessage(),
          thrown);
    }
    return thrown;
  }
}
