package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * JobwatchJobsUnsatisfiable while a backlog drains: a dependency's failure is read (its partition
 * is ahead), while the dependent job's cancellation, which a scheduler sends right after it (Slurm
 * with {@code kill_invalid_depend}, Airflow's {@code upstream_failed}), still sits in a partition
 * read only up to before that failure. As of the stream's progress the job still waited on a
 * running dependency: the exported {@code jobwatch_jobs_unsatisfiable} must not count it before the
 * judgement instant passes the failure, as {@code jobwatch_jobs_stuck_waiting} does not count a job
 * whose wake-up is unread. The partition held behind is reported by "another instance", as in
 * {@link StageHealthBacklogIT}.
 */
@WithInfra
class UnsatisfiableBacklogIT {
  @Test
  @DisplayName(
      "While a backlog drains, a job whose dependency failed after the stream's watermark is not"
          + " exported as unsatisfiable; one whose dependency failed before it is, and so is the"
          + " first once the watermark passes that failure")
  void unsatisfiableJobsAreJudgedAtTheWatermarkWhileABacklogDrains(Infra infra) {
    try (Harness harness = new Harness(infra, 1)) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      // "early": the dependency failed 35 minutes ago, before the watermark (30 minutes ago).
      dependencyThatFails(harness, "early", minutesAgo(now, 35));
      // "late": the dependency failed 20 minutes ago, after the watermark; the dependent's
      // cancellation (19 minutes ago) is still in the backlog.
      dependencyThatFails(harness, "late", minutesAgo(now, 20));
      harness.flush();
      try (JobwatchApp drain = harness.startApp()) {
        Harness.await(
            "both dependencies failed, both dependents pending",
            Duration.ofSeconds(120),
            () ->
                harness.countOnceMigrated(
                        "SELECT count(*) FROM jobs WHERE (job_id LIKE 'dep-%' AND state = 'failed')"
                            + " OR (job_id LIKE 'waiter-%' AND state = 'submitted')")
                    == 4);
      }

      String idle = infra.newTopic("lifecycle-idle", 1);
      try (JobwatchApp app =
          JobwatchApp.start(
              harness.settings().withTopics(idle, harness.errors), Clock.systemUTC())) {
        harness.reportLifecycleBehind(minutesAgo(now, 30));
        app.refreshState();
        Scrape during = Scrape.metrics(app.httpPort());
        assertThat(during.value("jobwatch_watermark_timestamp_seconds"))
            .isEqualTo(minutesAgo(now, 30).getEpochSecond());
        // Operators see the fold of what was read: both dependents can never run.
        assertThat(
                harness.count(
                    "SELECT count(DISTINCT job_id) FROM job_waits WHERE job_unsatisfiable"))
            .isEqualTo(2);
        assertThat(during.value("jobwatch_jobs_unsatisfiable", "service", "early")).isEqualTo(1);
        assertThat(during.samples("jobwatch_jobs_unsatisfiable", "service", "late")).isEmpty();

        // The drain passes the late failure: as of then the dependent really could never run.
        harness.reportLifecycleBehind(minutesAgo(now, 19).minusSeconds(30));
        app.refreshState();
        Scrape later = Scrape.metrics(app.httpPort());
        assertThat(later.value("jobwatch_jobs_unsatisfiable", "service", "early")).isEqualTo(1);
        assertThat(later.value("jobwatch_jobs_unsatisfiable", "service", "late")).isEqualTo(1);
      }
    }
  }

  @Test
  @DisplayName(
      "Caught up, a job whose dependency failed at a time still ahead of the wall clock (a"
          + " scheduler clock ahead, within JOBWATCH_MAX_CLOCK_SKEW) is exported as unsatisfiable"
          + " at once, as job_waits shows it")
  void caughtUpEverythingReadDooms(Infra infra) {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      // Ahead of the record timestamp by less than the default tolerance (PT5M): folded as sent.
      dependencyThatFails(harness, "ahead", now.plus(Duration.ofMinutes(3)));
      harness.flush();
      Harness.await(
          "the dependency failed, its dependent pending",
          Duration.ofSeconds(60),
          () ->
              harness.count(
                      "SELECT count(*) FROM jobs WHERE (job_id = 'dep-ahead' AND state = 'failed')"
                          + " OR (job_id = 'waiter-ahead' AND state = 'submitted')")
                  == 2);
      harness.awaitCounted(app, 4);
      assertThat(
              harness.count(
                  "SELECT count(*) FROM job_waits WHERE job_id = 'waiter-ahead'"
                      + " AND job_unsatisfiable"))
          .isEqualTo(1);
      Harness.await(
          "the stream judged caught up (at the wall clock)",
          Duration.ofSeconds(60),
          () -> {
            app.refreshState();
            Scrape scrape = Scrape.metrics(app.httpPort());
            return scrape.value("jobwatch_watermark_timestamp_seconds") >= now.getEpochSecond();
          });
      app.refreshState();
      assertThat(
              Scrape.metrics(app.httpPort())
                  .samples("jobwatch_jobs_unsatisfiable", "service", "ahead"))
          .extracting(Scrape.Sample::value)
          .containsExactly(1.0);
    }
  }

  /**
   * Job dep-SERVICE runs and fails at {@code failedAt}; waiter-SERVICE, submitted with it 10
   * minutes earlier, depends on it (accept: succeeded) and is still pending.
   */
  private static void dependencyThatFails(Harness harness, String service, Instant failedAt) {
    harness.dependencyThatFinishes(service, failedAt.minus(Duration.ofMinutes(10)), failedAt, 1);
  }

  private static Instant minutesAgo(Instant now, int minutes) {
    return now.minus(Duration.ofMinutes(minutes));
  }
}
