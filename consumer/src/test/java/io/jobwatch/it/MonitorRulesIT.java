package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 14.3 end to end: declarations with run rules and monitored runs published to Kafka, folded
 * into PostgreSQL, re-read and re-evaluated by the exporter, exported as metrics.
 */
class MonitorRulesIT extends SharedAppIT {
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private void declare(String monitor, Map<String, Object> rules) {
    Map<String, Object> data =
        new LinkedHashMap<>(
            data(
                "monitor",
                monitor,
                "team",
                "batch",
                "schedule",
                data("every", "PT1H"),
                "grace",
                "PT10M"));
    data.putAll(rules);
    harness.applyLifecycle("monitor.declared", now.minus(Duration.ofHours(3)), data);
  }

  private void run(String monitor, String jobId, Instant started, Instant finished, int exit) {
    harness.applyLifecycle(
        "job.submitted",
        started.minusSeconds(1),
        data("job_id", jobId, "service", "backup", "runner", "cron", "monitor", monitor));
    harness.applyLifecycle(
        "job.started", started, data("job_id", jobId, "runner", "cron", "attempt", 1));
    harness.applyLifecycle(
        "job.finished", finished, data("job_id", jobId, "attempt", 1, "exit_code", exit));
  }

  private Map<String, Object> status(String monitor) {
    app.refreshState();
    return harness.row(
        "SELECT status, consecutive_failures, failure_threshold FROM monitor_status"
            + " WHERE monitor = :p0",
        monitor);
  }

  private double statusGauge(String monitor, String status) {
    return app.registry()
        .get("jobwatch.monitor.status")
        .tags("monitor", monitor, "status", status)
        .gauge()
        .value();
  }

  @Test
  @DisplayName("failure_threshold 2: one failed run stays up, the second in a row is down")
  void failureThreshold() {
    declare("rules-threshold", data("failure_threshold", 2, "recovery_threshold", 1));
    run("rules-threshold", "rt-1", now.minusSeconds(600), now.minusSeconds(590), 1);

    assertThat(status("rules-threshold"))
        .containsEntry("status", "up")
        .containsEntry("consecutive_failures", 1)
        .containsEntry("failure_threshold", 2);

    run("rules-threshold", "rt-2", now.minusSeconds(300), now.minusSeconds(290), 1);

    assertThat(status("rules-threshold"))
        .containsEntry("status", "down")
        .containsEntry("consecutive_failures", 2);
    assertThat(statusGauge("rules-threshold", "down")).isEqualTo(1.0);
    assertThat(
            app.registry()
                .get("jobwatch.monitor.consecutive.failures")
                .tags("monitor", "rules-threshold")
                .gauge()
                .value())
        .isEqualTo(2.0);
  }

  @Test
  @DisplayName("min_runtime PT5M: a success that took 2 seconds is down, one of 6 minutes is up")
  void minRuntime() {
    declare("rules-too-short", data("min_runtime", "PT5M"));
    run("rules-too-short", "ts-1", now.minusSeconds(900), now.minusSeconds(540), 0);
    assertThat(status("rules-too-short")).containsEntry("status", "up");

    run("rules-too-short", "ts-2", now.minusSeconds(120), now.minusSeconds(118), 0);

    assertThat(status("rules-too-short"))
        .containsEntry("status", "down")
        .containsEntry("consecutive_failures", 1);
  }

  @Test
  @DisplayName(
      "min_runtime PT5M: a 2-second success re-run by the operator is a retry of a failed run, not"
          + " down while the re-run runs; the re-run's own short success is down again")
  void minRuntimeRerun() {
    declare("rules-too-short-rerun", data("min_runtime", "PT5M"));
    run("rules-too-short-rerun", "tsr-1", now.minusSeconds(900), now.minusSeconds(540), 0);
    run("rules-too-short-rerun", "tsr-2", now.minusSeconds(120), now.minusSeconds(118), 0);
    assertThat(status("rules-too-short-rerun"))
        .containsEntry("status", "down")
        .containsEntry("consecutive_failures", 1);

    harness.applyLifecycle(
        "job.requeued",
        now.minusSeconds(60),
        data("job_id", "tsr-2", "attempt", 2, "reason", "cleared"));
    harness.applyLifecycle(
        "job.started",
        now.minusSeconds(50),
        data("job_id", "tsr-2", "runner", "cron", "attempt", 2));

    assertThat(status("rules-too-short-rerun"))
        .containsEntry("status", "up")
        .containsEntry("consecutive_failures", 0);
    assertThat(statusGauge("rules-too-short-rerun", "down")).isEqualTo(0.0);

    harness.applyLifecycle(
        "job.finished",
        now.minusSeconds(48),
        data("job_id", "tsr-2", "attempt", 2, "exit_code", 0));
    assertThat(status("rules-too-short-rerun"))
        .containsEntry("status", "down")
        .containsEntry("consecutive_failures", 1);
  }

