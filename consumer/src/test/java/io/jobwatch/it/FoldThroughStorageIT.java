package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static io.jobwatch.it.Envelopes.dependency;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.testing.Infra;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fold's acceptance rules, end to end: events published to Kafka, folded by a running {@link
 * JobwatchApp}, checked as rows and views in PostgreSQL. The tests share one app and database and
 * keep apart by using their own services, jobs and monitors.
 */
class FoldThroughStorageIT extends SharedAppIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final String RUNNER = "slurm";

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private Map<String, Object> stageError(
      String service, String stage, String errorClass, String severity) {
    Map<String, Object> data =
        data(
            "service",
            service,
            "runner",
            RUNNER,
            "stage",
            stage,
            "error_class",
            errorClass,
            "message",
            errorClass + " in " + stage);
    if (severity != null) {
      data.put("severity", severity);
    }
    return data;
  }

  private static Map<String, Object> stageOk(String service, String stage) {
    return data("service", service, "runner", RUNNER, "stage", stage);
  }

  private String severity(String service, String stage) {
    return (String) harness.stage(service, RUNNER, stage).get("severity");
  }

  private Map<String, Object> serviceHealth(String service) {
    return harness.row(
        "SELECT severity::text AS severity, worst_stage, worst_runner FROM service_health"
            + " WHERE service = :p0",
        service);
  }

  @Test
  @DisplayName(
      "A check_status error survives a later successful start and a start error survives a later"
          + " check_status success; the service shows the worst stage and stage.ok clears only its"
          + " stage")
  void stagesStayApart() {
    String service = "fold-stages";
    harness.applyStage(
        "stage.error", at(1), stageError(service, "check_status", "ValueError", null));
    harness.applyLifecycle(
        "job.submitted", at(2), data("job_id", "stages-1", "service", service, "runner", RUNNER));
    harness.applyLifecycle(
        "job.started", at(3), data("job_id", "stages-1", "runner", RUNNER, "attempt", 1));

    assertThat(severity(service, "check_status")).isEqualTo("fatal");
    assertThat(severity(service, "start")).isEqualTo("ok");
    assertThat(serviceHealth(service))
        .containsEntry("severity", "fatal")
        .containsEntry("worst_stage", "check_status")
        .containsEntry("worst_runner", RUNNER);

    harness.applyStage("stage.error", at(4), stageError(service, "start", "OSError", "error"));
    harness.applyStage("stage.ok", at(5), stageOk(service, "check_status"));

    assertThat(severity(service, "check_status")).isEqualTo("ok");
    assertThat(severity(service, "start")).isEqualTo("error");
    assertThat(serviceHealth(service))
        .containsEntry("severity", "error")
        .containsEntry("worst_stage", "start");

    harness.applyStage("stage.ok", at(6), stageOk(service, "start"));

    assertThat(severity(service, "start")).isEqualTo("ok");
    assertThat(severity(service, "check_status")).isEqualTo("ok");
    assertThat(serviceHealth(service)).containsEntry("severity", "ok");
    assertThat(harness.count("SELECT count(*) FROM stage_health WHERE service = 'fold-stages'"))
        .isEqualTo(2);
  }

  @Test
  @DisplayName(
      "Three ConnectionErrors in submit read warning, warning, error; a ValueError is fatal at"
          + " once; an explicit severity wins over the classification")
  void severityClassification() {
    String service = "fold-severity";
    List<String> expected = List.of("warning", "warning", "error");
    for (int i = 0; i < 3; i++) {
      harness.applyStage(
          "stage.error", at(10 + i), stageError(service, "submit", "ConnectionError", null));
      Map<String, Object> submit = harness.stage(service, RUNNER, "submit");
      assertThat(submit)
          .as("after ConnectionError %d", i + 1)
          .containsEntry("severity", expected.get(i))
          .containsEntry("consecutive_errors", i + 1)
          .containsEntry("error_count", (long) i + 1)
          .containsEntry("last_error_class", "ConnectionError");
    }

    harness.applyStage("stage.error", at(20), stageError(service, "cancel", "ValueError", null));
    assertThat(harness.stage(service, RUNNER, "cancel"))
        .containsEntry("severity", "fatal")
        .containsEntry("consecutive_errors", 1);

    harness.applyStage(
        "stage.error", at(21), stageError(service, "check_status", "ValueError", "warning"));
    harness.applyStage(
        "stage.error", at(22), stageError(service, "start", "ConnectionError", "fatal"));
    assertThat(severity(service, "check_status")).isEqualTo("warning");
    assertThat(severity(service, "start")).isEqualTo("fatal");
    assertThat(severity(service, "submit")).isEqualTo("error");
  }

  @Test
  @DisplayName(
      "Exit 127 after submission is a platform crash that marks the runner's start stage, exit"
          + " 137 is a crash by signal 9, exit 1 fails the job without touching service health")
  void exitCodes() {
    harness.applyLifecycle(
        "job.submitted",
        at(30),
        data("job_id", "exit-127", "service", "fold-127", "runner", RUNNER));
    String finished =
        harness.applyLifecycle(
            "job.finished", at(31), data("job_id", "exit-127", "attempt", 1, "exit_code", 127));
    assertThat(harness.job("exit-127"))
        .containsEntry("state", "crashed")
        .containsEntry("blame", "platform")
        .containsEntry("cause", "not_started")
        .containsEntry("exit_code", 127);
    assertThat(harness.outcome(finished)).isEqualTo("applied");
    Map<String, Object> start = harness.stage("fold-127", RUNNER, "start");
    assertThat(start)
        .containsEntry("severity", "warning")
        .containsEntry("consecutive_errors", 1)
        .containsEntry("error_count", 1L)
        .containsEntry("last_error_class", "NotStarted")
        .containsEntry("last_error_job_id", "exit-127");
    assertThat(Harness.instant(start.get("last_error_at"))).isEqualTo(at(31));

    harness.applyLifecycle(
        "job.submitted",
        at(32),
        data("job_id", "exit-137", "service", "fold-137", "runner", RUNNER));
    harness.applyLifecycle(
        "job.started", at(33), data("job_id", "exit-137", "runner", RUNNER, "attempt", 1));
    harness.applyLifecycle(
        "job.finished", at(34), data("job_id", "exit-137", "attempt", 1, "exit_code", 137));
    assertThat(harness.job("exit-137"))
        .containsEntry("state", "crashed")
        .containsEntry("blame", "unknown")
        .containsEntry("cause", "signal_9")
        .containsEntry("exit_code", 137);

    harness.applyLifecycle(
        "job.submitted", at(35), data("job_id", "exit-1", "service", "fold-1", "runner", RUNNER));
    harness.applyLifecycle(
        "job.started", at(36), data("job_id", "exit-1", "runner", RUNNER, "attempt", 1));
    harness.applyLifecycle(
        "job.finished", at(37), data("job_id", "exit-1", "attempt", 1, "exit_code", 1));
    assertThat(harness.job("exit-1"))
        .containsEntry("state", "failed")
        .containsEntry("exit_code", 1)
        .containsEntry("blame", null)
        .containsEntry("cause", null);
    assertThat(
            harness.count(
                "SELECT count(*) FROM stage_health WHERE service = 'fold-1'"
                    + " AND (severity <> 'ok' OR error_count > 0)"))
        .isZero();
    assertThat(serviceHealth("fold-1")).containsEntry("severity", "ok");
  }

  @Test
  @DisplayName(
      "A late job.started does not reopen a finished job, and after a requeue to attempt 2 the"
          + " events of attempt 1 change nothing but job_events")
  void eventTimeAndAttempts() {
    String job = "late-start";
    harness.applyLifecycle(
        "job.submitted", at(40), data("job_id", job, "service", "fold-order", "runner", RUNNER));
    harness.applyLifecycle(
        "job.finished", at(50), data("job_id", job, "attempt", 1, "exit_code", 0));
    String lateButEarlier =
        harness.applyLifecycle(
            "job.started", at(45), data("job_id", job, "runner", RUNNER, "attempt", 1));
    String afterTheEnd =
        harness.applyLifecycle(
            "job.started", at(55), data("job_id", job, "runner", RUNNER, "attempt", 1));
    Map<String, Object> row = harness.job(job);
    assertThat(row).containsEntry("state", "succeeded").containsEntry("exit_code", 0);
    assertThat(Harness.instant(row.get("started_at"))).isEqualTo(at(45));
    assertThat(Harness.instant(row.get("finished_at"))).isEqualTo(at(50));
    assertThat(harness.outcome(lateButEarlier)).isEqualTo("applied");
    assertThat(harness.outcome(afterTheEnd)).isEqualTo("ignored");

    String retried = "requeued";
    harness.applyLifecycle(
        "job.submitted",
        at(60),
        data("job_id", retried, "service", "fold-order", "runner", RUNNER));
    harness.applyLifecycle(
        "job.started", at(61), data("job_id", retried, "runner", RUNNER, "attempt", 1));
    harness.applyLifecycle(
        "job.requeued", at(62), data("job_id", retried, "attempt", 2, "reason", "node lost"));
    Map<String, Object> before = harness.job(retried);
    String oldStatus =
        harness.applyLifecycle(
            "job.status", at(63), data("job_id", retried, "attempt", 1, "error", "stale"));
    String oldFinish =
        harness.applyLifecycle(
            "job.finished", at(64), data("job_id", retried, "attempt", 1, "exit_code", 0));
    String oldStart =
        harness.applyLifecycle(
            "job.started", at(65), data("job_id", retried, "runner", RUNNER, "attempt", 1));
    Map<String, Object> after = harness.job(retried);
    assertThat(after)
        .containsEntry("state", "queued")
        .containsEntry("attempt", 2)
        .containsEntry("exit_code", null)
        .containsEntry("runtime_error", null)
        .containsEntry("started_at", null)
        .containsEntry("finished_at", null);
    // updated_at is documented (JobRow) as the latest event time among all the job's events,
    // ignored ones included, so it is not compared; written_at is when the refold was written.
    for (String column : List.of("written_at", "updated_at")) {
      before.remove(column);
      after.remove(column);
    }
    assertThat(after).isEqualTo(before);
    // Issue 9: attempt 1's events fold before the requeue that opens attempt 2, whatever their
    // time. Attempt 1 was running, so its status and exit apply to attempt 1 (the row of attempt
    // 2 above is untouched); a second start of attempt 1 does not.
    assertThat(harness.outcome(oldStatus)).isEqualTo("applied");
    assertThat(harness.outcome(oldFinish)).isEqualTo("applied");
    assertThat(harness.outcome(oldStart)).isEqualTo("ignored");
    assertThat(harness.count("SELECT count(*) FROM job_events WHERE job_id = 'requeued'"))
        .isEqualTo(6);
  }

  @Test
  @DisplayName(
      "Runtime status: an error before the run is ignored, the first error is kept with a count,"
          + " a requeue clears error, warning and activity, and reusable follows the error")
  void runtimeStatus() {
    String job = "runtime";
    harness.applyLifecycle(
        "job.submitted", at(70), data("job_id", job, "service", "fold-runtime", "runner", RUNNER));
    String early =
        harness.applyLifecycle(
            "job.status", at(71), data("job_id", job, "attempt", 1, "error", "too early"));
    assertThat(harness.outcome(early)).isEqualTo("ignored");
    assertThat(harness.job(job))
        .containsEntry("runtime_error", null)
        .containsEntry("runtime_error_count", 0);

    harness.applyLifecycle(
        "job.started", at(72), data("job_id", job, "runner", RUNNER, "attempt", 1));
    harness.applyLifecycle(
        "job.status",
        at(73),
        data("job_id", job, "attempt", 1, "warning", "slow disk", "activity", "aligning"));
    assertThat(harness.job(job))
        .containsEntry("state", "running")
        .containsEntry("runtime_warning", "slow disk")
        .containsEntry("reusable", true);

    harness.applyLifecycle(
        "job.status", at(74), data("job_id", job, "attempt", 1, "error", "first"));
    harness.applyLifecycle(
        "job.status", at(75), data("job_id", job, "attempt", 1, "error", "second"));
    assertThat(harness.job(job))
        .containsEntry("runtime_error", "first (1 additional error)")
        .containsEntry("runtime_error_count", 2)
        .containsEntry("runtime_warning", "slow disk")
        .containsEntry("runtime_activity", "aligning")
        .containsEntry("reusable", false);

    harness.applyLifecycle("job.requeued", at(76), data("job_id", job, "attempt", 2));
    assertThat(harness.job(job))
        .containsEntry("state", "queued")
        .containsEntry("attempt", 2)
        .containsEntry("runtime_error", null)
        .containsEntry("runtime_error_count", 0)
        .containsEntry("runtime_error_details", null)
        .containsEntry("runtime_warning", null)
        .containsEntry("runtime_activity", null)
        .containsEntry("reusable", false);
  }

  @Test
  @DisplayName(
      "Dependencies: a cancelled dependency makes its dependants unsatisfiable unless accepted, a"
          + " self-dependency is invalid, and a job waiting 11 minutes after its dependency ended is"
          + " stuck")
  void dependencies() {
    String service = "fold-deps";
    harness.applyLifecycle(
        "job.submitted", at(80), data("job_id", "dep-a", "service", service, "runner", RUNNER));
    harness.applyLifecycle("job.cancelled", at(81), data("job_id", "dep-a", "reason", "user"));
    harness.applyLifecycle(
        "job.submitted",
        at(82),
        data("job_id", "dep-b", "service", service, "depends_on", List.of(dependency("dep-a"))));
    harness.applyLifecycle(
        "job.submitted",
        at(83),
        data("job_id", "dep-c", "service", service, "depends_on", List.of(dependency("dep-b"))));
    harness.applyLifecycle(
        "job.submitted",
        at(84),
        data(
            "job_id",
            "dep-d",
            "service",
            service,
            "depends_on",
            List.of(dependency("dep-a", "cancelled"))));
    harness.applyLifecycle(
        "job.submitted",
        at(85),
        data(
            "job_id",
            "dep-self",
            "service",
            service,
            "depends_on",
            List.of(dependency("dep-self"))));

    List<Map<String, Object>> waits =
        harness.rows(
            "SELECT job_id, depends_on, dependency_state, status, job_unsatisfiable FROM job_waits"
                + " WHERE job_id LIKE 'dep-%' ORDER BY job_id");
    assertThat(waits)
        .containsExactly(
            Map.of(
                "job_id", "dep-b",
                "depends_on", "dep-a",
                "dependency_state", "cancelled",
                "status", "unsatisfiable",
                "job_unsatisfiable", true),
            Map.of(
                "job_id", "dep-c",
                "depends_on", "dep-b",
                "dependency_state", "submitted",
                "status", "unsatisfiable",
                "job_unsatisfiable", true),
            Map.of(
                "job_id", "dep-d",
                "depends_on", "dep-a",
                "dependency_state", "cancelled",
                "status", "satisfied",
                "job_unsatisfiable", false),
            Map.of(
                "job_id", "dep-self",
                "depends_on", "dep-self",
                "dependency_state", "submitted",
                "status", "invalid",
                "job_unsatisfiable", true));

    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    harness.applyLifecycle(
        "job.submitted",
        now.minus(Duration.ofMinutes(13)),
        data("job_id", "stuck-dep", "service", service));
    harness.applyLifecycle(
        "job.finished",
        now.minus(Duration.ofMinutes(11)),
        data("job_id", "stuck-dep", "attempt", 1, "exit_code", 0));
    harness.applyLifecycle(
        "job.submitted",
        now.minus(Duration.ofMinutes(12)),
        data(
            "job_id", "stuck", "service", service, "depends_on", List.of(dependency("stuck-dep"))));
    harness.applyLifecycle(
        "job.submitted",
        now.minus(Duration.ofMinutes(3)),
        data("job_id", "fresh-dep", "service", service));
    harness.applyLifecycle(
        "job.finished",
        now.minus(Duration.ofMinutes(1)),
        data("job_id", "fresh-dep", "attempt", 1, "exit_code", 0));
    harness.applyLifecycle(
        "job.submitted",
        now.minus(Duration.ofMinutes(2)),
        data(
            "job_id", "fresh", "service", service, "depends_on", List.of(dependency("fresh-dep"))));

    List<Map<String, Object>> stuck =
        harness.rows(
            "SELECT job_id, state, last_dependency_ended_at FROM stuck_jobs"
                + " WHERE job_id IN ('stuck', 'fresh')");
    assertThat(stuck).hasSize(1);
    assertThat(stuck.get(0)).containsEntry("job_id", "stuck").containsEntry("state", "submitted");
    assertThat(Harness.instant(stuck.get(0).get("last_dependency_ended_at")))
        .isEqualTo(now.minus(Duration.ofMinutes(11)));
  }

  @Test
  @DisplayName(
      "Monitors: a nightly Berlin cron with a run yesterday gets its deadline from the schedule, a"
          + " failed run is down, a pause is paused and a retired monitor stays in monitor_status"
          + " as retired")
  void monitors() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    Instant now = Instant.now();
    LocalDate today = now.atZone(berlin).toLocalDate();
    Instant yesterdayRun =
        ZonedDateTime.of(today.minusDays(1), LocalTime.of(3, 0), berlin).toInstant();
    Instant expectedAt = ZonedDateTime.of(today, LocalTime.of(3, 0), berlin).toInstant();
    Instant deadline = expectedAt.plus(Duration.ofMinutes(30));
    String monitor = "nightly-backup";
    harness.applyLifecycle(
        "monitor.declared",
        now.minus(Duration.ofDays(3)),
        data(
            "monitor",
            monitor,
            "team",
            "storage",
            "schedule",
            data("cron", "0 3 * * *", "timezone", "Europe/Berlin"),
            "grace",
            "PT30M"));
    harness.applyLifecycle(
        "job.submitted",
        yesterdayRun,
        data("job_id", "backup-1", "service", "backup", "runner", "cron", "monitor", monitor));
    harness.applyLifecycle(
        "job.started",
        yesterdayRun.plusSeconds(5),
        data("job_id", "backup-1", "runner", "cron", "attempt", 1));
    harness.applyLifecycle(
        "job.finished",
        yesterdayRun.plusSeconds(300),
        data("job_id", "backup-1", "attempt", 1, "exit_code", 0));

    Instant before = Instant.now();
    app.refreshState();
    Instant after = Instant.now();
    Map<String, Object> row =
        harness.row(
            "SELECT status, team, last_success_at, expected_at, deadline FROM monitor_status"
                + " WHERE monitor = :p0",
            monitor);
    assertThat(row).containsEntry("team", "storage");
    assertThat(Harness.instant(row.get("last_success_at")))
        .isEqualTo(yesterdayRun.plusSeconds(300));
    assertThat(Harness.instant(row.get("expected_at"))).isEqualTo(expectedAt);
    assertThat(Harness.instant(row.get("deadline"))).isEqualTo(deadline);
    // Whether today's 03:00 has passed depends on when the test runs; the status must follow it.
    assertThat((String) row.get("status"))
        .isIn(
            nightlyStatus(before, expectedAt, deadline),
            nightlyStatus(after, expectedAt, deadline));

    harness.applyLifecycle(
        "job.submitted",
        now.minusSeconds(120),
        data("job_id", "backup-2", "service", "backup", "runner", "cron", "monitor", monitor));
    harness.applyLifecycle(
        "job.started",
        now.minusSeconds(110),
        data("job_id", "backup-2", "runner", "cron", "attempt", 1));
    harness.applyLifecycle(
        "job.finished",
        now.minusSeconds(60),
        data("job_id", "backup-2", "attempt", 1, "exit_code", 2));
    app.refreshState();
    assertThat(monitorStatus(monitor)).isEqualTo("down");

    harness.applyLifecycle("monitor.paused", now.minusSeconds(30), data("monitor", monitor));
    app.refreshState();
    Map<String, Object> paused =
        harness.row("SELECT status, deadline FROM monitor_status WHERE monitor = :p0", monitor);
    assertThat(paused).containsEntry("status", "paused").containsEntry("deadline", null);

    harness.applyLifecycle("monitor.retired", now.minusSeconds(20), data("monitor", monitor));
    app.refreshState();
    assertThat(monitorStatus(monitor)).isEqualTo("retired");
  }

  @Test
  @DisplayName(
      "A run reported in nanoseconds (Go's RFC3339Nano) is stored to the microsecond; refreshes"
          + " that change nothing leave the monitor's evaluation, and its evaluated_at, alone")
  void nanosecondRunIsNotReEvaluatedAtEveryRefresh() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String monitor = "nano-sync";
    harness.applyLifecycle(
        "monitor.declared",
        now.minus(Duration.ofHours(2)),
        data(
            "monitor",
            monitor,
            "team",
            "storage",
            "schedule",
            data("every", "PT1H"),
            "grace",
            "PT10M"));
    Instant finished = now.minusSeconds(60).plusNanos(123_456_789);
    harness.applyLifecycle(
        "job.submitted",
        finished.minusSeconds(30),
        data("job_id", "nano-1", "service", "sync", "runner", "cron", "monitor", monitor));
    harness.applyLifecycle(
        "job.started",
        finished.minusSeconds(20),
        data("job_id", "nano-1", "runner", "cron", "attempt", 1));
    harness.applyLifecycle(
        "job.finished", finished, data("job_id", "nano-1", "attempt", 1, "exit_code", 0));

    app.refreshState();
    Map<String, Object> first = nanoRow(monitor);
    app.refreshState();
    Map<String, Object> second = nanoRow(monitor);

    assertThat(first).containsEntry("status", "up");
    // PostgreSQL keeps microseconds: .123456789 is stored as .123457.
    assertThat(Harness.instant(first.get("expected_at")))
        .isEqualTo(now.minusSeconds(60).plus(Duration.ofHours(1)).plusNanos(123_457_000));
    assertThat(second).isEqualTo(first);
  }

  private Map<String, Object> nanoRow(String monitor) {
    return harness.row(
        "SELECT status, expected_at, deadline, evaluated_at FROM monitor_status WHERE monitor = :p0",
        monitor);
  }

  private String monitorStatus(String monitor) {
    return (String)
        harness.row("SELECT status FROM monitor_status WHERE monitor = :p0", monitor).get("status");
  }

  private static String nightlyStatus(Instant now, Instant expectedAt, Instant deadline) {
    if (now.isAfter(deadline)) {
      return "down";
    }
    return now.isAfter(expectedAt) ? "late" : "up";
  }

  @Test
  @DisplayName("The same event id published twice is stored once and counted once as a duplicate")
  void duplicates(Infra infra) {
    try (Harness own = new Harness(infra, 1);
        JobwatchApp ownApp = own.startApp()) {
      String event =
          Envelopes.event(
              "dup-1",
              "job.submitted",
              T0,
              Envelopes.json(data("job_id", "dup-job", "service", "fold-dup")));
      own.send(own.lifecycle, "dup-job", event);
      own.awaitStored("dup-1");
      // The publisher's retry arrives after the first copy was committed.
      own.send(own.lifecycle, "dup-job", event);
      own.flush();
      Harness.await(
          "the duplicate to be counted",
          Duration.ofSeconds(60),
          () -> ownApp.pipelineMetrics().count(own.lifecycle, Outcome.DUPLICATE) >= 1);
      // A later event on the same partition proves nothing else is in flight.
      own.applyLifecycle("job.queued", at(1), data("job_id", "dup-job"));

      assertThat(own.count("SELECT count(*) FROM job_events WHERE event_id = 'dup-1'"))
          .isEqualTo(1);
      assertThat(own.count("SELECT count(*) FROM job_events")).isEqualTo(2);
      assertThat(own.job("dup-job")).containsEntry("state", "queued");
      // Stored is not counted yet: the counters move after the COMMIT returned.
      own.awaitCounted(ownApp, 3);
      Scrape scrape = Scrape.metrics(ownApp.httpPort());
      assertThat(
              scrape.value("jobwatch_events_total", "topic", own.lifecycle, "outcome", "duplicate"))
          .isEqualTo(1.0);
      assertThat(
              scrape.value("jobwatch_events_total", "topic", own.lifecycle, "outcome", "applied"))
          .isEqualTo(2.0);
    }
  }

  @Test
  @DisplayName(
      "An event id sent twice back to back, normally inside one poll, is stored once and counted"
          + " once as a duplicate")
  void duplicatesInOneBatch(Infra infra) {
    try (Harness own = new Harness(infra, 1);
        JobwatchApp ownApp = own.startApp()) {
      String event =
          Envelopes.event(
              "dup-2",
              "job.submitted",
              T0,
              Envelopes.json(data("job_id", "dup-job-2", "service", "fold-dup")));
      own.send(own.lifecycle, "dup-job-2", event);
      own.send(own.lifecycle, "dup-job-2", event);
      own.applyLifecycle("job.queued", at(1), data("job_id", "dup-job-2"));

      assertThat(own.count("SELECT count(*) FROM job_events")).isEqualTo(2);
      // Stored is not counted yet: the counters move after the COMMIT returned.
      own.awaitCounted(ownApp, 3);
      Scrape scrape = Scrape.metrics(ownApp.httpPort());
      assertThat(
              scrape.value("jobwatch_events_total", "topic", own.lifecycle, "outcome", "duplicate"))
          .isEqualTo(1.0);
      assertThat(
              scrape.value("jobwatch_events_total", "topic", own.lifecycle, "outcome", "applied"))
          .isEqualTo(2.0);
    }
  }
}
