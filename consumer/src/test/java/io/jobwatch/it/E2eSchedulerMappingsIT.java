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
 * Slurm, HTCondor, Celery, Nomad and shell wrappers end to end, reported as docs/publishing.md
 * ("Mapping your scheduler") says, through Kafka into PostgreSQL and /metrics. Expectations come
 * from the product brief and the operators' documentation.
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
      "Slurm dependencies: afterany accepts a failed upstream, afternotok refuses a succeeded one,"
          + " a pending job on Dependency then Resources is not stuck")
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
            List.of(Map.of("job_id", "up-ok", "accept", List.of("failed", "crashed")))));
    ev("job.waiting", 2, data("job_id", "after-any", "reason", "dependencies"));
    ev("job.finished", 5, data("job_id", "up-ok", "attempt", 1, "exit_code", 0, "runner", "s"));
    ev("job.finished", 5, data("job_id", "up-bad", "attempt", 1, "exit_code", 2, "runner", "s"));
    ev("job.waiting", 6, data("job_id", "after-any", "reason", "resources"));
    awaitSent();

    Map<String, Map<String, Object>> edges = new HashMap<>();
    for (Map<String, Object> row :
        harness.rows(
            "SELECT job_id, status, job_unsatisfiable FROM job_waits"
                + " WHERE job_id IN ('after-any', 'after-not-ok')")) {
      edges.put((String) row.get("job_id"), row);
    }
    assertThat(edges.get("after-any")).containsEntry("status", "satisfied");
    assertThat(edges.get("after-not-ok"))
        .containsEntry("status", "unsatisfiable")
        .containsEntry("job_unsatisfiable", true);
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
}