  @Test
  @DisplayName("max_runs_per_period 1 per hour: a second run within the hour is too_often")
  void tooOften() {
    declare("rules-too-often", data("max_runs_per_period", data("runs", 1, "period", "PT1H")));
    run("rules-too-often", "to-1", now.minusSeconds(1200), now.minusSeconds(1190), 0);
    assertThat(status("rules-too-often")).containsEntry("status", "up");

    run("rules-too-often", "to-2", now.minusSeconds(60), now.minusSeconds(50), 0);

    assertThat(status("rules-too-often")).containsEntry("status", "too_often");
    assertThat(statusGauge("rules-too-often", "too_often")).isEqualTo(1.0);
    assertThat(statusGauge("rules-too-often", "up")).isEqualTo(0.0);
  }

  @Test
  @DisplayName("start_grace PT5M: no start 5 minutes after the expected time is down within grace")
  void startGrace() {
    Map<String, Object> data =
        new LinkedHashMap<>(
            data(
                "monitor",
                "rules-start-grace",
                "team",
                "batch",
                "schedule",
                data("every", "PT10M"),
                "grace",
                "PT1H",
                "start_grace",
                "PT5M"));
    harness.applyLifecycle("monitor.declared", now.minus(Duration.ofHours(3)), data);
    // Last success 17 minutes ago: expected 7 minutes ago, start grace over 2 minutes ago.
    run("rules-start-grace", "sg-1", now.minusSeconds(1080), now.minusSeconds(1020), 0);

    assertThat(status("rules-start-grace")).containsEntry("status", "down");

    harness.applyLifecycle(
        "job.submitted",
        now.minusSeconds(31),
        data(
            "job_id",
            "sg-2",
            "service",
            "backup",
            "runner",
            "cron",
            "monitor",
            "rules-start-grace"));
    harness.applyLifecycle(
        "job.started",
        now.minusSeconds(30),
        data("job_id", "sg-2", "runner", "cron", "attempt", 1));

    // Started, although late: no longer down, late until its (one hour) grace ends.
    assertThat(status("rules-start-grace")).containsEntry("status", "late");
  }

  @Test
  @DisplayName(
      "a run the scheduler cancelled, whose SIGTERM exit (143) arrived before the cancel, is no"
          + " failure: up, as when the cancel arrives first")
  void cancelArrivingAfterTheExitItPrecedes() {
    declare("rules-cancelled", Map.of());
    run("rules-cancelled", "rc-1", now.minusSeconds(1200), now.minusSeconds(1190), 0);
    run("rules-cancelled", "rc-2", now.minusSeconds(300), now.minusSeconds(120), 143);
    assertThat(status("rules-cancelled")).containsEntry("status", "down");

    // The scheduler's cancel, a second before the runner saw the process end, arrives last.
    harness.applyLifecycle(
        "job.cancelled", now.minusSeconds(121), data("job_id", "rc-2", "reason", "operator"));

    assertThat(harness.row("SELECT state FROM jobs WHERE job_id = :p0", "rc-2"))
        .containsEntry("state", "cancelled");
    assertThat(status("rules-cancelled"))
        .containsEntry("status", "up")
        .containsEntry("consecutive_failures", 0);
    assertThat(statusGauge("rules-cancelled", "down")).isEqualTo(0.0);
    assertThat(statusGauge("rules-cancelled", "up")).isEqualTo(1.0);
  }

  private void started(String monitor, String jobId, Instant started) {
    harness.applyLifecycle(
        "job.submitted",
        started.minusSeconds(1),
        data("job_id", jobId, "service", "backup", "runner", "cron", "monitor", monitor));
    harness.applyLifecycle(
        "job.started", started, data("job_id", jobId, "runner", "cron", "attempt", 1));
  }

  @Test
  @DisplayName(
      "every 5 minutes, 7 minutes a run: the run started while the previous one ran is the last"
          + " start, and when it hangs past max_runtime the monitor is overrun")
  void overlappingRunHangs() {
    Map<String, Object> data =
        data(
            "monitor",
            "rules-overlap",
            "team",
            "batch",
            "schedule",
            data("every", "PT5M"),
            "grace",
            "PT30M",
            "max_runtime",
            "PT10M");
    harness.applyLifecycle("monitor.declared", now.minus(Duration.ofHours(3)), data);
    started("rules-overlap", "ov-1", now.minusSeconds(20 * 60));
    // ov-2 starts while ov-1 runs; ov-1 finishes; ov-2 never does (killed without a word).
    started("rules-overlap", "ov-2", now.minusSeconds(15 * 60));
    harness.applyLifecycle(
        "job.finished",
        now.minusSeconds(13 * 60),
        data("job_id", "ov-1", "attempt", 1, "exit_code", 0));
    started("rules-overlap", "ov-3", now.minusSeconds(3 * 60));

    assertThat(status("rules-overlap")).containsEntry("status", "overrun");
    assertThat(statusGauge("rules-overlap", "overrun")).isEqualTo(1.0);
    Map<String, Object> row =
        harness.row("SELECT last_start_at FROM monitors WHERE monitor = :p0", "rules-overlap");
    assertThat(Harness.instant(row.get("last_start_at"))).isEqualTo(now.minusSeconds(3 * 60));
  }

