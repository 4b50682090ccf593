package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What PostgreSQL does to a consuming jobwatch between two answers: the connection cut while a
 * batch commits. Rows and counters must hold every record once.
 */
@WithInfra
class DatabaseBlinksIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  @DisplayName(
      "The connection cut after PostgreSQL committed a batch but before jobwatch heard it: the"
          + " batch is neither applied twice nor lost, and jobwatch_events_total counts each"
          + " record once")
  void ambiguousCommitCountsEachRecordOnce(Infra infra) throws Exception {
    cutOneBatchCommit(infra, false);
  }

  @Test
  @DisplayName(
      "The connection cut before the COMMIT reached PostgreSQL: the batch rolls back, is read"
          + " again, and jobwatch_events_total counts each record once")
  void commitThatNeverArrivedIsReadAgainAndCountedOnce(Infra infra) throws Exception {
    cutOneBatchCommit(infra, true);
  }

  private static void cutOneBatchCommit(Infra infra, boolean beforeTheServer) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        CommitCuttingProxy proxy =
            new CommitCuttingProxy(harness.database.jdbcUrl(), "consumer_offsets")) {
      Settings settings =
          harness
              .settings()
              .with(
                  infra.kafkaBootstrap(),
                  new DbConfig(
                      proxy.proxiedUrl(harness.database.jdbcUrl()),
                      harness.database.user(),
                      harness.database.password(),
                      4),
                  harness.group,
                  0);
      try (JobwatchApp app = JobwatchApp.start(settings, Clock.systemUTC())) {
        Harness.await("the consumer to be ready", Duration.ofSeconds(60), app::isReady);
        if (beforeTheServer) {
          proxy.cutNextCommitsBeforeTheServer(1);
        } else {
          proxy.cutNextCommits(1);
        }
        for (int i = 0; i < 30; i++) {
          harness.lifecycleEvent(
              "job.submitted",
              T0.plusSeconds(i),
              data("job_id", "cut-" + i, "service", "blast", "runner", "slurm"));
        }
        harness.flush();
        Harness.await(
            "all 30 records to be consumed",
            Duration.ofSeconds(60),
            () ->
                harness.count("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets") == 30);
        Harness.await("readiness after the cut", Duration.ofSeconds(30), app::isReady);

        assertThat(proxy.cutsDone()).as("commits cut").isEqualTo(1);
        assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(30);
        assertThat(harness.count("SELECT count(DISTINCT event_id) FROM job_events")).isEqualTo(30);
        assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(30);
        assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
        assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.APPLIED))
            .as("jobwatch_events_total{outcome=applied}")
            .isEqualTo(30.0);
        assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.DUPLICATE))
            .as("jobwatch_events_total{outcome=duplicate}")
            .isZero();
      }
    }
  }
}
