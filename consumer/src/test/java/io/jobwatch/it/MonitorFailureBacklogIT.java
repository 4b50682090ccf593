package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
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
 * JobwatchMonitorDown while a backlog drains after an outage of jobwatch: an hourly script failed
 * once, two hours ago, and succeeded again an hour ago. Its runs are different jobs, so they sit on
 * different partitions: the failure has been read, the success after it (and with it most of the
 * stream) is still in the backlog. As of the stream's progress (the judgement instant, before the
 * failure) the script was up: no page for a failure whose recovery may still be unread, as for a
 * stage (docs/alerts.md, "While a backlog drains"). Once the judgement passes the failure, the
 * script really was down as of then: it pages, at most the lag late.
 */
@WithInfra
class MonitorFailureBacklogIT {
  private static final String MONITOR = "hourly-export";

  @Test
  @DisplayName(
      "While a backlog drains, a failed run read ahead of the stream's watermark does not make"
          + " its monitor down; once the watermark passes the failure it does")
  void aFailureAfterTheWatermarkPagesNobodyWhileABacklogDrains(Infra infra) {
    try (Harness harness = new Harness(infra, 1)) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      harness.lifecycleEvent(
          "monitor.declared",
          now.minus(Duration.ofHours(5)),
          data(
              "monitor",
              MONITOR,
              "team",
              "data",
              "schedule",
              data("every", "PT1H"),
              "grace",
              "PT10M"));
      run(harness, "export-ok", now.minus(Duration.ofHours(3)), 0);
      run(harness, "export-failed", now.minus(Duration.ofHours(2)), 1);
      harness.flush();
      try (JobwatchApp drain = harness.startApp()) {
        Harness.await(
            "both runs folded into the monitor",
            Duration.ofSeconds(120),
            () ->
                harness.countOnceMigrated(
                        "SELECT count(*) FROM jobs WHERE job_id LIKE 'export-%'"
                            + " AND state IN ('succeeded', 'failed')")
                    == 2);
        harness.awaitCounted(drain, 7);
      }

      String idle = infra.newTopic("lifecycle-idle", 1);
      try (JobwatchApp app =
          JobwatchApp.start(
              harness.settings().withTopics(idle, harness.errors), Clock.systemUTC())) {
        // The stream is read up to 2.5 hours ago: after the success, before the failure.
        Instant readUpTo = now.minus(Duration.ofMinutes(150));
        harness.reportLifecycleBehind(readUpTo);
        app.refreshState();
        Scrape during = Scrape.metrics(app.httpPort());
        assertThat(during.value("jobwatch_watermark_timestamp_seconds"))
            .isEqualTo(readUpTo.getEpochSecond());
        assertThat(during.value("jobwatch_monitor_status", "monitor", MONITOR, "status", "down"))
            .isZero();
        assertThat(during.value("jobwatch_monitor_status", "monitor", MONITOR, "status", "up"))
            .isEqualTo(1);

        // Read past the failure (the success an hour ago still unread): down as of then.
        harness.reportLifecycleBehind(now.minus(Duration.ofMinutes(115)));
        app.refreshState();
        Scrape later = Scrape.metrics(app.httpPort());
        assertThat(later.value("jobwatch_monitor_status", "monitor", MONITOR, "status", "down"))
            .isEqualTo(1);
      }
    }
  }

  /** One run of the monitored script: submitted, started, finished with {@code exitCode}. */
  private static void run(Harness harness, String jobId, Instant finishedAt, int exitCode) {
    harness.lifecycleEvent(
        "job.submitted",
        finishedAt.minus(Duration.ofMinutes(5)),
        data("job_id", jobId, "service", "exports", "runner", "cron", "monitor", MONITOR));
    harness.lifecycleEvent(
        "job.started",
        finishedAt.minus(Duration.ofMinutes(4)),
        data("job_id", jobId, "runner", "cron", "attempt", 1));
    harness.lifecycleEvent(
        "job.finished", finishedAt, data("job_id", jobId, "attempt", 1, "exit_code", exitCode));
  }
}