  @Test
  @DisplayName("retired while its last run failed and declared again: not down for the old failure")
  void redeclaredAfterFailedRetirement() {
    declare("rules-comeback", Map.of());
    run("rules-comeback", "cb-1", now.minusSeconds(7200), now.minusSeconds(7190), 1);
    assertThat(status("rules-comeback")).containsEntry("status", "down");
    harness.applyLifecycle(
        "monitor.retired", now.minusSeconds(3600), data("monitor", "rules-comeback"));
    harness.applyLifecycle(
        "monitor.declared",
        now.minusSeconds(60),
        data(
            "monitor",
            "rules-comeback",
            "team",
            "batch",
            "schedule",
            data("every", "PT1H"),
            "grace",
            "PT10M"));

    assertThat(status("rules-comeback"))
        .containsEntry("status", "up")
        .containsEntry("consecutive_failures", 0);
    assertThat(statusGauge("rules-comeback", "down")).isEqualTo(0.0);
  }

  @Test
  @DisplayName(
      "paused, retired and declared again: watched again, down at its missed deadline, not paused")
  void pausedRetiredAndDeclaredAgainIsWatched() {
    declare("rules-reborn", Map.of());
    harness.applyLifecycle(
        "monitor.paused", now.minus(Duration.ofMinutes(170)), data("monitor", "rules-reborn"));
    harness.applyLifecycle(
        "monitor.retired", now.minus(Duration.ofMinutes(160)), data("monitor", "rules-reborn"));
    assertThat(status("rules-reborn")).containsEntry("status", "retired");
    harness.applyLifecycle(
        "monitor.declared",
        now.minus(Duration.ofMinutes(150)),
        data(
            "monitor",
            "rules-reborn",
            "team",
            "batch",
            "schedule",
            data("every", "PT1H"),
            "grace",
            "PT10M"));

    // Expected 90 minutes ago, deadline 80 minutes ago, no run: the new script never ran.
    Map<String, Object> row = status("rules-reborn");
    assertThat(row).containsEntry("status", "down");
    assertThat(statusGauge("rules-reborn", "down")).isEqualTo(1.0);
    assertThat(statusGauge("rules-reborn", "paused")).isEqualTo(0.0);
    assertThat(harness.row("SELECT paused FROM monitors WHERE monitor = :p0", "rules-reborn"))
        .containsEntry("paused", false);
  }

  @Test
  @DisplayName(
      "a daily schedule moved later in the day after today's run is not down for the new time"
          + " it never had; its next missed run is")
  void scheduleMovedLaterInTheDay() {
    ZonedDateTime utc = now.atZone(ZoneOffset.UTC);
    ZonedDateTime oldTime = utc.minusMinutes(125);
    ZonedDateTime newTime = utc.minusMinutes(60);
    Map<String, Object> daily =
        data(
            "monitor",
            "rules-moved",
            "team",
            "batch",
            "schedule",
            data(
                "cron",
                oldTime.getMinute() + " " + oldTime.getHour() + " * * *",
                "timezone",
                "UTC"),
            "grace",
            "PT10M");
    harness.applyLifecycle("monitor.declared", now.minus(Duration.ofDays(3)), daily);
    Instant ran = oldTime.toInstant().truncatedTo(ChronoUnit.MINUTES);
    run("rules-moved", "moved-1", ran, ran.plusSeconds(60), 0);
    assertThat(status("rules-moved")).containsEntry("status", "up");

    Map<String, Object> moved = new LinkedHashMap<>(daily);
    moved.put(
        "schedule",
        data("cron", newTime.getMinute() + " " + newTime.getHour() + " * * *", "timezone", "UTC"));
    harness.applyLifecycle("monitor.declared", now.minus(Duration.ofMinutes(10)), moved);

    // Today's new time (an hour ago, deadline 50 minutes ago) came before the change: not due.
    assertThat(status("rules-moved")).containsEntry("status", "up");
    assertThat(statusGauge("rules-moved", "down")).isEqualTo(0.0);
    Instant tomorrow = newTime.plusDays(1).truncatedTo(ChronoUnit.MINUTES).toInstant();
    assertThat(
            harness.row(
                "SELECT extract(epoch FROM expected_at)::bigint AS expected,"
                    + " extract(epoch FROM schedule_replaced_at)::bigint AS replaced"
                    + " FROM monitors WHERE monitor = :p0",
                "rules-moved"))
        .containsEntry("expected", tomorrow.getEpochSecond())
        .containsEntry("replaced", now.minus(Duration.ofDays(3)).getEpochSecond());
    // The same schedule declared again (a deploy) moves nothing.
    harness.applyLifecycle("monitor.declared", now.minus(Duration.ofMinutes(5)), moved);
    assertThat(
            harness.row(
                "SELECT extract(epoch FROM expected_at)::bigint AS expected FROM monitors"
                    + " WHERE monitor = :p0",
                "rules-moved"))
        .containsEntry("expected", tomorrow.getEpochSecond());
  }
}
