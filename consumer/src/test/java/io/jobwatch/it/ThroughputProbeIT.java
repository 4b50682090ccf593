package io.jobwatch.it;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import org.junit.jupiter.api.Test;

@WithInfra
class ThroughputProbeIT {
  @Test
  void probe(Infra infra) {
    try (Harness harness = new Harness(infra, 4)) {
      Stream stream = new Stream(5, harness.lifecycle, harness.errors).generate(20000, 200);
      stream.publish(harness);
      long start = System.nanoTime();
      try (JobwatchApp app = harness.startApp()) {
        ExactlyOnceIT.awaitAllConsumed(harness, stream, app);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "PROBE %d records in %.1f s = %.0f/s%n",
          stream.records.size(), seconds, stream.records.size() / seconds);
    }
  }
}
