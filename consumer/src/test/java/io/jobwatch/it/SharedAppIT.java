package io.jobwatch.it;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The lifecycle of an integration-test class whose tests share one running {@link JobwatchApp}: a
 * {@link Harness} over fresh topics (2 partitions) and database, started once before the first test
 * and closed after the last. Tests keep apart by their own job ids, services and monitors.
 */
@WithInfra
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedAppIT {
  protected Harness harness;
  protected JobwatchApp app;

  @BeforeAll
  void startSharedApp(Infra infra) {
    harness = new Harness(infra, 2);
    app = harness.startApp();
  }

  @AfterAll
  void stopSharedApp() {
    if (app != null) {
      app.close();
    }
    if (harness != null) {
      harness.close();
    }
  }
}
