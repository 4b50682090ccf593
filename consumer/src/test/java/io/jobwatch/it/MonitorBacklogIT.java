package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 10.3, "a backlog pages nobody": events published while no consumer runs, with event times
 * in the past, are drained by a real consumer from a real broker into a real database while {@code
 * monitor_status} is sampled.
 */
@WithInfra
class MonitorBacklogIT {
  private static final String ON_TIME = "backlog-on-time";
  private static final String REALLY_LATE = "backlog-really-late";

  private record Sample(String monitor, String status, Instant evaluatedAt, Instant deadline) {}

  @Test
  @DisplayName(
      "A monitor whose successful runs sit in a backlog is never down while the backlog drains,"
          + " although the wall clock is past its deadline; one that was really late goes down")
  void backlogPagesNobody(Infra infra) {
    // Small batches and many filler jobs: the drain must outlast several of the samples below and
    // of the app's 1 s state refreshes even on a fast machine (with 20 records a batch and a
    // third of the fillers it drained in about a second on one, between two samples).
    try (Harness harness = new Harness(infra, 2, Map.of("JOBWATCH_MAX_POLL_RECORDS", "5"))) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Instant start = now.minus(Duration.ofMinutes(30));
      int events = publishBacklog(harness, start, now);
      harness.flush();

      List<Sample> samples = new ArrayList<>();
      try (JobwatchApp app = harness.startApp()) {
        Harness.await(
            "the backlog of " + events + " events drained",
            Duration.ofSeconds(300),
            () -> {
              samples.addAll(sample(harness));
              return harness.countOnceMigrated("SELECT count(*) FROM job_events") >= events;
            });
        samples.addAll(sample(harness));

        List<Sample> onTime = samples.stream().filter(s -> s.monitor().equals(ON_TIME)).toList();
        assertThat(onTime).noneMatch(s -> s.status().equals("down"));
        // The drain was observed midway: judged at the stream's progress, far behind the wall
        // clock, which had passed the deadline of the early runs long ago.
        assertThat(onTime)
            .anySatisfy(
                s -> assertThat(s.evaluatedAt()).isBefore(now.minus(Duration.ofMinutes(5))));
        // Down only once the judgement (the watermark) had passed the really late one's deadline.
        assertThat(samples.stream().filter(s -> s.monitor().equals(REALLY_LATE)))
            .allSatisfy(
                s -> {
                  if ("down".equals(s.status())) {
                    assertThat(s.evaluatedAt()).isAfter(s.deadline());
                  }
                });

        Harness.await(
            "every partition reported caught up",
            Duration.ofSeconds(60),
            () ->
                harness.count(
                        "SELECT count(*) FROM consumer_progress WHERE group_id = '"
                            + harness.group
                            + "' AND NOT (caught_up AND reported_at > now() - interval '10 s')")
                    == 0);
        Instant caughtUpAt = Instant.now();
        app.refreshState();
        // Judged at the wall clock again: the watermark gauge is the time of the refresh.
        assertThat(app.registry().get("jobwatch.watermark.timestamp").gauge().value())
            .isGreaterThanOrEqualTo(caughtUpAt.getEpochSecond());
        Map<String, Object> onTimeRow = statusRow(harness, ON_TIME);
        assertThat(onTimeRow).containsEntry("status", "up");
        assertThat(Harness.instant(onTimeRow.get("last_success_at")))
            .isEqualTo(now.minusSeconds(10));
        Map<String, Object> lateRow = statusRow(harness, REALLY_LATE);
        assertThat(lateRow).containsEntry("status", "down");
        assertThat(Harness.instant(lateRow.get("deadline")))
            .isEqualTo(now.minus(Duration.ofMinutes(15)).minusSeconds(10).plusSeconds(90));
      }
    }
  }

  /**
   * The on-time monitor runs every 5 minutes with 5 minutes grace and succeeds up to 10 s before
   * {@code now} (the drain may take minutes on a loaded machine); the really late one runs every
   * minute with 30 s grace and stops 15 minutes before {@code now}. Filler jobs of another service
   * lengthen the drain. Everything is in event-time order, as publishers would have sent it.
   * Returns the number of events.
   */
  private static int publishBacklog(Harness harness, Instant start, Instant now) {
    int events = 0;
    for (String monitor : List.of(ON_TIME, REALLY_LATE)) {
      boolean onTime = monitor.equals(ON_TIME);
      harness.lifecycleEvent(
          "monitor.declared",
          start,
          data(
              "monitor",
              monitor,
              "team",
              "batch",
              "schedule",
              data("every", onTime ? "PT5M" : "PT1M"),
              "grace",
              onTime ? "PT5M" : "PT30S"));
      events++;
    }
    int minutes = (int) Duration.between(start, now).toMinutes();
    for (int minute = 1; minute <= minutes; minute++) {
      Instant finished = start.plus(Duration.ofMinutes(minute)).minusSeconds(10);
      if (minute % 5 == 0) {
        events += run(harness, ON_TIME + "-" + minute, ON_TIME, finished);
      }
      if (finished.isBefore(now.minus(Duration.ofMinutes(15)))) {
        events += run(harness, REALLY_LATE + "-" + minute, REALLY_LATE, finished);
      }
      for (int filler = 0; filler < 45; filler++) {
        events += run(harness, "filler-" + minute + "-" + filler, null, finished.minusSeconds(20));
      }
    }
    return events;
  }

  private static int run(Harness harness, String jobId, String monitor, Instant finished) {
    Map<String, Object> submitted =
        monitor == null
            ? data("job_id", jobId, "service", "filler", "runner", "cron")
            : data("job_id", jobId, "service", "backup", "runner", "cron", "monitor", monitor);
    harness.lifecycleEvent("job.submitted", finished.minusSeconds(5), submitted);
    harness.lifecycleEvent(
        "job.started",
        finished.minusSeconds(4),
        data("job_id", jobId, "runner", "cron", "attempt", 1));
    harness.lifecycleEvent(
        "job.finished", finished, data("job_id", jobId, "attempt", 1, "exit_code", 0));
    return 3;
  }

  private static List<Sample> sample(Harness harness) {
    try {
      return harness
          .rows(
              "SELECT monitor, status, evaluated_at, deadline FROM monitor_status"
                  + " WHERE status IS NOT NULL")
          .stream()
          .map(
              row ->
                  new Sample(
                      (String) row.get("monitor"),
                      (String) row.get("status"),
                      Harness.instant(row.get("evaluated_at")),
                      Harness.instant(row.get("deadline"))))
          .toList();
    } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException notMigratedYet) {
      return List.of();
    }
  }

  private static Map<String, Object> statusRow(Harness harness, String monitor) {
    return harness.row(
        "SELECT status, last_success_at, deadline FROM monitor_status WHERE monitor = :p0",
        monitor);
  }
}
