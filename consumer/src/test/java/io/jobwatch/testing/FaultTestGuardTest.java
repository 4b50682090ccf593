package io.jobwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.TestAbortedException;

class FaultTestGuardTest {

  @Test
  @DisplayName("A fault test that aborts (assumption failed) fails instead of being skipped")
  void abortedFaultTestFails() {
    Throwable result = FaultTestGuard.failIfAborted(new TestAbortedException("no broker control"));

    assertThat(result)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("must run on every machine")
        .hasMessageContaining("no broker control");
  }

  @Test
  @DisplayName("Other failures of a fault test pass through unchanged")
  void otherFailuresPassThrough() {
    IllegalStateException failure = new IllegalStateException("boom");

    assertThat(FaultTestGuard.failIfAborted(failure)).isSameAs(failure);
  }

  @Test
  @DisplayName("@FaultTest tags the test 'fault' and installs the guard")
  void annotationInstallsTheGuard() throws NoSuchMethodException {
    Method marked = Marked.class.getDeclaredMethod("fault");
    FaultTest annotation = marked.getAnnotation(FaultTest.class);

    assertThat(annotation).isNotNull();
    assertThat(FaultTest.class.getAnnotation(Tag.class).value()).isEqualTo("fault");
    assertThat(FaultTest.class.getAnnotation(ExtendWith.class).value())
        .containsExactly(FaultTestGuard.class);
  }

  @Test
  @DisplayName("Embedded servers can be stopped and started; Docker and external ones cannot")
  void onlyEmbeddedInfraIsControllable() {
    ExternalInfra external = new ExternalInfra("localhost:1", null);

    assertThat(InfraExtension.canControl(external)).isFalse();
  }

  static final class Marked {
    @FaultTest
    void fault() {}
  }
}
