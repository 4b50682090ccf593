package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@WithInfra
class ExactlyOnceIT {

  @Test
  @DisplayName(
      "A shuffled stream with re-published records and poison folds to the pure fold, and the counters add up")
  void shuffledStreamFoldsToThePureFold(Infra infra) {
    try (Harness harness = new Harness(infra, 4)) {
      Stream stream = new Stream(42, harness.lifecycle, harness.errors).generate(700, 25);
      FoldExpectation expected = new FoldExpectation(stream.validEvents.values());
      try (JobwatchApp app = harness.startApp()) {
        stream.publish(harness);
        awaitAllConsumed(harness, stream, app);
        // The offsets move at the COMMIT; the last batch is counted after it returned.
        harness.awaitCounted(app, stream.records.size());

        long applied = total(app, harness, Outcome.APPLIED);
        long ignored = total(app, harness, Outcome.IGNORED);
        long duplicates = total(app, harness, Outcome.DUPLICATE);
        long deadLettered = total(app, harness, Outcome.DEAD_LETTERED);
        assertThat(applied + ignored + duplicates + deadLettered).isEqualTo(stream.records.size());
        assertThat(applied + ignored).isEqualTo(stream.validEvents.size());
        assertThat(duplicates).isEqualTo(stream.republished);
        assertThat(deadLettered).isEqualTo(stream.poison);
        assertThat(ignored).isPositive();
      }
      assertThat(harness.count("SELECT count(*) FROM job_events"))
          .isEqualTo(stream.validEvents.size());
      assertThat(harness.count("SELECT count(*) FROM dead_letters WHERE reason <> ''"))
          .isEqualTo(stream.poison);
      expected.assertJobsMatch(harness);
      expected.assertStagesMatch(harness);
    }
  }

  static void awaitAllConsumed(Harness harness, Stream stream, JobwatchApp app) {
    Harness.await(
        "every record to be consumed",
        Duration.ofSeconds(120),
        () ->
            harness.countOnceMigrated("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                == stream.records.size());
  }

  private static long total(JobwatchApp app, Harness harness, Outcome outcome) {
    return (long)
        (app.pipelineMetrics().count(harness.lifecycle, outcome)
            + app.pipelineMetrics().count(harness.errors, outcome));
  }
}
