package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Slurm, HTCondor, Celery, Nomad, shell wrappers and Kubernetes CronJobs end to end, reported as
 * docs/publishing.md ("Mapping your scheduler") says, through Kafka into PostgreSQL and /metrics.
 * Expectations come from the product brief and the operators' documentation.
 */
class E2eSchedulerMappingsIT extends SharedAppIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private final List<String> sent = new ArrayList<>();

  private static Instant t(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }

  private String ev(String type, double at, Map<String, Object> data) {
    String id = harness.lifecycleEvent(type, t(at), data);
    sent.add(id);
    return id;
  }

  private void awaitSent() {
    harness.awaitStored(sent.toArray(String[]::new));
    sent.clear();
  }

  private Scrape scrape() {
    app.refreshState();
    return Scrape.metrics(app.httpPort());
  }

  @Test
  @DisplayName(
      "Slurm: an array task preempted and requeued whose crash report comes after the restart,"
          + " BOOT_FAIL as a start error, CANCELLED with the runner's late 143 still a cancel")
  void slurm() {
    String svc = "map-slurm";
    String task = "4242_7";
    ev("job.submitted", 0, data("job_id", task, "service", svc, "runner", "slurm"));
    ev("job.queued", 1, data("job_id", task, "attempt", 1, "runner", "slurm"));
    ev("job.started", 2, data("job_id", task, "runner", "slurm", "attempt", 1, "host", "n1"));
    ev("job.requeued", 10, data("job_id", task, "attempt", 2, "reason", "preempted"));
    ev("job.started", 12, data("job_id", task, "runner", "slurm", "attempt", 2, "host", "n2"));
    awaitSent();
    ev(
        "job.crashed",
        9,
        data("job_id", task, "attempt", 1, "blame", "platform", "cause", "preempted"));
    String boot = "4243";
    ev("job.submitted", 20, data("job_id", boot, "service", svc, "runner", "slurm"));
    ev("job.queued", 21, data("job_id", boot, "attempt", 1, "runner", "slurm"));
    ev(
        "job.crashed",
        25,
        data(
            "job_id",
            boot,
            "attempt",
            1,
            "blame",
            "platform",
            "cause",
            "not_started",
            "details",
            "BOOT_FAIL"));
    String cancelled = "4244";
    ev("job.submitted", 30, data("job_id", cancelled, "service", svc, "runner", "slurm"));
    ev("job.started", 31, data("job_id", cancelled, "runner", "slurm", "attempt", 1));
    ev("job.cancelled", 40, data("job_id", cancelled, "reason", "cancelled by uid 1001"));
    ev("job.finished", 40.2, data("job_id", cancelled, "attempt", 1, "exit_code", 143));
    awaitSent();

    assertThat(harness.job(task))
        .containsEntry("state", "running")
        .containsEntry("attempt", 2)
        .containsEntry("host", "n2")
        .containsEntry("blame", null);
    assertThat(harness.job(boot))
        .containsEntry("state", "crashed")
        .containsEntry("cause", "not_started");
    assertThat(harness.job(cancelled))
        .containsEntry("state", "cancelled")
        .containsEntry("exit_code", null);
    Map<String, Object> start = harness.stage(svc, "slurm", "start");
    assertThat(start.get("last_error_class")).isEqualTo("NotStarted");
    assertThat(start.get("last_error_job_id")).isEqualTo(boot);
    Scrape s = scrape();
    assertThat(s.value("jobwatch_job_crashes_total", "service", svc, "blame", "platform"))
        .isEqualTo(2.0);
    assertThat(s.value("jobwatch_job_crashes_total", "service", svc, "blame", "unknown")).isZero();
    assertThat(s.value("jobwatch_jobs", "service", svc, "state", "running")).isEqualTo(1.0);
    assertThat(s.value("jobwatch_jobs", "service", svc, "state", "cancelled")).isEqualTo(1.0);
  }

  @Test
  @DisplayName(
      "Slurm: the task's last error, stamped by its millisecond clock within the second of the"
          + " End the runner read from sacct (whole seconds), is the failed job's runtime_error,"
          + " whether it arrives before or after the end; a report in the next second is not")
  void slurmLastErrorWithinTheSecondOfAWholeSecondEnd() {
    String svc = "map-slurm-last-error";
    String early = "4250";
    String late = "4251";
    for (String job : List.of(early, late)) {
      ev("job.submitted", 0, data("job_id", job, "service", svc, "runner", "slurm"));
      ev("job.queued", 0.3, data("job_id", job, "attempt", 1, "runner", "slurm"));
      ev("job.started", 1, data("job_id", job, "runner", "slurm", "attempt", 1, "host", "n1"));
      ev("job.status", 5.25, data("job_id", job, "attempt", 1, "warning", "scratch 91% full"));
    }
    String earlyError =
        ev("job.status", 9.4, data("job_id", early, "attempt", 1, "error", "OSError: quota"));
    ev("job.finished", 9, data("job_id", early, "attempt", 1, "exit_code", 1));
    ev("job.finished", 9, data("job_id", late, "attempt", 1, "exit_code", 1));
    awaitSent();
    String lateError =
        ev("job.status", 9.4, data("job_id", late, "attempt", 1, "error", "OSError: quota"));
    String nextSecond =
        ev("job.status", 10.1, data("job_id", late, "attempt", 1, "activity", "cleaning up"));
    awaitSent();

    for (String job : List.of(early, late)) {
      assertThat(harness.job(job))
          .as(job)
          .containsEntry("state", "failed")
          .containsEntry("exit_code", 1)
          .containsEntry("runtime_error", "OSError: quota")
          .containsEntry("runtime_warning", "scratch 91% full")
          .containsEntry("runtime_activity", null)
          .containsEntry("blame", null);
      assertThat(Harness.instant(harness.job(job).get("finished_at"))).isEqualTo(t(9));
    }
    assertThat(harness.outcome(earlyError)).isEqualTo("applied");
    assertThat(harness.outcome(lateError)).isEqualTo("applied");
    assertThat(harness.outcome(nextSecond)).isEqualTo("ignored");
    Scrape s = scrape();
    assertThat(s.value("jobwatch_jobs", "service", svc, "state", "failed")).isEqualTo(2.0);
    assertThat(s.value("jobwatch_jobs", "service", svc, "state", "running")).isZero();
    assertThat(s.samples("jobwatch_job_crashes_total", "service", svc))
        .extracting(Scrape.Sample::value)
        .containsOnly(0.0);
  }

  @Test
  @DisplayName(
      "Slurm: sbatch working again brings the submit stage back to ok even when the job starts"
          + " at once, sacct's Start (whole seconds) before the runner's job.queued in that second")
  void slurmSubmitRecoversOnAJobThatStartsAtOnce() {
    String svc = "map-slurm-submit";
    sbatchFailsThreeTimes(svc);

    String job = "4260";
    ev("job.submitted", 9.8, data("job_id", job, "service", svc, "runner", "slurm"));
    ev("job.started", 10, data("job_id", job, "runner", "slurm", "attempt", 1, "host", "n1"));
    String queued = ev("job.queued", 10.7, data("job_id", job, "attempt", 1, "runner", "slurm"));
    awaitSent();

    assertThat(harness.job(job)).containsEntry("state", "running").containsEntry("runner", "slurm");
    assertThat(Harness.instant(harness.job(job).get("started_at"))).isEqualTo(t(10));
    Map<String, Object> submit = harness.stage(svc, "slurm", "submit");
    assertThat(submit.get("severity")).isEqualTo("ok");
    assertThat(harness.outcome(queued)).isEqualTo("applied");
    assertThat(Harness.instant(submit.get("last_ok_at"))).isEqualTo(t(10.7));
    assertThat(Harness.instant(submit.get("since"))).isEqualTo(t(10.7));
    Scrape s = scrape();
    assertThat(
            s.value("jobwatch_stage_health", "service", svc, "runner", "slurm", "stage", "submit"))
        .isZero();
    assertThat(s.value("jobwatch_service_health", "service", svc)).isZero();
  }

  @Test
  @DisplayName(
      "Slurm: sbatch working again brings the submit stage back to ok even when the command is"
          + " not found and the job ends between two polls, sacct's End (whole seconds, no"
          + " job.started) before the runner's job.queued in that second; the start is the error")
  void slurmSubmitRecoversOnAJobThatEndsBeforeItsFirstPoll() {
    String svc = "map-slurm-submit-127";
    sbatchFailsThreeTimes(svc);

    String job = "4261";
    ev("job.submitted", 9.8, data("job_id", job, "service", svc));
    ev("job.finished", 10, data("job_id", job, "runner", "slurm", "attempt", 1, "exit_code", 127));
    String queued = ev("job.queued", 10.7, data("job_id", job, "attempt", 1, "runner", "slurm"));
    awaitSent();

    assertThat(harness.job(job))
        .containsEntry("state", "crashed")
        .containsEntry("runner", "slurm")
        .containsEntry("cause", "not_started")
        .containsEntry("started_at", null);
    assertThat(harness.outcome(queued)).isEqualTo("applied");
    Map<String, Object> submit = harness.stage(svc, "slurm", "submit");
    assertThat(submit.get("severity")).isEqualTo("ok");
    assertThat(Harness.instant(submit.get("last_ok_at"))).isEqualTo(t(10.7));
    assertThat(harness.stage(svc, "slurm", "start").get("consecutive_errors")).isEqualTo(1);
    Scrape s = scrape();
    assertThat(
            s.value("jobwatch_stage_health", "service", svc, "runner", "slurm", "stage", "submit"))
        .isZero();
  }

  @Test
  @DisplayName(
      "Slurm dependencies: afterany accepts a failed upstream, afternotok refuses a succeeded one"
          + " and accepts a cancelled one, a pending job on Dependency then Resources is not stuck")
  void slurmDependencies() {
    String svc = "map-slurm-deps";
    ev("job.submitted", 0, data("job_id", "up-ok", "service", svc));
    ev("job.submitted", 0, data("job_id", "up-bad", "service", svc));
    ev(
        "job.submitted",
        1,
        data(
            "job_id",
            "after-any",
            "service",
            svc,
            "depends_on",
            List.of(
                Map.of(
                    "job_id",
                    "up-bad",
                    "accept",
                    List.of("succeeded", "failed", "crashed", "cancelled")))));
    ev(
        "job.submitted",
        1,
        data(
            "job_id",
            "after-not-ok",
            "service",
            svc,
            "depends_on",
            List.of(
                Map.of("job_id", "up-ok", "accept", List.of("failed", "crashed", "cancelled")))));
    // scancel of the upstream: Slurm releases an afternotok job on any end but COMPLETED.
    ev("job.submitted", 0, data("job_id", "up-cancelled", "service", svc));
    ev(
        "job.submitted",
        1,
        data(
            "job_id",
            "after-not-ok-cancelled",
            "service",
            svc,
            "depends_on",
            List.of(
                Map.of(
                    "job_id",
                    "up-cancelled",
                    "accept",
                    List.of("failed", "crashed", "cancelled")))));
    ev("job.cancelled", 3, data("job_id", "up-cancelled", "reason", "scancel"));
    ev("job.waiting", 2, data("job_id", "after-any", "reason", "dependencies"));
    ev("job.finished", 5, data("job_id", "up-ok", "attempt", 1, "exit_code", 0, "runner", "s"));
    ev("job.finished", 5, data("job_id", "up-bad", "attempt", 1, "exit_code", 2, "runner", "s"));
    ev("job.waiting", 6, data("job_id", "after-any", "reason", "resources"));
    awaitSent();

    Map<String, Map<String, Object>> edges = new HashMap<>();
    for (Map<String, Object> row :
        harness.rows(
            "SELECT job_id, status, job_unsatisfiable FROM job_waits"
                + " WHERE job_id IN ('after-any', 'after-not-ok', 'after-not-ok-cancelled')")) {
      edges.put((String) row.get("job_id"), row);
    }
    assertThat(edges.get("after-any")).containsEntry("status", "satisfied");
    assertThat(edges.get("after-not-ok"))
        .containsEntry("status", "unsatisfiable")
        .containsEntry("job_unsatisfiable", true);
    assertThat(edges.get("after-not-ok-cancelled"))
        .containsEntry("status", "satisfied")
        .containsEntry("job_unsatisfiable", false);
    assertThat(harness.count("SELECT count(*) FROM stuck_jobs WHERE job_id = 'after-any'"))
        .isZero();
  }

  @Test
  @DisplayName(
      "HTCondor: a running job held (requeue + waiting held) reads waiting, then runs again as"
          + " attempt 2; ExitBySignal as 128 + n is a crash by that signal")
  void condor() {
    String svc = "map-condor";
    String held = "123.0";
    ev("job.submitted", 0, data("job_id", held, "service", svc, "runner", "condor"));
    ev("job.started", 1, data("job_id", held, "runner", "condor", "attempt", 1));
    ev("job.requeued", 5, data("job_id", held, "attempt", 2, "reason", "held"));
    ev("job.waiting", 5, data("job_id", held, "reason", "held"));
    awaitSent();
    assertThat(harness.job(held))
        .containsEntry("state", "waiting")
        .containsEntry("waiting_reason", "held")
        .containsEntry("attempt", 2);

    ev("job.queued", 60, data("job_id", held));
    ev("job.started", 70, data("job_id", held, "runner", "condor", "attempt", 2));
    String signalled = "124.0";
    ev("job.submitted", 0, data("job_id", signalled, "service", svc, "runner", "condor"));
    ev("job.started", 1, data("job_id", signalled, "runner", "condor", "attempt", 1));
    ev("job.finished", 9, data("job_id", signalled, "attempt", 1, "exit_code", 128 + 9));
    awaitSent();

    assertThat(harness.job(held))
        .containsEntry("state", "running")
        .containsEntry("waiting_reason", null);
    assertThat(harness.job(signalled))
        .containsEntry("state", "crashed")
        .containsEntry("blame", "unknown")
        .containsEntry("cause", "signal_9");
  }

  @Test
  @DisplayName(
      "Celery retries as requeues clear the retried attempt's error; revoked while queued or"
          + " running is cancelled; a Nomad allocation rescheduled without its requeue waits for it")
  void celeryAndNomad() {
    String svc = "map-celery";
    String retried = "celery-retried";
    ev("job.submitted", 0, data("job_id", retried, "service", svc, "runner", "celery"));
    ev("job.started", 1, data("job_id", retried, "runner", "celery", "attempt", 1));
    ev("job.status", 2, data("job_id", retried, "attempt", 1, "error", "ConnectionError"));
    ev("job.requeued", 3, data("job_id", retried, "attempt", 2, "reason", "retry"));
    ev("job.waiting", 3.5, data("job_id", retried, "reason", "eta"));
    ev("job.started", 63, data("job_id", retried, "runner", "celery", "attempt", 2));
    ev("job.finished", 70, data("job_id", retried, "attempt", 2, "exit_code", 0));
    ev("job.submitted", 0, data("job_id", "celery-revoked", "service", svc));
    ev("job.queued", 1, data("job_id", "celery-revoked", "attempt", 1, "runner", "celery"));
    ev("job.cancelled", 5, data("job_id", "celery-revoked", "reason", "revoked"));
    ev("job.submitted", 0, data("job_id", "celery-terminated", "service", svc));
    ev("job.started", 1, data("job_id", "celery-terminated", "runner", "celery", "attempt", 1));
    ev("job.cancelled", 5, data("job_id", "celery-terminated", "reason", "revoked"));
    String late =
        ev("job.status", 6, data("job_id", "celery-terminated", "attempt", 1, "error", "late"));
    String nomad = "batch/dispatch-1700000000-abcd1234";
    ev("job.submitted", 0, data("job_id", nomad, "service", svc, "runner", "nomad"));
    ev("job.started", 1, data("job_id", nomad, "runner", "nomad", "attempt", 1));
    String again = ev("job.submitted", 5, data("job_id", nomad, "service", svc));
    String early = ev("job.started", 20, data("job_id", nomad, "runner", "nomad", "attempt", 2));
    awaitSent();

    assertThat(harness.job(retried))
        .containsEntry("state", "succeeded")
        .containsEntry("attempt", 2)
        .containsEntry("runtime_error", null);
    assertThat(harness.job("celery-revoked")).containsEntry("state", "cancelled");
    assertThat(harness.job("celery-terminated"))
        .containsEntry("state", "cancelled")
        .containsEntry("runtime_error", null);
    assertThat(harness.outcome(late)).isEqualTo("ignored");
    assertThat(harness.job(nomad)).containsEntry("state", "running").containsEntry("attempt", 1);
    assertThat(harness.outcome(again)).isEqualTo("ignored");
    assertThat(harness.outcome(early)).isEqualTo("ignored");

    ev("job.requeued", 19, data("job_id", nomad, "attempt", 2, "reason", "allocation lost"));
    ev("job.finished", 30, data("job_id", nomad, "attempt", 2, "exit_code", 0));
    awaitSent();
    assertThat(harness.job(nomad)).containsEntry("state", "succeeded").containsEntry("attempt", 2);
    assertThat(harness.outcome(early)).isEqualTo("applied");
  }

  @Test
  @DisplayName(
      "Shell wrappers reporting $?: timeout's 124 failed, bash -c of a missing command a start"
          + " error of the runner, SIGKILL and SIGTERM crashes by signal")
  void shellWrappers() {
    String svc = "map-shell";
    int[] codes = {124, 127, 137, 143};
    for (int i = 0; i < codes.length; i++) {
      String job = "shell-" + codes[i];
      ev(
          "job.started",
          i * 60,
          data("job_id", job, "service", svc, "runner", "cron", "attempt", 1));
      ev("job.finished", i * 60 + 10, data("job_id", job, "attempt", 1, "exit_code", codes[i]));
    }
    awaitSent();

    assertThat(harness.job("shell-124"))
        .containsEntry("state", "failed")
        .containsEntry("blame", null);
    assertThat(harness.job("shell-127"))
        .containsEntry("state", "crashed")
        .containsEntry("blame", "platform")
        .containsEntry("cause", "not_started");
    assertThat(harness.job("shell-137")).containsEntry("cause", "signal_9");
    assertThat(harness.job("shell-143")).containsEntry("cause", "signal_15");
    Map<String, Object> start = harness.stage(svc, "cron", "start");
    assertThat(start.get("last_error_job_id")).isEqualTo("shell-127");
    Scrape s = scrape();
    assertThat(s.value("jobwatch_job_crashes_total", "service", svc, "blame", "unknown"))
        .isEqualTo(2.0);
    assertThat(s.value("jobwatch_job_crashes_total", "service", svc, "blame", "platform"))
        .isEqualTo(1.0);
    assertThat(s.value("jobwatch_jobs", "service", svc, "state", "failed")).isEqualTo(1.0);
  }

  /**
   * sbatch fails three times (stage.error at t(0), t(1), t(2)) and the submit stage of SERVICE on
   * slurm is an error.
   */
  private void sbatchFailsThreeTimes(String service) {
    for (int i = 0; i < 3; i++) {
      sent.add(
          harness.stageEvent(
              "stage.error",
              t(i),
              data(
                  "service",
                  service,
                  "runner",
                  "slurm",
                  "stage",
                  "submit",
                  "error_class",
                  "subprocess.CalledProcessError",
                  "message",
                  "sbatch: error: Batch job submission failed: Socket timed out")));
    }
    awaitSent();
    assertThat(harness.stage(service, "slurm", "submit").get("severity")).isEqualTo("error");
  }

  /** Publishes a monitor event and waits until it is stored, failing with its dead letter. */
  private void applyMonitor(String type, Instant at, Map<String, Object> data) {
    String id = harness.lifecycleEvent(type, at, data);
    harness.flush();
    Harness.await(
        "monitor event " + id + " stored or dead-lettered",
        java.time.Duration.ofSeconds(60),
        () ->
            harness.rows("SELECT 1 FROM job_events WHERE event_id = :p0", id).size()
                    + harness
                        .rows(
                            "SELECT 1 FROM dead_letters"
                                + " WHERE convert_from(record_value, 'UTF8') LIKE '%' || :p0 || '%'",
                            id)
                        .size()
                > 0);
    assertThat(
            harness.rows(
                "SELECT reason FROM dead_letters"
                    + " WHERE convert_from(record_value, 'UTF8') LIKE '%' || :p0 || '%'",
                id))
        .as("dead letters of " + type + " " + data)
        .isEmpty();
  }

  private void declareCronJob(String monitor, String cron, String zone, String grace, Instant at) {
    applyMonitor(
        "monitor.declared",
        at,
        data(
            "monitor",
            monitor,
            "team",
            "k8s",
            "schedule",
            data("cron", cron, "timezone", zone),
            "grace",
            grace));
  }

  private Map<String, Object> monitorStatus(String monitor) {
    app.refreshState();
    return harness.row("SELECT * FROM monitor_status WHERE monitor = :p0", monitor);
  }

  @Test
  @DisplayName(
      "Kubernetes CronJobs declared with their spec.schedule as written (@hourly, @daily, ? for"
          + " any) and spec.timeZone are monitored on that zone's clock; concurrencyPolicy Replace"
          + " cancels the old job and the new run's success keeps the monitor on time")
  void kubernetesCronJobs() {
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    java.time.ZoneId kolkata = java.time.ZoneId.of("Asia/Kolkata");

    declareCronJob("k8s-hourly", "@hourly", "Asia/Kolkata", "PT10M", now.minusSeconds(3 * 3600));
    Instant success = now.minusSeconds(60);
    String run = "k8s-hourly-29012345";
    harness.applyLifecycle(
        "job.submitted",
        success.minusSeconds(40),
        data(
            "job_id", run, "service", "k8s-cron", "runner", "kubernetes", "monitor", "k8s-hourly"));
    harness.applyLifecycle(
        "job.started",
        success.minusSeconds(30),
        data("job_id", run, "runner", "kubernetes", "attempt", 1));
    harness.applyLifecycle(
        "job.finished", success, data("job_id", run, "attempt", 1, "exit_code", 0));

    Instant daily = now.minusSeconds(3 * 86400);
    declareCronJob("k8s-daily", "@daily", "UTC", "PT30M", daily);
    Instant quartz = now.minusSeconds(60);
    declareCronJob("k8s-quartz", "0 3 ? * MON-FRI", "Europe/Berlin", "PT1H", quartz);

    Map<String, Object> hourly = monitorStatus("k8s-hourly");
    Instant nextLocalHour =
        success
            .atZone(kolkata)
            .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
            .plusHours(1)
            .toInstant();
    assertThat(Harness.instant(hourly.get("deadline"))).isEqualTo(nextLocalHour.plusSeconds(600));
    assertThat(hourly.get("status")).isIn("up", "late");
    assertThat(Harness.instant(hourly.get("last_success_at"))).isEqualTo(success);
    assertThat(
            harness
                .row("SELECT schedule_cron FROM monitors WHERE monitor = 'k8s-hourly'")
                .get("schedule_cron"))
        .isEqualTo("@hourly");

    Map<String, Object> neverRan = monitorStatus("k8s-daily");
    assertThat(neverRan.get("status")).isEqualTo("down");
    Instant nextMidnight =
        daily
            .atZone(java.time.ZoneOffset.UTC)
            .toLocalDate()
            .plusDays(1)
            .atStartOfDay(java.time.ZoneOffset.UTC)
            .toInstant();
    assertThat(Harness.instant(neverRan.get("deadline"))).isEqualTo(nextMidnight.plusSeconds(1800));

    java.time.ZonedDateTime weekday =
        quartz
            .atZone(java.time.ZoneId.of("Europe/Berlin"))
            .withHour(3)
            .withMinute(0)
            .withSecond(0)
            .withNano(0);
    while (!weekday.toInstant().isAfter(quartz) || weekday.getDayOfWeek().getValue() > 5) {
      weekday = weekday.plusDays(1).withHour(3);
    }
    assertThat(Harness.instant(monitorStatus("k8s-quartz").get("deadline")))
        .isEqualTo(weekday.toInstant().plusSeconds(3600));

    // concurrencyPolicy Replace: the next schedule deletes the running Job and starts a new one.
    declareCronJob("k8s-replace", "@hourly", "UTC", "PT10M", now.minusSeconds(3 * 3600));
    Instant replacedAt = now.minusSeconds(600);
    harness.applyLifecycle(
        "job.submitted",
        replacedAt.minusSeconds(3001),
        data("job_id", "replace-old", "service", "k8s-cron", "monitor", "k8s-replace"));
    harness.applyLifecycle(
        "job.started",
        replacedAt.minusSeconds(3000),
        data("job_id", "replace-old", "runner", "kubernetes", "attempt", 1));
    harness.applyLifecycle(
        "job.cancelled", replacedAt, data("job_id", "replace-old", "reason", "replaced"));
    harness.applyLifecycle(
        "job.started",
        replacedAt.plusSeconds(3),
        data(
            "job_id",
            "replace-new",
            "service",
            "k8s-cron",
            "runner",
            "kubernetes",
            "attempt",
            1,
            "monitor",
            "k8s-replace"));
    harness.applyLifecycle(
        "job.finished",
        replacedAt.plusSeconds(300),
        data("job_id", "replace-new", "attempt", 1, "exit_code", 0));

    assertThat(harness.job("replace-old"))
        .containsEntry("state", "cancelled")
        .containsEntry("blame", null);
    Map<String, Object> replace = monitorStatus("k8s-replace");
    assertThat(replace.get("status")).isIn("up", "late");
    assertThat(Harness.instant(replace.get("last_success_at")))
        .isEqualTo(replacedAt.plusSeconds(300));
    Scrape s = scrape();
    assertThat(s.value("jobwatch_job_crashes_total", "service", "k8s-cron", "blame", "unknown"))
        .isZero();
    assertThat(
            s.value(
                "jobwatch_monitor_status", "monitor", "k8s-daily", "team", "k8s", "status", "down"))
        .isEqualTo(1.0);
    assertThat(
            s.value(
                "jobwatch_monitor_deadline_timestamp_seconds",
                "monitor",
                "k8s-hourly",
                "team",
                "k8s"))
        .isEqualTo(nextLocalHour.plusSeconds(600).toEpochMilli() / 1000.0);
  }

  @Test
  @DisplayName(
      "Airflow: a daily task cleared and re-run after it succeeded keeps its monitor up while the"
          + " re-run runs, in separate batches or in one; the re-run's failure then makes it down")
  void airflowTaskClearedAfterSuccess() {
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    for (String monitor : List.of("airflow-daily-batches", "airflow-daily-burst")) {
      declareCronJob(monitor, "@daily", "UTC", "PT30M", now.minusSeconds(3 * 86400));
      String job = monitor + "__report__2026-12-01";
      Map<String, Object> submitted =
          data("job_id", job, "service", "airflow", "runner", "airflow", "monitor", monitor);
      List<Object[]> events =
          List.of(
              new Object[] {"job.submitted", now.minusSeconds(600), submitted},
              new Object[] {
                "job.started",
                now.minusSeconds(590),
                data("job_id", job, "runner", "airflow", "attempt", 1)
              },
              new Object[] {
                "job.finished",
                now.minusSeconds(300),
                data("job_id", job, "attempt", 1, "exit_code", 0)
              },
              new Object[] {
                "job.requeued",
                now.minusSeconds(120),
                data("job_id", job, "attempt", 2, "reason", "cleared")
              },
              new Object[] {
                "job.started",
                now.minusSeconds(100),
                data("job_id", job, "runner", "airflow", "attempt", 2)
              });
      for (Object[] event : events) {
        @SuppressWarnings("unchecked")
        Map<String, Object> eventData = (Map<String, Object>) event[2];
        if (monitor.endsWith("batches")) {
          harness.applyLifecycle((String) event[0], (Instant) event[1], eventData);
        } else {
          sent.add(harness.lifecycleEvent((String) event[0], (Instant) event[1], eventData));
        }
      }
      awaitSent();

      assertThat(harness.job(job)).containsEntry("state", "running").containsEntry("attempt", 2);
      Map<String, Object> rerunning = monitorStatus(monitor);
      assertThat(rerunning.get("status")).as(monitor).isIn("up", "late");
      assertThat(Harness.instant(rerunning.get("last_success_at")))
          .isEqualTo(now.minusSeconds(300));

      harness.applyLifecycle(
          "job.finished", now.minusSeconds(30), data("job_id", job, "attempt", 2, "exit_code", 1));
      assertThat(monitorStatus(monitor).get("status")).as(monitor).isEqualTo("down");
    }
  }

  @Test
  @DisplayName(
      "Kubernetes and Airflow: an OOMKilled pod retried by backoffLimit, an evicted pod whose"
          + " disruption a podFailurePolicy ignores, a Job suspended while running; an Airflow"
          + " task upstream_failed ends its unsatisfiable wait, a deferred try resumed is one try")
  void kubernetesAndAirflow() {
    String svc = "map-k8s";
    String oom = "k8s/batch/report-7f9c";
    ev("job.submitted", 0, data("job_id", oom, "service", svc, "runner", "kubernetes"));
    ev("job.started", 1, data("job_id", oom, "runner", "kubernetes", "attempt", 1));
    ev("job.finished", 9, data("job_id", oom, "attempt", 1, "exit_code", 137));
    ev(
        "job.crashed",
        9,
        data("job_id", oom, "attempt", 1, "blame", "task", "cause", "oom", "details", "OOMKilled"));
    ev("job.requeued", 10, data("job_id", oom, "attempt", 2, "reason", "backoffLimit"));
    ev("job.started", 12, data("job_id", oom, "runner", "kubernetes", "attempt", 2));
    ev("job.finished", 20, data("job_id", oom, "attempt", 2, "exit_code", 0));
    String drained = "k8s/batch/etl-1a2b";
    ev("job.submitted", 0, data("job_id", drained, "service", svc, "runner", "kubernetes"));
    ev("job.started", 1, data("job_id", drained, "runner", "kubernetes", "attempt", 1));
    ev("job.requeued", 30, data("job_id", drained, "attempt", 2, "reason", "disruption"));
    ev("job.started", 35, data("job_id", drained, "runner", "kubernetes", "attempt", 2));
    String suspended = "k8s/batch/train-3c4d";
    ev("job.submitted", 0, data("job_id", suspended, "service", svc, "runner", "kubernetes"));
    ev("job.started", 1, data("job_id", suspended, "runner", "kubernetes", "attempt", 1));
    ev("job.requeued", 5, data("job_id", suspended, "attempt", 2, "reason", "suspended"));
    ev("job.waiting", 5, data("job_id", suspended, "reason", "suspended"));

    String dag = "map-airflow";
    String up = "etl/scheduled__2026-11-22T00:00:00+00:00/extract";
    String down = "etl/scheduled__2026-11-22T00:00:00+00:00/load";
    ev("job.submitted", 0, data("job_id", up, "service", dag, "runner", "celery"));
    ev(
        "job.submitted",
        0,
        data(
            "job_id",
            down,
            "service",
            dag,
            "runner",
            "celery",
            "depends_on",
            List.of(Map.of("job_id", up))));
    ev("job.started", 1, data("job_id", up, "runner", "celery", "attempt", 1, "host", "w1"));
    ev("job.status", 2, data("job_id", up, "attempt", 1, "activity", "deferred"));
    String resumed =
        ev("job.started", 60, data("job_id", up, "runner", "celery", "attempt", 1, "host", "w2"));
    ev("job.finished", 61, data("job_id", up, "attempt", 1, "exit_code", 1));
    awaitSent();
    assertThat(unsatisfiable(dag)).isEqualTo(1.0);

    ev("job.cancelled", 62, data("job_id", down, "reason", "upstream_failed"));
    awaitSent();

    assertThat(harness.job(oom))
        .containsEntry("state", "succeeded")
        .containsEntry("attempt", 2)
        .containsEntry("blame", null);
    assertThat(harness.job(drained)).containsEntry("state", "running").containsEntry("attempt", 2);
    assertThat(harness.job(suspended))
        .containsEntry("state", "waiting")
        .containsEntry("waiting_reason", "suspended");
    assertThat(harness.job(up))
        .containsEntry("state", "failed")
        .containsEntry("host", "w1")
        .containsEntry("attempt", 1);
    assertThat(harness.outcome(resumed)).isEqualTo("ignored");
    assertThat(harness.job(down)).containsEntry("state", "cancelled");
    assertThat(unsatisfiable(dag)).isZero();
    Scrape s = scrape();
    assertThat(s.value("jobwatch_job_crashes_total", "service", svc, "blame", "task"))
        .isEqualTo(1.0);
    assertThat(s.value("jobwatch_job_crashes_total", "service", svc, "blame", "platform")).isZero();
    assertThat(s.value("jobwatch_job_crashes_total", "service", svc, "blame", "unknown")).isZero();
    assertThat(s.value("jobwatch_jobs", "service", svc, "state", "waiting")).isEqualTo(1.0);
  }

  private double unsatisfiable(String service) {
    app.refreshState();
    List<Scrape.Sample> samples =
        Scrape.metrics(app.httpPort()).samples("jobwatch_jobs_unsatisfiable", "service", service);
    return samples.isEmpty() ? 0.0 : samples.get(0).value();
  }
}
