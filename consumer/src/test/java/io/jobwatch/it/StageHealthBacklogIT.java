package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.store.ProgressTable;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Stage alerts while a backlog drains after an outage of jobwatch: the errors topic has drained,
 * the lifecycle topic (with the {@code job.started} that proves a stage's recovery) is still read
 * only up to 30 minutes ago. The exported stage, runner and service health are judged as of that
 * instant; {@code stage_health} keeps the fold of everything read.
 *
 * <p>The lifecycle partition is held behind deterministically: while the errors drain, the instance
 * under test consumes the errors topic only, and the lifecycle partition's owner (another instance
 * of the group, still draining) reports it behind, read up to 30 minutes ago, as {@code
 * ProgressTracker} does. Then a normal instance drains the lifecycle topic to the end.
 */
@WithInfra
class StageHealthBacklogIT {
  private static final String RUNNER = "slurm";

  @Test
  @DisplayName(
      "While the lifecycle backlog drains, a start stage whose errors began after the stream's"
          + " watermark is exported ok (its recovery is unread), one in error since before it"
          + " pages, one half-way shows warning; a real failure is exported as error once the"
          + " watermark passes it, and once caught up the recovered stage is ok")
  void stageHealthIsJudgedAtTheWatermarkWhileABacklogDrains(Infra infra) {
    try (Harness harness = new Harness(infra, 1)) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Instant readUpTo = now.minus(Duration.ofMinutes(30));
      // recovers: failed from 20 to 18 minutes ago, a job started on it 10 minutes ago.
      errors(harness, "recovers", minutesAgo(now, 20), minutesAgo(now, 19), minutesAgo(now, 18));
      // broken-early: in error since 38 minutes ago, before the watermark, never recovered.
      errors(
          harness, "broken-early", minutesAgo(now, 40), minutesAgo(now, 39), minutesAgo(now, 38));
      // broken-late: failed from 20 minutes ago on and never recovered.
      errors(harness, "broken-late", minutesAgo(now, 20), minutesAgo(now, 19), minutesAgo(now, 18));
      // half-early: one error before the watermark (a warning then), two after it.
      errors(harness, "half-early", minutesAgo(now, 35), minutesAgo(now, 25), minutesAgo(now, 24));
      harness.lifecycleEvent(
          "job.submitted",
          minutesAgo(now, 11),
          data("job_id", "recovering-1", "service", "recovers", "runner", RUNNER));
      harness.lifecycleEvent(
          "job.started",
          minutesAgo(now, 10),
          data("job_id", "recovering-1", "runner", RUNNER, "attempt", 1));
      harness.flush();

      String idle = infra.newTopic("lifecycle-idle", 1);
      try (JobwatchApp app =
          JobwatchApp.start(
              harness.settings().withTopics(idle, harness.errors), Clock.systemUTC())) {
        Harness.await(
            "the errors of four services applied",
            Duration.ofSeconds(120),
            () ->
                harness.countOnceMigrated("SELECT count(*) FROM stage_health WHERE error_count = 3")
                    == 4);
        reportLifecycleBehind(harness, readUpTo);
        app.refreshState();
        Scrape during = Scrape.metrics(app.httpPort());

        assertThat(during.value("jobwatch_watermark_timestamp_seconds"))
            .isEqualTo(readUpTo.getEpochSecond());
        // Operators see the fold of what was read: every stage at error.
        assertThat(storedSeverities(harness))
            .containsExactlyInAnyOrderEntriesOf(
                Map.of(
                    "recovers", "error",
                    "broken-early", "error",
                    "broken-late", "error",
                    "half-early", "error"));
        // The alerting series, as of the watermark.
        assertThat(stageHealth(during, "recovers")).isEqualTo(0);
        assertThat(stageHealth(during, "broken-late")).isEqualTo(0);
        assertThat(stageHealth(during, "broken-early")).isEqualTo(2);
        assertThat(stageHealth(during, "half-early")).isEqualTo(1);
        assertThat(during.value("jobwatch_service_health", "service", "recovers")).isEqualTo(0);
        assertThat(during.value("jobwatch_service_health", "service", "broken-early")).isEqualTo(2);
        assertThat(
                during.value("jobwatch_runner_health", "service", "half-early", "runner", RUNNER))
            .isEqualTo(1);

        // The lifecycle drain reaches 15 minutes ago: past the errors of broken-late and of
        // recovers (whose job.started, 10 minutes ago, is still unread), which now page.
        reportLifecycleBehind(harness, minutesAgo(now, 15));
        app.refreshState();
        Scrape later = Scrape.metrics(app.httpPort());
        assertThat(stageHealth(later, "broken-late")).isEqualTo(2);
        assertThat(stageHealth(later, "recovers")).isEqualTo(2);
        assertThat(stageHealth(later, "half-early")).isEqualTo(2);
        assertThat(later.value("jobwatch_service_health", "service", "broken-late")).isEqualTo(2);
      }

      try (JobwatchApp app = harness.startApp()) {
        Harness.await(
            "the recovering job started",
            Duration.ofSeconds(120),
            () ->
                harness.count(
                        "SELECT count(*) FROM jobs WHERE job_id = 'recovering-1'"
                            + " AND state = 'running'")
                    == 1);
        // The idle topic's row of the first instance goes stale and is then ignored (a topic
        // nobody consumes any more); only the two topics consumed now must be caught up.
        Harness.await(
            "every partition reported caught up",
            Duration.ofSeconds(60),
            () ->
                harness.count(
                        "SELECT count(*) FROM consumer_progress WHERE group_id = '"
                            + harness.group
                            + "' AND topic IN ('"
                            + harness.lifecycle
                            + "', '"
                            + harness.errors
                            + "') AND NOT (caught_up AND reported_at > now() - interval '10 s')")
                    == 0);
        app.refreshState();
        Scrape after = Scrape.metrics(app.httpPort());

        assertThat(storedSeverities(harness)).containsEntry("recovers", "ok");
        assertThat(stageHealth(after, "recovers")).isEqualTo(0);
        assertThat(stageHealth(after, "broken-late")).isEqualTo(2);
        assertThat(stageHealth(after, "broken-early")).isEqualTo(2);
        assertThat(stageHealth(after, "half-early")).isEqualTo(2);
        assertThat(after.value("jobwatch_service_health", "service", "broken-late")).isEqualTo(2);
      }
    }
  }

  private static Instant minutesAgo(Instant now, int minutes) {
    return now.minus(Duration.ofMinutes(minutes));
  }

  /** Operating-system errors of the start stage, one at each time. */
  private static void errors(Harness harness, String service, Instant... times) {
    for (Instant time : times) {
      harness.stageEvent(
          "stage.error",
          time,
          data(
              "service",
              service,
              "runner",
              RUNNER,
              "stage",
              "start",
              "error_class",
              "ConnectionError",
              "message",
              "sbatch: connection refused"));
    }
  }

  /** What the owner of the lifecycle partition reports while it is still behind. */
  private static void reportLifecycleBehind(Harness harness, Instant watermark) {
    harness
        .jdbi()
        .useHandle(
            handle ->
                ProgressTable.report(
                    handle,
                    harness.group,
                    "other-instance@host",
                    Instant.now(),
                    List.of(
                        new ProgressTable.Report(harness.lifecycle, 0, watermark, false, 5000L))));
  }

  private static double stageHealth(Scrape scrape, String service) {
    return scrape.value(
        "jobwatch_stage_health", "service", service, "runner", RUNNER, "stage", "start");
  }

  private static Map<String, String> storedSeverities(Harness harness) {
    return harness.rows("SELECT service, severity::text AS severity FROM stage_health").stream()
        .collect(
            Collectors.toMap(
                row -> (String) row.get("service"), row -> (String) row.get("severity")));
  }
}
