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
 * JobwatchJobsStuckWaiting when the clock of PostgreSQL's host and that of jobwatch's host
 * disagree. jobwatch judges by its own clock (monitors, stage health, the judgement instant; the
 * one JobwatchClockSkew compares with Prometheus's), so the stuck jobs it exports are judged by it
 * too, caught up or behind, not by the database's {@code now()}. Here the database's clock runs 20
 * minutes ahead of jobwatch's (the test moves jobwatch's clock back: the database's cannot be
 * moved), and the publishers agree with jobwatch.
 */
@WithInfra
class StuckWaitingClockIT {
  private static final Duration DATABASE_AHEAD = Duration.ofMinutes(20);

  @Test
  @DisplayName(
      "Caught up, a job whose dependency ended 2 minutes ago by jobwatch's clock is not exported"
          + " as stuck although PostgreSQL's clock runs 20 minutes ahead; one whose dependency"
          + " ended 12 minutes ago is")
  void stuckJobsAreJudgedByJobwatchsClock(Infra infra) {
    Clock jobwatchClock = Clock.offset(Clock.systemUTC(), DATABASE_AHEAD.negated());
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = JobwatchApp.start(harness.settings(), jobwatchClock)) {
      Instant now = jobwatchClock.instant().truncatedTo(ChronoUnit.SECONDS);
      // The scheduler has had 2 minutes to wake this one up: not stuck (JOBWATCH_STUCK_AFTER 10m).
      dependencyThatSucceeds(harness, "fresh", now.minus(Duration.ofMinutes(2)));
      // This one has waited 12 minutes since its dependency ended: the scheduler missed it.
      dependencyThatSucceeds(harness, "missed", now.minus(Duration.ofMinutes(12)));
      harness.flush();
      harness.awaitCounted(app, 8);
      Harness.await(
          "the stream judged caught up (at jobwatch's clock)",
          Duration.ofSeconds(60),
          () -> {
            app.refreshState();
            return Scrape.metrics(app.httpPort()).value("jobwatch_watermark_timestamp_seconds")
                >= now.getEpochSecond();
          });
      app.refreshState();
      Scrape scrape = Scrape.metrics(app.httpPort());
      assertThat(scrape.value("jobwatch_jobs_stuck_waiting", "service", "missed")).isEqualTo(1);
      assertThat(scrape.samples("jobwatch_jobs_stuck_waiting", "service", "fresh"))
          .allSatisfy(sample -> assertThat(sample.value()).isZero());
    }
  }

  /**
   * Job dep-SERVICE, submitted 15 minutes before {@code endedAt}, succeeds at {@code endedAt};
   * waiter-SERVICE, submitted with it, depends on it and has not been woken up yet.
   */
  private static void dependencyThatSucceeds(Harness harness, String service, Instant endedAt) {
    harness.dependencyThatFinishes(service, endedAt.minus(Duration.ofMinutes(15)), endedAt, 0);
  }
}
