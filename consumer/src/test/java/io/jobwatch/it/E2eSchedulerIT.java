package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static io.jobwatch.it.Envelopes.dependency;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Black-box end-to-end scenarios as real schedulers, runners and publishers behave, through Kafka
 * into PostgreSQL and /metrics. Expectations are derived from the product brief (and the operators'
 * documentation where the brief leaves a documented choice).
 */
class E2eSchedulerIT extends SharedAppIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SLURM = "slurm";

  /** One event as a publisher would send it. */
  record Ev(String key, String id, String type, Instant time, Map<String, Object> data) {
    String value() {
      return Envelopes.event(id, type, time, Envelopes.json(data));
    }
  }

  private static Ev ev(String type, Instant time, Map<String, Object> data) {
    return new Ev((String) data.get("job_id"), UUID.randomUUID().toString(), type, time, data);
  }

  private static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  // ---------------------------------------------------------------------------------------------
  // Scenario 1 / 2: a Slurm-style runner

  /** The five jobs of the Slurm scenario, each as the runner publishes them in order. */
  private static Map<String, List<Ev>> slurmJobs(String service, String prefix, long base) {
    Map<String, List<Ev>> jobs = new java.util.LinkedHashMap<>();
    String j1 = prefix + "-ok";
    long b = base;
    jobs.put(
        j1,
        List.of(
            ev(
                "job.submitted",
                t(b),
                data(
                    "job_id",
                    j1,
                    "service",
                    service,
                    "runner",
                    SLURM,
                    "trigger",
                    data("message_id", "msg-" + j1))),
            ev("job.queued", t(b + 1), data("job_id", j1, "attempt", 1, "runner", SLURM)),
            ev(
                "job.started",
                t(b + 2),
                data("job_id", j1, "runner", SLURM, "attempt", 1, "host", "n001")),
            ev(
                "job.status",
                t(b + 3),
                data(
                    "job_id",
                    j1,
                    "attempt",
                    1,
                    "activity",
                    "staging input",
                    "progress",
                    data("complete", 0, "waiting", 10, "failed", 0))),
            ev(
                "job.status",
                t(b + 4),
                data(
                    "job_id",
                    j1,
                    "attempt",
                    1,
                    "warning",
                    "slow NFS",
                    "progress",
                    data("complete", 3, "waiting", 7, "failed", 0))),
            ev(
                "job.status",
                t(b + 5),
                data("job_id", j1, "attempt", 1, "error", "sample 4: checksum mismatch")),
            ev(
                "job.status",
                t(b + 6),
                data("job_id", j1, "attempt", 1, "error", "sample 7: checksum mismatch")),
            ev(
                "job.status",
                t(b + 7),
                data(
                    "job_id",
                    j1,
                    "attempt",
                    1,
                    "error",
                    "sample 9: checksum mismatch",
                    "warning",
                    "disk 91% full",
                    "activity",
                    "writing output",
                    "progress",
                    data("complete", 9, "waiting", 0, "failed", 1))),
            ev("job.finished", t(b + 9), data("job_id", j1, "attempt", 1, "exit_code", 0))));

    String j2 = prefix + "-127";
    b = base + 100;
    jobs.put(j2, simple(j2, service, b, "n002", 127));
    String j3 = prefix + "-137";
    jobs.put(j3, simple(j3, service, base + 200, "n003", 137));
    String j4 = prefix + "-fail";
    jobs.put(j4, simple(j4, service, base + 300, "n004", 1));

    String j5 = prefix + "-retry";
    b = base + 400;
    jobs.put(
        j5,
        List.of(
            ev("job.submitted", t(b), data("job_id", j5, "service", service, "runner", SLURM)),
            ev("job.queued", t(b + 1), data("job_id", j5, "attempt", 1, "runner", SLURM)),
            ev(
                "job.started",
                t(b + 2),
                data("job_id", j5, "runner", SLURM, "attempt", 1, "host", "n005")),
            ev(
                "job.status",
                t(b + 3),
                data(
                    "job_id",
                    j5,
                    "attempt",
                    1,
                    "error",
                    "Connection reset by peer",
                    "warning",
                    "retrying download",
                    "activity",
                    "downloading")),
            ev(
                "job.crashed",
                t(b + 4),
                data(
                    "job_id",
                    j5,
                    "attempt",
                    1,
                    "blame",
                    "third_party",
                    "cause",
                    "network",
                    "details",
                    "pypi mirror unreachable")),
            ev("job.requeued", t(b + 10), data("job_id", j5, "attempt", 2, "reason", "network")),
            ev("job.queued", t(b + 11), data("job_id", j5, "attempt", 2, "runner", SLURM)),
            ev(
                "job.started",
                t(b + 12),
                data("job_id", j5, "runner", SLURM, "attempt", 2, "host", "n006")),
            ev("job.status", t(b + 13), data("job_id", j5, "attempt", 2, "activity", "aligning")),
            ev("job.finished", t(b + 20), data("job_id", j5, "attempt", 2, "exit_code", 0))));
    return jobs;
  }

  private static List<Ev> simple(String job, String service, long b, String host, int exit) {
    return List.of(
        ev("job.submitted", t(b), data("job_id", job, "service", service, "runner", SLURM)),
        ev("job.queued", t(b + 1), data("job_id", job, "attempt", 1, "runner", SLURM)),
        ev(
            "job.started",
            t(b + 2),
            data("job_id", job, "runner", SLURM, "attempt", 1, "host", host)),
        ev("job.status", t(b + 3), data("job_id", job, "attempt", 1, "activity", "running blastp")),
        ev("job.finished", t(b + 5), data("job_id", job, "attempt", 1, "exit_code", exit)));
  }

  private static void sendAll(Harness h, List<Ev> events) {
    for (Ev e : events) {
      h.send(h.lifecycle, e.key(), e.value());
    }
  }

  private static String[] ids(List<Ev> events) {
    return events.stream().map(Ev::id).distinct().toArray(String[]::new);
  }

  /** Every brief column of one jobs row. */
  private static void assertJob(
      Map<String, Object> row,
      String service,
      String state,
      int attempt,
      Integer exit,
      String blame,
      String cause,
      String details,
      String runtimeError,
      String warning,
      String activity,
      Instant submitted,
      Instant started,
      Instant finished,
      Instant updated) {
    assertThat(row.get("service")).as("service").isEqualTo(service);
    assertThat(row.get("runner")).as("runner").isEqualTo(SLURM);
    assertThat(row.get("monitor")).as("monitor").isNull();
    assertThat(row.get("state")).as("state of " + row.get("job_id")).isEqualTo(state);
    assertThat(row.get("attempt")).as("attempt").isEqualTo(attempt);
    assertThat(row.get("exit_code")).as("exit_code").isEqualTo(exit);
    assertThat(row.get("blame")).as("blame").isEqualTo(blame);
    assertThat(row.get("cause")).as("cause").isEqualTo(cause);
    if (details != ANY) {
      assertThat(row.get("details")).as("details").isEqualTo(details);
    }
    assertThat(row.get("runtime_error")).as("runtime_error").isEqualTo(runtimeError);
    assertThat(row.get("runtime_warning")).as("runtime_warning").isEqualTo(warning);
    assertThat(row.get("runtime_activity")).as("runtime_activity").isEqualTo(activity);
    assertThat(Harness.instant(row.get("submitted_at"))).as("submitted_at").isEqualTo(submitted);
    assertThat(Harness.instant(row.get("started_at"))).as("started_at").isEqualTo(started);
    assertThat(Harness.instant(row.get("finished_at"))).as("finished_at").isEqualTo(finished);
    assertThat(Harness.instant(row.get("updated_at"))).as("updated_at").isEqualTo(updated);
  }

  /** The final outcome of the Slurm scenario, whatever order the events arrived in. */
  private static void assertSlurmOutcome(
      Harness h, JobwatchApp a, String service, String p, long base) {
    assertJob(
        h.job(p + "-ok"),
        service,
        "succeeded",
        1,
        0,
        null,
        null,
        null,
        "sample 4: checksum mismatch (2 additional errors)",
        "disk 91% full",
        "writing output",
        t(base),
        t(base + 2),
        t(base + 9),
        t(base + 9));
    assertThat(h.job(p + "-ok").get("reusable")).isEqualTo(true);
    assertThat(h.job(p + "-ok").get("host")).isEqualTo("n001");
    assertJob(
        h.job(p + "-127"),
        service,
        "crashed",
        1,
        127,
        "platform",
        "not_started",
        ANY,
        null,
        null,
        "running blastp",
        t(base + 100),
        t(base + 102),
        t(base + 105),
        t(base + 105));
    assertThat(h.job(p + "-127").get("reusable")).isEqualTo(false);
    assertJob(
        h.job(p + "-137"),
        service,
        "crashed",
        1,
        137,
        "unknown",
        "signal_9",
        ANY,
        null,
        null,
        "running blastp",
        t(base + 200),
        t(base + 202),
        t(base + 205),
        t(base + 205));
    assertJob(
        h.job(p + "-fail"),
        service,
        "failed",
        1,
        1,
        null,
        null,
        null,
        null,
        null,
        "running blastp",
        t(base + 300),
        t(base + 302),
        t(base + 305),
        t(base + 305));
    assertJob(
        h.job(p + "-retry"),
        service,
        "succeeded",
        2,
        0,
        null,
        null,
        null,
        null,
        null,
        "aligning",
        t(base + 400),
        t(base + 412),
        t(base + 420),
        t(base + 420));
    assertThat(h.job(p + "-retry").get("host")).isEqualTo("n006");
    assertThat(h.job(p + "-retry").get("fatal")).isEqualTo(false);

    // start stage: one NotStarted error (exit 127) between successes; back to ok since the next.
    Map<String, Object> start = stg(h, service, SLURM, "start");
    assertThat(start.get("severity")).isEqualTo("ok");
    assertThat(start.get("error_count")).isEqualTo(1);
    assertThat(start.get("consecutive_errors")).isEqualTo(0);
    assertThat(start.get("ok_count")).isEqualTo(5);
    assertThat(start.get("last_error_class")).isEqualTo("NotStarted");
    assertThat(Harness.instant(start.get("last_error_at"))).isEqualTo(t(base + 105));
    assertThat(start.get("last_error_job_id")).isEqualTo(p + "-127");
    assertThat(Harness.instant(start.get("last_ok_at"))).isEqualTo(t(base + 412));
    assertThat(Harness.instant(start.get("since"))).isEqualTo(t(base + 202));
    Map<String, Object> submit = stg(h, service, SLURM, "submit");
    assertThat(submit.get("severity")).isEqualTo("ok");
    assertThat(submit.get("error_count")).isEqualTo(0);
    Map<String, Object> health =
        h.row("SELECT severity::text AS severity FROM service_health WHERE service = :p0", service);
    assertThat(health.get("severity")).isEqualTo("ok");

    a.refreshState();
    Scrape s = Scrape.metrics(a.httpPort());
    assertThat(jobs(s, service, "succeeded")).isEqualTo(2.0);
    assertThat(jobs(s, service, "crashed")).isEqualTo(2.0);
    assertThat(jobs(s, service, "failed")).isEqualTo(1.0);
    for (String open : List.of("submitted", "queued", "waiting", "running", "cancelled")) {
      assertThat(jobs(s, service, open)).as("jobwatch_jobs " + open).isEqualTo(0.0);
    }
    assertThat(s.value("jobwatch_job_crashes_total", "service", service, "blame", "platform"))
        .isEqualTo(1.0);
    assertThat(s.value("jobwatch_job_crashes_total", "service", service, "blame", "unknown"))
        .isEqualTo(1.0);
    assertThat(s.value("jobwatch_job_crashes_total", "service", service, "blame", "third_party"))
        .isEqualTo(1.0);
    assertThat(crashes(s, service, "task")).isEqualTo(0.0);
    assertThat(
            s.value("jobwatch_stage_health", "service", service, "runner", SLURM, "stage", "start"))
        .isEqualTo(0.0);
    assertThat(s.value("jobwatch_service_health", "service", service)).isEqualTo(0.0);
  }

  private static final String ANY = "<any>";

  /** A stage_health row with its counts as Integer. */
  private static Map<String, Object> stg(Harness h, String service, String runner, String stage) {
    Map<String, Object> row = new HashMap<>(h.stage(service, runner, stage));
    row.replaceAll((k, v) -> v instanceof Long l ? Integer.valueOf(l.intValue()) : v);
    return row;
  }

  private static double jobs(Scrape s, String service, String state) {
    List<Scrape.Sample> m = s.samples("jobwatch_jobs", "service", service, "state", state);
    assertThat(m.size()).isLessThanOrEqualTo(1);
    return m.isEmpty() ? 0.0 : m.get(0).value();
  }

  private static double crashes(Scrape s, String service, String blame) {
    List<Scrape.Sample> m =
        s.samples("jobwatch_job_crashes_total", "service", service, "blame", blame);
    return m.isEmpty() ? 0.0 : m.get(0).value();
  }

  @Test
  @DisplayName(
      "1. A Slurm-style runner: success with runtime status, exit 127, 137, 1, a crash then a requeue")
  void slurmRunner() {
    String service = "e2e-slurm";
    String p = "s1";
    Map<String, List<Ev>> jobs = slurmJobs(service, p, 0);

    // J1: a successful run with runtime status.
    List<Ev> j1 = jobs.get(p + "-ok");
    sendAll(harness, j1.subList(0, 8));
    harness.awaitStored(ids(j1.subList(0, 8)));
    Map<String, Object> running = harness.job(p + "-ok");
    assertThat(running.get("state")).isEqualTo("running");
    assertThat(running.get("reusable"))
        .as("running with an error is not reusable")
        .isEqualTo(false);
    assertThat(running.get("runtime_error"))
        .isEqualTo("sample 4: checksum mismatch (2 additional errors)");
    sendAll(harness, j1.subList(8, 9));
    harness.awaitStored(ids(j1));

    // J2: exit 127 although job.started said ok: a start error of the runner.
    List<Ev> j2 = jobs.get(p + "-127");
    sendAll(harness, j2);
    harness.awaitStored(ids(j2));
    Map<String, Object> start = stg(harness, service, SLURM, "start");
    assertThat(start.get("severity")).isEqualTo("warning");
    assertThat(start.get("consecutive_errors")).isEqualTo(1);
    assertThat(start.get("error_count")).isEqualTo(1);
    assertThat(start.get("ok_count")).as("J2's started success is replaced").isEqualTo(1);
    assertThat(start.get("last_error_class")).isEqualTo("NotStarted");
    assertThat(Harness.instant(start.get("since"))).isEqualTo(t(105));
    assertThat(Harness.instant(start.get("last_ok_at"))).isEqualTo(t(2));
    Map<String, Object> health =
        harness.row(
            "SELECT severity::text AS severity, worst_stage, since FROM service_health"
                + " WHERE service = :p0",
            service);
    assertThat(health.get("severity")).isEqualTo("warning");
    assertThat(health.get("worst_stage")).isEqualTo("start");
    assertThat(Harness.instant(health.get("since"))).isEqualTo(t(105));
    app.refreshState();
    Scrape mid = Scrape.metrics(app.httpPort());
    assertThat(
            mid.value(
                "jobwatch_stage_health", "service", service, "runner", SLURM, "stage", "start"))
        .isEqualTo(1.0);
    assertThat(mid.value("jobwatch_service_health", "service", service)).isEqualTo(1.0);
    assertThat(jobs(mid, service, "crashed")).isEqualTo(1.0);
    assertThat(mid.value("jobwatch_job_crashes_total", "service", service, "blame", "platform"))
        .isEqualTo(1.0);

    for (String job : List.of(p + "-137", p + "-fail")) {
      sendAll(harness, jobs.get(job));
      harness.awaitStored(ids(jobs.get(job)));
    }

    // J5: crashes (third party), is requeued, then succeeds.
    List<Ev> j5 = jobs.get(p + "-retry");
    sendAll(harness, j5.subList(0, 5));
    harness.awaitStored(ids(j5.subList(0, 5)));
    Map<String, Object> crashed = harness.job(p + "-retry");
    assertThat(crashed.get("state")).isEqualTo("crashed");
    assertThat(crashed.get("blame")).isEqualTo("third_party");
    assertThat(crashed.get("cause")).isEqualTo("network");
    assertThat(crashed.get("details")).isEqualTo("pypi mirror unreachable");
    assertThat(crashed.get("runtime_error")).isEqualTo("Connection reset by peer");
    sendAll(harness, j5.subList(5, 6));
    harness.awaitStored(ids(j5.subList(0, 6)));
    assertJob(
        harness.job(p + "-retry"),
        service,
        "queued",
        2,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        t(400),
        null,
        null,
        t(410));
    sendAll(harness, j5.subList(6, j5.size()));
    harness.awaitStored(ids(j5));

    assertSlurmOutcome(harness, app, service, p, 0);
  }

  @Test
  @DisplayName(
      "2. The same Slurm events shuffled, duplicated and split across batches fold to the same rows")
  void shuffledAndDuplicated(Infra infra) {
    try (Harness own = new Harness(infra, 2);
        JobwatchApp ownApp = own.startApp()) {
      String service = "e2e-shuffle";
      String p = "s2";
      List<Ev> all = new ArrayList<>();
      slurmJobs(service, p, 0).values().forEach(all::addAll);
      int distinct = all.size();
      Random random = new Random(42);
      List<Ev> stream = new ArrayList<>(all);
      // Publishers retry: every third event is sent again with the same id.
      int duplicates = 0;
      for (int i = 0; i < all.size(); i += 3) {
        stream.add(all.get(i));
        duplicates++;
      }
      Collections.shuffle(stream, random);
      int third = stream.size() / 3;
      List<List<Ev>> chunks =
          List.of(
              stream.subList(0, third),
              stream.subList(third, 2 * third),
              stream.subList(2 * third, stream.size()));
      Set<String> seen = new LinkedHashSet<>();
      for (List<Ev> chunk : chunks) {
        sendAll(own, chunk);
        chunk.forEach(e -> seen.add(e.id()));
        own.awaitStored(seen.toArray(String[]::new));
      }
      int expectedDuplicates = duplicates;
      Harness.await(
          "duplicates counted",
          WAIT,
          () ->
              countOr0(Scrape.metrics(ownApp.httpPort()), own.lifecycle, "duplicate")
                  >= expectedDuplicates);
      // The duplicates may all be counted before the last batch is: every record counted.
      own.awaitCounted(ownApp, stream.size());
      assertThat(own.count("SELECT count(*) FROM job_events")).isEqualTo(distinct);
      assertSlurmOutcome(own, ownApp, service, p, 0);
      Scrape s = Scrape.metrics(ownApp.httpPort());
      assertThat(countOr0(s, own.lifecycle, "duplicate")).isEqualTo((double) duplicates);
      assertThat(countOr0(s, own.lifecycle, "applied") + countOr0(s, own.lifecycle, "ignored"))
          .as("each distinct event counted once as applied or ignored")
          .isEqualTo((double) distinct);
      assertThat(countOr0(s, own.lifecycle, "dead_lettered")).isEqualTo(0.0);
    }
  }

  private static double countOr0(Scrape s, String topic, String outcome) {
    List<Scrape.Sample> m = s.samples("jobwatch_events_total", "topic", topic, "outcome", outcome);
    return m.isEmpty() ? 0.0 : m.get(0).value();
  }

  // ---------------------------------------------------------------------------------------------
  // Scenario 3: the errors topic

  private Map<String, Object> stageEvent(
      String service, String stage, String errorClass, String message, String severity) {
    Map<String, Object> d =
        data(
            "service",
            service,
            "runner",
            "sge",
            "stage",
            stage,
            "error_class",
            errorClass,
            "message",
            message);
    if (severity != null) {
      d.put("severity", severity);
    }
    return d;
  }

  private String sev(String service, String stage) {
    return (String) stg(harness, service, "sge", stage).get("severity");
  }

  @Test
  @DisplayName("3. Errors topic: thresholds, fatal classes, explicit severity, worst stage wins")
  void errorsTopic() {
    String svc = "e2e-errors";
    long b = 5000;
    harness.applyStage(
        "stage.error",
        t(b + 1),
        stageEvent(svc, "submit", "ConnectionError", "sbatch: connection refused 1", null));
    assertThat(sev(svc, "submit")).isEqualTo("warning");
    harness.applyStage(
        "stage.error",
        t(b + 2),
        stageEvent(svc, "submit", "ConnectionError", "sbatch: connection refused 2", null));
    assertThat(sev(svc, "submit")).isEqualTo("warning");
    assertThat(stg(harness, svc, "sge", "submit").get("consecutive_errors")).isEqualTo(2);
    harness.applyStage(
        "stage.error",
        t(b + 3),
        stageEvent(svc, "submit", "ConnectionError", "sbatch: connection refused 3", null));
    Map<String, Object> submit = stg(harness, svc, "sge", "submit");
    assertThat(submit.get("severity")).isEqualTo("error");
    assertThat(Harness.instant(submit.get("since"))).isEqualTo(t(b + 3));
    assertThat(submit.get("consecutive_errors")).isEqualTo(3);
    assertThat(submit.get("error_count")).isEqualTo(3);
    assertThat(submit.get("last_error_class")).isEqualTo("ConnectionError");
    assertThat(submit.get("last_error_message")).isEqualTo("sbatch: connection refused 3");
    assertThat(Harness.instant(submit.get("last_error_at"))).isEqualTo(t(b + 3));
    assertThat(submit.get("last_ok_at")).isNull();

    harness.applyStage(
        "stage.error", t(b + 4), stageEvent(svc, "check_status", "KeyError", "'JobState'", null));
    Map<String, Object> check = stg(harness, svc, "sge", "check_status");
    assertThat(check.get("severity")).isEqualTo("fatal");
    assertThat(Harness.instant(check.get("since"))).isEqualTo(t(b + 4));
    Map<String, Object> health =
        harness.row(
            "SELECT severity::text AS severity, worst_stage, worst_runner, since FROM service_health WHERE service = :p0",
            svc);
    assertThat(health.get("severity")).isEqualTo("fatal");
    assertThat(health.get("worst_stage")).isEqualTo("check_status");
    assertThat(Harness.instant(health.get("since"))).isEqualTo(t(b + 4));

    harness.applyStage(
        "stage.ok", t(b + 5), data("service", svc, "runner", "sge", "stage", "submit"));
    submit = stg(harness, svc, "sge", "submit");
    assertThat(submit.get("severity")).isEqualTo("ok");
    assertThat(Harness.instant(submit.get("since"))).isEqualTo(t(b + 5));
    assertThat(submit.get("consecutive_errors")).isEqualTo(0);
    assertThat(submit.get("error_count")).isEqualTo(3);
    assertThat(Harness.instant(submit.get("last_ok_at"))).isEqualTo(t(b + 5));
    assertThat(submit.get("last_error_class")).isEqualTo("ConnectionError");
    assertThat(sev(svc, "check_status")).isEqualTo("fatal");
    health =
        harness.row(
            "SELECT severity::text AS severity, worst_stage FROM service_health WHERE service = :p0",
            svc);
    assertThat(health.get("severity")).isEqualTo("fatal");
    assertThat(health.get("worst_stage")).isEqualTo("check_status");

    // PermissionError (error family) with explicit severity warning: stays warning past N.
    for (int i = 0; i < 3; i++) {
      harness.applyStage(
          "stage.error",
          t(b + 6 + i),
          stageEvent(svc, "cancel", "PermissionError", "scancel: permission denied", "warning"));
    }
    assertThat(sev(svc, "cancel")).isEqualTo("warning");
    assertThat(stg(harness, svc, "sge", "cancel").get("consecutive_errors")).isEqualTo(3);

    // A queuing command that returned non-zero: error family (warning, then error at the 3rd).
    harness.applyStage(
        "stage.error",
        t(b + 10),
        stageEvent(
            svc,
            "start",
            "subprocess.CalledProcessError",
            "Command '['qrun']' returned non-zero exit status 1.",
            null));
    assertThat(sev(svc, "start")).isEqualTo("warning");
    harness.applyStage(
        "stage.error",
        t(b + 11),
        stageEvent(
            svc,
            "start",
            "subprocess.CalledProcessError",
            "returned non-zero exit status 1.",
            null));
    harness.applyStage(
        "stage.error",
        t(b + 12),
        stageEvent(
            svc,
            "start",
            "subprocess.CalledProcessError",
            "returned non-zero exit status 1.",
            null));
    assertThat(sev(svc, "start")).isEqualTo("error");

    app.refreshState();
    Scrape s = Scrape.metrics(app.httpPort());
    assertThat(s.value("jobwatch_stage_health", "service", svc, "runner", "sge", "stage", "submit"))
        .isEqualTo(0.0);
    assertThat(
            s.value(
                "jobwatch_stage_health", "service", svc, "runner", "sge", "stage", "check_status"))
        .isEqualTo(3.0);
    assertThat(s.value("jobwatch_stage_health", "service", svc, "runner", "sge", "stage", "cancel"))
        .isEqualTo(1.0);
    assertThat(s.value("jobwatch_stage_health", "service", svc, "runner", "sge", "stage", "start"))
        .isEqualTo(2.0);
    assertThat(s.value("jobwatch_service_health", "service", svc)).isEqualTo(3.0);

    // check_status recovers: the service is now as healthy as its worst remaining stage (start).
    harness.applyStage(
        "stage.ok", t(b + 20), data("service", svc, "runner", "sge", "stage", "check_status"));
    health =
        harness.row(
            "SELECT severity::text AS severity, worst_stage FROM service_health WHERE service = :p0",
            svc);
    assertThat(health.get("severity")).isEqualTo("error");
    assertThat(health.get("worst_stage")).isEqualTo("start");
    app.refreshState();
    s = Scrape.metrics(app.httpPort());
    assertThat(
            s.value(
                "jobwatch_stage_health", "service", svc, "runner", "sge", "stage", "check_status"))
        .isEqualTo(0.0);
    assertThat(s.value("jobwatch_service_health", "service", svc)).isEqualTo(2.0);
  }

  // ---------------------------------------------------------------------------------------------
  // Scenario 4: an Airflow-like DAG

  private Map<String, Map<String, Object>> waits(String... jobIds) {
    Map<String, Map<String, Object>> edges = new HashMap<>();
    for (Map<String, Object> row :
        harness.rows(
            "SELECT job_id, depends_on, array_to_string(accept, ',') AS accept, dependency_state,"
                + " status, job_unsatisfiable FROM job_waits WHERE job_id = ANY(string_to_array(:p0, ','))",
            String.join(",", jobIds))) {
      edges.put(row.get("job_id") + "->" + row.get("depends_on"), row);
    }
    return edges;
  }

  private double unsatisfiable(String service) {
    app.refreshState();
    List<Scrape.Sample> m =
        Scrape.metrics(app.httpPort()).samples("jobwatch_jobs_unsatisfiable", "service", service);
    return m.isEmpty() ? 0.0 : m.get(0).value();
  }

  @Test
  @DisplayName(
      "4. A DAG: a failed root makes its dependants unsatisfiable until its retry succeeds")
  void dag() {
    String svc = "e2e-dag";
    long b = 10000;
    String a = "dag-a", bj = "dag-b", c = "dag-c", d = "dag-d", self = "dag-self";
    harness.lifecycleEvent(
        "job.submitted", t(b), data("job_id", a, "service", svc, "runner", "k8s"));
    harness.lifecycleEvent(
        "job.submitted",
        t(b + 1),
        data("job_id", bj, "service", svc, "depends_on", List.of(dependency(a))));
    harness.lifecycleEvent(
        "job.submitted",
        t(b + 1),
        data("job_id", c, "service", svc, "depends_on", List.of(dependency(bj))));
    harness.lifecycleEvent(
        "job.submitted",
        t(b + 1),
        data(
            "job_id",
            d,
            "service",
            svc,
            "depends_on",
            List.of(dependency(a, "succeeded", "failed"))));
    harness.lifecycleEvent(
        "job.submitted",
        t(b + 1),
        data("job_id", self, "service", svc, "depends_on", List.of(dependency(self))));
    harness.lifecycleEvent("job.waiting", t(b + 2), data("job_id", bj, "reason", "dependencies"));
    harness.lifecycleEvent(
        "job.started", t(b + 3), data("job_id", a, "runner", "k8s", "attempt", 1));
    harness.awaitStored(
        harness.lifecycleEvent(
            "job.waiting", t(b + 2), data("job_id", c, "reason", "dependencies")));
    Harness.await("A running", WAIT, () -> "running".equals(harness.job(a).get("state")));

    Map<String, Map<String, Object>> w = waits(bj, c, d, self);
    assertThat(w).hasSize(4);
    assertThat(w.get(bj + "->" + a))
        .containsEntry("status", "waiting")
        .containsEntry("accept", "succeeded")
        .containsEntry("dependency_state", "running")
        .containsEntry("job_unsatisfiable", false);
    assertThat(w.get(c + "->" + bj))
        .containsEntry("status", "waiting")
        .containsEntry("job_unsatisfiable", false);
    assertThat(w.get(d + "->" + a))
        .containsEntry("status", "waiting")
        .containsEntry("accept", "succeeded,failed");
    assertThat(w.get(self + "->" + self))
        .containsEntry("status", "invalid")
        .containsEntry("job_unsatisfiable", true);
    assertThat(unsatisfiable(svc)).isEqualTo(1.0);

    harness.applyLifecycle(
        "job.finished", t(b + 10), data("job_id", a, "attempt", 1, "exit_code", 1));
    assertThat(harness.job(a).get("state")).isEqualTo("failed");
    w = waits(bj, c, d, self);
    assertThat(w.get(bj + "->" + a))
        .containsEntry("status", "unsatisfiable")
        .containsEntry("dependency_state", "failed")
        .containsEntry("job_unsatisfiable", true);
    assertThat(w.get(c + "->" + bj))
        .as("propagated")
        .containsEntry("status", "unsatisfiable")
        .containsEntry("job_unsatisfiable", true);
    assertThat(w.get(d + "->" + a))
        .containsEntry("status", "satisfied")
        .containsEntry("job_unsatisfiable", false);
    assertThat(w.get(self + "->" + self)).containsEntry("status", "invalid");
    assertThat(unsatisfiable(svc)).isEqualTo(3.0);

    harness.lifecycleEvent(
        "job.requeued", t(b + 20), data("job_id", a, "attempt", 2, "reason", "retry"));
    harness.lifecycleEvent(
        "job.started", t(b + 21), data("job_id", a, "runner", "k8s", "attempt", 2));
    harness.applyLifecycle(
        "job.finished", t(b + 30), data("job_id", a, "attempt", 2, "exit_code", 0));
    assertThat(harness.job(a)).containsEntry("state", "succeeded").containsEntry("attempt", 2);
    w = waits(bj, c, d, self);
    assertThat(w.get(bj + "->" + a))
        .containsEntry("status", "satisfied")
        .containsEntry("dependency_state", "succeeded")
        .containsEntry("job_unsatisfiable", false);
    assertThat(w.get(c + "->" + bj))
        .containsEntry("status", "waiting")
        .containsEntry("job_unsatisfiable", false);
    assertThat(w.get(d + "->" + a)).containsEntry("status", "satisfied");
    assertThat(w.get(self + "->" + self))
        .containsEntry("status", "invalid")
        .containsEntry("job_unsatisfiable", true);
    assertThat(unsatisfiable(svc)).isEqualTo(1.0);
  }

  // ---------------------------------------------------------------------------------------------
  // Scenario 5 and record oddities

  private Instant sendRecord(String topic, String key, byte[] value, String... headerPairs) {
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.add(
          headerPairs[i],
          headerPairs[i + 1] == null ? null : headerPairs[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    try {
      long ts =
          harness
              .producer()
              .send(
                  new ProducerRecord<>(
                      topic,
                      null,
                      key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                      value,
                      headers))
              .get()
              .timestamp();
      return Instant.ofEpochMilli(ts);
    } catch (Exception e) {
      throw new AssertionError("could not send", e);
    }
  }

  private Instant sendEv(
      String topic, String key, String id, String type, Instant time, Map<String, Object> d) {
    return sendRecord(
        topic,
        key,
        Envelopes.event(id, type, time, Envelopes.json(d)).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName(
      "5. Clock skew: an event hours ahead of its record is folded at the record timestamp")
  void clockSkew() {
    String svc = "e2e-skew";
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String L = harness.lifecycle;
    // K1: job.started stamped 3 h ahead, job.finished 10 s after now.
    sendEv(
        L,
        "skew-1",
        "k1-sub",
        "job.submitted",
        now.minusSeconds(60),
        data("job_id", "skew-1", "service", svc, "runner", SLURM));
    Instant r1 =
        sendEv(
            L,
            "skew-1",
            "k1-start",
            "job.started",
            now.plus(Duration.ofHours(3)),
            data("job_id", "skew-1", "runner", SLURM, "attempt", 1));
    sendEv(
        L,
        "skew-1",
        "k1-fin",
        "job.finished",
        now.plusSeconds(10),
        data("job_id", "skew-1", "attempt", 1, "exit_code", 0));
    // K2: job.finished 3 h ahead cannot keep the job open for a status 20 s later.
    sendEv(
        L,
        "skew-2",
        "k2-sub",
        "job.submitted",
        now.minusSeconds(60),
        data("job_id", "skew-2", "service", svc, "runner", SLURM));
    sendEv(
        L,
        "skew-2",
        "k2-start",
        "job.started",
        now.minusSeconds(50),
        data("job_id", "skew-2", "runner", SLURM, "attempt", 1));
    Instant r2 =
        sendEv(
            L,
            "skew-2",
            "k2-fin",
            "job.finished",
            now.plus(Duration.ofHours(3)),
            data("job_id", "skew-2", "attempt", 1, "exit_code", 0));
    sendEv(
        L,
        "skew-2",
        "k2-status",
        "job.status",
        now.plusSeconds(20),
        data("job_id", "skew-2", "attempt", 1, "error", "late error"));
    // A stage.ok an hour ahead cannot hide errors that follow it.
    String E = harness.errors;
    Instant r3 =
        sendEv(
            E,
            svc,
            "k3-ok",
            "stage.ok",
            now.plus(Duration.ofHours(1)),
            data("service", svc, "runner", SLURM, "stage", "check_status"));
    for (int i = 0; i < 3; i++) {
      sendEv(
          E,
          svc,
          "k3-err-" + i,
          "stage.error",
          now.plusSeconds(30 + i),
          data(
              "service",
              svc,
              "runner",
              SLURM,
              "stage",
              "check_status",
              "error_class",
              "ConnectionError",
              "message",
              "squeue timed out"));
    }
    harness.awaitStored(
        "k1-sub",
        "k1-start",
        "k1-fin",
        "k2-sub",
        "k2-start",
        "k2-fin",
        "k2-status",
        "k3-ok",
        "k3-err-0",
        "k3-err-1",
        "k3-err-2");

    Map<String, Object> k1 = harness.job("skew-1");
    assertThat(k1.get("state")).isEqualTo("succeeded");
    assertThat(Harness.instant(k1.get("started_at"))).isEqualTo(r1);
    assertThat(Harness.instant(k1.get("finished_at"))).isEqualTo(now.plusSeconds(10));
    assertThat(harness.outcome("k1-start")).isEqualTo("applied");
    Map<String, Object> k2 = harness.job("skew-2");
    assertThat(k2.get("state")).isEqualTo("succeeded");
    assertThat(Harness.instant(k2.get("finished_at"))).isEqualTo(r2);
    assertThat(Harness.instant(k2.get("updated_at"))).isEqualTo(r2);
    assertThat(k2.get("runtime_error")).isNull();
    assertThat(harness.outcome("k2-status")).isEqualTo("ignored");
    Map<String, Object> stage = stg(harness, svc, SLURM, "check_status");
    assertThat(stage.get("severity")).isEqualTo("error");
    assertThat(Harness.instant(stage.get("last_ok_at"))).isEqualTo(r3);
    assertThat(stage.get("consecutive_errors")).isEqualTo(3);

    Scrape s = Scrape.metrics(app.httpPort());
    assertThat(s.value("jobwatch_clock_skew_events_total", "topic", L)).isEqualTo(2.0);
    assertThat(s.value("jobwatch_clock_skew_events_total", "topic", E)).isEqualTo(1.0);
  }

  @Test
  @DisplayName(
      "Record oddities: binary mode, sdk-python structured with content-type, wrong and missing keys")
  void recordOddities() {
    String svc = "e2e-odd";
    long b = 20000;
    String L = harness.lifecycle;
    String job = "odd-binary";
    String[] common = {
      "ce_specversion", "1.0", "ce_source", "/runner/slurm/n9", "content-type", "application/json"
    };
    sendRecord(
        L,
        job,
        Envelopes.json(data("job_id", job, "service", svc, "runner", SLURM))
            .getBytes(StandardCharsets.UTF_8),
        concat(common, "ce_id", "ob-1", "ce_type", "job.submitted", "ce_time", t(b).toString()));
    sendRecord(
        L,
        job,
        Envelopes.json(data("job_id", job, "runner", SLURM, "attempt", 1, "host", "n9"))
            .getBytes(StandardCharsets.UTF_8),
        concat(common, "ce_id", "ob-2", "ce_type", "job.started", "ce_time", t(b + 1).toString()));
    sendRecord(
        L,
        job,
        Envelopes.json(data("job_id", job, "attempt", 1, "exit_code", 0))
            .getBytes(StandardCharsets.UTF_8),
        concat(common, "ce_id", "ob-3", "ce_type", "job.finished", "ce_time", t(b + 2).toString()));
    // sdk-python to_structured: the envelope as value, content-type application/json, no ce_
    // header.
    sendRecord(
        L,
        "odd-pystruct",
        Envelopes.event(
                "op-1",
                "job.submitted",
                t(b + 3),
                Envelopes.json(data("job_id", "odd-pystruct", "service", svc)))
            .getBytes(StandardCharsets.UTF_8),
        "content-type",
        "application/json");
    harness.awaitStored("ob-1", "ob-2", "ob-3", "op-1");
    Map<String, Object> row = harness.job(job);
    assertThat(row.get("state")).isEqualTo("succeeded");
    assertThat(row.get("host")).isEqualTo("n9");
    assertThat(Harness.instant(row.get("finished_at"))).isEqualTo(t(b + 2));
    assertThat(harness.job("odd-pystruct").get("state")).isEqualTo("submitted");

    // Wrong keys.
    sendEv(
        L, svc, "ow-1", "job.submitted", t(b + 4), data("job_id", "odd-wrongkey", "service", svc));
    sendEv(L, null, "ow-2", "job.submitted", t(b + 5), data("job_id", "odd-nokey", "service", svc));
    sendEv(
        harness.errors,
        SLURM,
        "ow-3",
        "stage.error",
        t(b + 6),
        data(
            "service",
            svc,
            "runner",
            SLURM,
            "stage",
            "submit",
            "error_class",
            "KeyError",
            "message",
            "x"));
    Harness.await(
        "three dead letters",
        WAIT,
        () ->
            harness.count(
                    "SELECT count(*) FROM dead_letters WHERE record_key IS DISTINCT FROM 'more-bin'")
                >= 3);
    List<Map<String, Object>> letters =
        harness.rows(
            "SELECT topic, record_key, reason FROM dead_letters WHERE record_key IS DISTINCT FROM 'more-bin' ORDER BY kafka_offset, topic");
    assertThat(letters).hasSize(3);
    assertThat(letters)
        .anySatisfy(
            l ->
                assertThat(l)
                    .containsEntry("topic", L)
                    .containsEntry(
                        "reason",
                        "record key must be the event's job_id \"odd-wrongkey\", but it is \"e2e-odd\""));
    assertThat(letters)
        .anySatisfy(
            l ->
                assertThat(l)
                    .containsEntry("topic", L)
                    .containsEntry(
                        "reason",
                        "record key must be the event's job_id \"odd-nokey\", but it is null (no key)"));
    assertThat(letters)
        .anySatisfy(
            l ->
                assertThat(l)
                    .containsEntry("topic", harness.errors)
                    .containsEntry(
                        "reason",
                        "record key must be the event's service \"e2e-odd\", but it is \"slurm\""));
    assertThat(
            harness.count(
                "SELECT count(*) FROM jobs WHERE job_id IN ('odd-wrongkey', 'odd-nokey')"))
        .isZero();
    assertThat(
            harness.count(
                "SELECT count(*) FROM stage_health WHERE service = 'e2e-odd' AND stage = 'submit'"))
        .isZero();
    // The dead letters are rows once their batch commits; they are counted after the COMMIT
    // returned.
    long moreBin = harness.count("SELECT count(*) FROM dead_letters WHERE record_key = 'more-bin'");
    Harness.await(
        "the dead letters counted",
        WAIT,
        () -> {
          Scrape counted = Scrape.metrics(app.httpPort());
          return counted.value("jobwatch_events_total", "topic", L, "outcome", "dead_lettered")
                  >= 2.0 + moreBin
              && counted.value(
                      "jobwatch_events_total", "topic", harness.errors, "outcome", "dead_lettered")
                  >= 1.0;
        });
    app.refreshState();
    Scrape s = Scrape.metrics(app.httpPort());
    assertThat(s.value("jobwatch_events_total", "topic", L, "outcome", "dead_lettered"))
        .isEqualTo(
            2.0
                + harness.count(
                    "SELECT count(*) FROM dead_letters WHERE record_key = \'more-bin\'"));
    assertThat(
            s.value("jobwatch_events_total", "topic", harness.errors, "outcome", "dead_lettered"))
        .isEqualTo(1.0);
    assertThat(s.value("jobwatch_dead_letters", "topic", L))
        .isEqualTo(
            2.0
                + harness.count(
                    "SELECT count(*) FROM dead_letters WHERE record_key = \'more-bin\'"));
    assertThat(s.value("jobwatch_dead_letters", "topic", harness.errors)).isEqualTo(1.0);
  }

  @Test
  @DisplayName(
      "Edges straight from the brief: exit-code table, crash blame defaults, start evidence, error classes")
  void briefEdges() {
    String svc = "e2e-edges";
    long b = 30000;
    // Exit-code table.
    Map<Integer, String[]> exits = new java.util.LinkedHashMap<>();
    exits.put(255, new String[] {"failed", null, null});
    exits.put(128, new String[] {"failed", null, null});
    exits.put(2, new String[] {"failed", null, null});
    exits.put(126, new String[] {"crashed", "platform", "not_started"});
    exits.put(129, new String[] {"crashed", "unknown", "signal_1"});
    exits.put(143, new String[] {"crashed", "unknown", "signal_15"});
    exits.put(192, new String[] {"crashed", "unknown", "signal_64"});
    exits.put(193, new String[] {"failed", null, null});
    exits.put(-9, new String[] {"crashed", "unknown", "signal_9"});
    List<String> ids = new ArrayList<>();
    int i = 0;
    for (Map.Entry<Integer, String[]> e : exits.entrySet()) {
      String job = "edge-exit-" + (i++);
      harness.lifecycleEvent(
          "job.submitted", t(b + i * 10), data("job_id", job, "service", svc, "runner", "pbs"));
      ids.add(
          harness.lifecycleEvent(
              "job.finished",
              t(b + i * 10 + 1),
              data("job_id", job, "attempt", 1, "exit_code", e.getKey())));
    }
    // Crash blame defaults and fatal.
    harness.lifecycleEvent(
        "job.submitted", t(b + 200), data("job_id", "edge-crash-null", "service", svc));
    Map<String, Object> nullBlame = data("job_id", "edge-crash-null", "attempt", 1, "blame", null);
    ids.add(harness.lifecycleEvent("job.crashed", t(b + 201), nullBlame));
    harness.lifecycleEvent(
        "job.submitted", t(b + 210), data("job_id", "edge-crash-missing", "service", svc));
    ids.add(
        harness.lifecycleEvent(
            "job.crashed", t(b + 211), data("job_id", "edge-crash-missing", "attempt", 1)));
    harness.lifecycleEvent(
        "job.submitted", t(b + 220), data("job_id", "edge-crash-fatal", "service", svc));
    ids.add(
        harness.lifecycleEvent(
            "job.crashed",
            t(b + 221),
            data(
                "job_id",
                "edge-crash-fatal",
                "attempt",
                1,
                "blame",
                "task",
                "cause",
                "oom",
                "details",
                "RSS 64G",
                "fatal",
                true)));
    // Runtime status in the same instant as the end is accepted; after it, ignored.
    harness.lifecycleEvent(
        "job.submitted", t(b + 300), data("job_id", "edge-status", "service", svc));
    harness.lifecycleEvent(
        "job.started", t(b + 301), data("job_id", "edge-status", "runner", "pbs", "attempt", 1));
    String same =
        harness.lifecycleEvent(
            "job.status",
            t(b + 305),
            data("job_id", "edge-status", "attempt", 1, "error", "same instant"));
    harness.lifecycleEvent(
        "job.finished", t(b + 305), data("job_id", "edge-status", "attempt", 1, "exit_code", 0));
    String after =
        harness.lifecycleEvent(
            "job.status",
            t(b + 306),
            data("job_id", "edge-status", "attempt", 1, "warning", "after the end"));
    ids.add(same);
    ids.add(after);
    harness.awaitStored(ids.toArray(String[]::new));

    List<String> problems = new ArrayList<>();
    i = 0;
    for (Map.Entry<Integer, String[]> e : exits.entrySet()) {
      Map<String, Object> row = harness.job("edge-exit-" + (i++));
      String[] want = e.getValue();
      if (!want[0].equals(row.get("state"))
          || !java.util.Objects.equals(want[1], row.get("blame"))
          || !java.util.Objects.equals(want[2], row.get("cause"))) {
        problems.add(
            "exit "
                + e.getKey()
                + ": "
                + row.get("state")
                + "/"
                + row.get("blame")
                + "/"
                + row.get("cause"));
      }
    }
    Map<String, Object> c1 = harness.job("edge-crash-null");
    if (!"crashed".equals(c1.get("state")) || !"unknown".equals(c1.get("blame"))) {
      problems.add("blame null: " + c1.get("state") + "/" + c1.get("blame"));
    }
    Map<String, Object> c2 = harness.job("edge-crash-missing");
    if (!"crashed".equals(c2.get("state")) || !"unknown".equals(c2.get("blame"))) {
      problems.add("blame missing: " + c2.get("state") + "/" + c2.get("blame"));
    }
    Map<String, Object> c3 = harness.job("edge-crash-fatal");
    if (!Boolean.TRUE.equals(c3.get("fatal"))
        || !"task".equals(c3.get("blame"))
        || !"oom".equals(c3.get("cause"))) {
      problems.add("fatal crash: " + c3);
    }
    Map<String, Object> st = harness.job("edge-status");
    if (!"same instant".equals(st.get("runtime_error")) || st.get("runtime_warning") != null) {
      problems.add(
          "status at the end's instant: "
              + st.get("runtime_error")
              + " / "
              + st.get("runtime_warning"));
    }
    if (!"applied".equals(harness.outcome(same)) || !"ignored".equals(harness.outcome(after))) {
      problems.add("status outcomes: " + harness.outcome(same) + " / " + harness.outcome(after));
    }
    assertThat(problems).as("job fold edges").isEmpty();
  }

  @Test
  @DisplayName(
      "Start evidence: three exit-127 jobs put start in error, a later job.started brings it back")
  void startEvidence() {
    String svc = "e2e-start";
    long b = 40000;
    for (int i = 0; i < 3; i++) {
      String job = "start-127-" + i;
      harness.lifecycleEvent(
          "job.submitted", t(b + i * 10), data("job_id", job, "service", svc, "runner", "pbs"));
      harness.lifecycleEvent(
          "job.started", t(b + i * 10 + 1), data("job_id", job, "runner", "pbs", "attempt", 1));
      harness.applyLifecycle(
          "job.finished", t(b + i * 10 + 2), data("job_id", job, "attempt", 1, "exit_code", 127));
    }
    Map<String, Object> start = stg(harness, svc, "pbs", "start");
    assertThat(start.get("severity")).isEqualTo("error");
    assertThat(start.get("consecutive_errors")).isEqualTo(3);
    assertThat(Harness.instant(start.get("since"))).isEqualTo(t(b + 22));
    app.refreshState();
    Scrape s = Scrape.metrics(app.httpPort());
    assertThat(s.value("jobwatch_stage_health", "service", svc, "runner", "pbs", "stage", "start"))
        .isEqualTo(2.0);
    assertThat(s.value("jobwatch_service_health", "service", svc)).isEqualTo(2.0);
    assertThat(s.value("jobwatch_job_crashes_total", "service", svc, "blame", "platform"))
        .isEqualTo(3.0);
    harness.lifecycleEvent(
        "job.submitted", t(b + 50), data("job_id", "start-ok", "service", svc, "runner", "pbs"));
    harness.applyLifecycle(
        "job.started", t(b + 51), data("job_id", "start-ok", "runner", "pbs", "attempt", 1));
    start = stg(harness, svc, "pbs", "start");
    assertThat(start.get("severity")).isEqualTo("ok");
    assertThat(Harness.instant(start.get("last_ok_at"))).isEqualTo(t(b + 51));
    app.refreshState();
    s = Scrape.metrics(app.httpPort());
    assertThat(s.value("jobwatch_stage_health", "service", svc, "runner", "pbs", "stage", "start"))
        .isEqualTo(0.0);
    assertThat(s.value("jobwatch_jobs", "service", svc, "state", "running")).isEqualTo(1.0);
  }

  @Test
  @DisplayName(
      "Error classes: the OS/I-O family is error (warning below N), anything else fatal; explicit severity wins")
  void errorClasses() {
    String svc = "e2e-classes";
    long b = 50000;
    Map<String, String> want = new java.util.LinkedHashMap<>();
    for (String c :
        List.of(
            "FileNotFoundError",
            "PermissionError",
            "ConnectionError",
            "ConnectionRefusedError",
            "ChildProcessError",
            "TimeoutError",
            "BrokenPipeError",
            "OSError",
            "subprocess.CalledProcessError",
            "java.io.IOException",
            "java.net.ConnectException",
            "java.io.FileNotFoundException")) {
      want.put(c, "warning");
    }
    for (String c :
        List.of("KeyError", "ValueError", "TypeError", "java.lang.NullPointerException")) {
      want.put(c, "fatal");
    }
    List<String> ids = new ArrayList<>();
    int i = 0;
    for (String c : want.keySet()) {
      ids.add(
          harness.stageEvent(
              "stage.error",
              t(b + i),
              data(
                  "service",
                  svc,
                  "runner",
                  "r",
                  "stage",
                  "st-" + (i++),
                  "error_class",
                  c,
                  "message",
                  "m")));
    }
    ids.add(
        harness.stageEvent(
            "stage.error",
            t(b + 100),
            data(
                "service",
                svc,
                "runner",
                "r",
                "stage",
                "explicit",
                "error_class",
                "ValueError",
                "message",
                "m",
                "severity",
                "error")));
    // A fatal stage comes back with stage.ok.
    ids.add(
        harness.stageEvent(
            "stage.error",
            t(b + 200),
            data(
                "service",
                svc,
                "runner",
                "r",
                "stage",
                "recover",
                "error_class",
                "KeyError",
                "message",
                "m")));
    ids.add(
        harness.stageEvent(
            "stage.ok", t(b + 201), data("service", svc, "runner", "r", "stage", "recover")));
    harness.awaitStored(ids.toArray(String[]::new));
    List<String> problems = new ArrayList<>();
    i = 0;
    for (Map.Entry<String, String> e : want.entrySet()) {
      Object got = stg(harness, svc, "r", "st-" + (i++)).get("severity");
      if (!e.getValue().equals(got)) {
        problems.add(e.getKey() + " -> " + got + " (want " + e.getValue() + ")");
      }
    }
    assertThat(problems).isEmpty();
    assertThat(stg(harness, svc, "r", "explicit").get("severity")).isEqualTo("error");
    assertThat(stg(harness, svc, "r", "recover").get("severity")).isEqualTo("ok");
  }

  @Test
  @DisplayName(
      "More edges: many runtime errors counted, older-attempt and same-attempt requeue ignored, a requeued dependency reopens its dependants, binary without ce_time")
  void moreEdges() {
    String svc = "e2e-more";
    long b = 60000;
    String job = "more-errors";
    harness.lifecycleEvent(
        "job.submitted", t(b), data("job_id", job, "service", svc, "runner", "pbs"));
    harness.lifecycleEvent(
        "job.started", t(b + 1), data("job_id", job, "runner", "pbs", "attempt", 1));
    List<String> ids = new ArrayList<>();
    for (int i = 14; i >= 0; i--) { // newest first: the first by event time is kept
      ids.add(
          harness.lifecycleEvent(
              "job.status", t(b + 10 + i), data("job_id", job, "attempt", 1, "error", "err " + i)));
    }
    harness.awaitStored(ids.toArray(String[]::new));
    assertThat(harness.job(job).get("runtime_error")).isEqualTo("err 0 (14 additional errors)");
    // A requeue that does not raise the attempt changes nothing.
    String same =
        harness.applyLifecycle("job.requeued", t(b + 40), data("job_id", job, "attempt", 1));
    assertThat(harness.outcome(same)).isEqualTo("ignored");
    assertThat(harness.job(job).get("state")).isEqualTo("running");
    harness.applyLifecycle("job.requeued", t(b + 50), data("job_id", job, "attempt", 2));
    String old =
        harness.applyLifecycle(
            "job.status", t(b + 60), data("job_id", job, "attempt", 1, "error", "old attempt"));
    // Documented (operators.md, Order): attempt 1's events sort before requeued{2} whatever their
    // time, so this one is folded inside attempt 1 and its effect cleared by the requeue.
    assertThat(harness.job(job).get("runtime_warning")).isNull();
    assertThat(harness.job(job)).containsEntry("state", "queued").containsEntry("attempt", 2);
    assertThat(harness.job(job).get("runtime_error")).isNull();
    String oldFinish =
        harness.applyLifecycle(
            "job.finished", t(b + 70), data("job_id", job, "attempt", 1, "exit_code", 0));
    assertThat(harness.job(job).get("state")).isEqualTo("queued");
    assertThat(harness.job(job).get("finished_at")).isNull();
    assertThat(harness.job(job).get("exit_code")).isNull();
    // A failed dependency that is requeued: its dependant is waiting again, not unsatisfiable.
    harness.lifecycleEvent("job.submitted", t(b + 100), data("job_id", "more-a", "service", svc));
    harness.lifecycleEvent(
        "job.submitted",
        t(b + 101),
        data("job_id", "more-b", "service", svc, "depends_on", List.of(dependency("more-a"))));
    harness.applyLifecycle(
        "job.finished",
        t(b + 102),
        data("job_id", "more-a", "attempt", 1, "exit_code", 3, "runner", "pbs"));
    assertThat(waits("more-b").get("more-b->more-a"))
        .containsEntry("status", "unsatisfiable")
        .containsEntry("job_unsatisfiable", true);
    harness.applyLifecycle("job.requeued", t(b + 110), data("job_id", "more-a", "attempt", 2));
    assertThat(waits("more-b").get("more-b->more-a"))
        .containsEntry("status", "waiting")
        .containsEntry("dependency_state", "queued")
        .containsEntry("job_unsatisfiable", false);

    // Binary mode without ce_time.
    sendRecord(
        harness.lifecycle,
        "more-bin",
        Envelopes.json(data("job_id", "more-bin", "service", svc)).getBytes(StandardCharsets.UTF_8),
        "ce_specversion",
        "1.0",
        "ce_id",
        "mb-1",
        "ce_source",
        "/x",
        "ce_type",
        "job.submitted",
        "content-type",
        "application/json");
    Harness.await(
        "dead letter of more-bin",
        WAIT,
        () ->
            harness.count("SELECT count(*) FROM dead_letters WHERE record_key = 'more-bin'") == 1);
    assertThat(
            (String)
                harness
                    .row("SELECT reason FROM dead_letters WHERE record_key = 'more-bin'")
                    .get("reason"))
        .contains("ce_time");
    // The brief: events of an older attempt change nothing but the history (updated_at included).
    assertThat(Harness.instant(harness.job(job).get("updated_at")))
        .as("updated_at after older-attempt events")
        .isEqualTo(t(b + 50));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
