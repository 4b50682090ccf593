package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What operators read (views and `jobwatch job`) says what happened, checked against the rows. */
class OperatorViewsIT extends SharedAppIT {
  private final Instant base =
      Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);

  private Instant at(int minutes) {
    return base.plus(Duration.ofMinutes(minutes));
  }

  private String jobCommand(String jobId) {
    Harness.CliRun run = harness.cli("job", jobId);
    assertThat(run.code()).as(run.err()).isZero();
    return run.out();
  }

  @Test
  @DisplayName("jobwatch job shows a running job's first error and the count of the others once")
  void runtimeErrorSummaryIsShownOnce() {
    String job = "ops-runtime-1";
    harness.applyLifecycle("job.submitted", at(0), data("job_id", job, "service", "ops-rt"));
    harness.applyLifecycle(
        "job.started", at(1), data("job_id", job, "runner", "slurm", "attempt", 1));
    for (int i = 1; i <= 4; i++) {
      harness.applyLifecycle(
          "job.status", at(1 + i), data("job_id", job, "attempt", 1, "error", "disk full " + i));
    }

    assertThat(harness.job(job))
        .containsEntry("runtime_error", "disk full 1 (3 additional errors)");
    assertThat(jobCommand(job))
        .contains("runtime   error: disk full 1 (3 additional errors)\n")
        .doesNotContain("(3 additional errors) (3 additional errors)");
  }

  @Test
  @DisplayName(
      "A publisher that always sends error, warning and activity (\"\" for none, as a Go struct"
          + " without omitempty does) leaves a running job reusable, without an error; its real"
          + " warning stays")
  void emptyStatusFieldsAreNoMessage() {
    String job = "ops-runtime-empty";
    harness.applyLifecycle("job.submitted", at(0), data("job_id", job, "service", "ops-rt"));
    harness.applyLifecycle(
        "job.started", at(1), data("job_id", job, "runner", "slurm", "attempt", 1));
    harness.applyLifecycle(
        "job.status",
        at(2),
        data("job_id", job, "attempt", 1, "error", "", "warning", "low disk", "activity", ""));
    for (int i = 3; i <= 5; i++) {
      harness.applyLifecycle(
          "job.status",
          at(i),
          data("job_id", job, "attempt", 1, "error", "", "warning", "", "activity", "step " + i));
    }

    assertThat(harness.job(job))
        .containsEntry("runtime_error", null)
        .containsEntry("runtime_warning", "low disk")
        .containsEntry("runtime_activity", "step 5")
        .containsEntry("reusable", true);
    List<Map<String, Object>> running =
        harness.rows(
            "SELECT job_id FROM jobs WHERE job_id = :p0 AND state = 'running'"
                + " AND runtime_error IS NOT NULL",
            job);
    assertThat(running).isEmpty();
  }

  @Test
  @DisplayName(
      "A service whose failing stage recovered is ok since the recovery, not since its first ok"
          + " stage; a service that never failed is ok since its first observation")
  void serviceOkSinceItsLastRecovery() {
    String service = "ops-health";
    String steady = "ops-steady";
    harness.applyStage(
        "stage.ok", at(0), data("service", service, "runner", "slurm", "stage", "submit"));
    harness.applyStage(
        "stage.error",
        at(10),
        data(
            "service",
            service,
            "runner",
            "slurm",
            "stage",
            "start",
            "error_class",
            "OSError",
            "message",
            "boom",
            "severity",
            "error"));
    assertThat(health(service))
        .containsEntry("severity", "error")
        .containsEntry("worst_stage", "start");
    harness.applyStage(
        "stage.ok", at(20), data("service", service, "runner", "slurm", "stage", "start"));
    harness.applyStage(
        "stage.ok", at(1), data("service", steady, "runner", "slurm", "stage", "submit"));
    harness.applyStage(
        "stage.ok", at(30), data("service", steady, "runner", "slurm", "stage", "start"));

    Map<String, Object> recovered = health(service);
    assertThat(recovered).containsEntry("severity", "ok").containsEntry("worst_stage", "start");
    assertThat(Harness.instant(recovered.get("since"))).isEqualTo(at(20));
    assertThat(
            Harness.instant(
                harness
                    .row(
                        "SELECT since FROM runner_health WHERE service = :p0 AND runner = 'slurm'",
                        service)
                    .get("since")))
        .isEqualTo(at(20));
    assertThat(Harness.instant(health(steady).get("since"))).isEqualTo(at(1));
  }

  @Test
  @DisplayName(
      "A job that started or ended waits on nothing: its unfinished dependencies are"
          + " not_waited_for, and jobwatch job lists them as depended on")
  void startedJobWaitsOnNothing() {
    String dependency = "ops-dep-running";
    String job = "ops-went-ahead";
    harness.applyLifecycle(
        "job.submitted", at(0), data("job_id", dependency, "service", "ops-deps"));
    harness.applyLifecycle(
        "job.started", at(1), data("job_id", dependency, "runner", "r", "attempt", 1));
    harness.applyLifecycle(
        "job.submitted",
        at(0),
        data(
            "job_id",
            job,
            "service",
            "ops-deps",
            "depends_on",
            List.of(data("job_id", dependency), data("job_id", "ops-never-seen"))));
    assertThat(statuses(job)).containsExactly("waiting", "unknown");

    harness.applyLifecycle("job.started", at(2), data("job_id", job, "runner", "r", "attempt", 1));
    harness.applyLifecycle(
        "job.finished", at(3), data("job_id", job, "attempt", 1, "exit_code", 0));

    assertThat(statuses(job)).containsExactly("not_waited_for", "not_waited_for");
    String shown = jobCommand(job);
    assertThat(shown).contains("depended on\n").doesNotContain("waits on\n");
    assertThat(shown).contains(dependency + " (needs succeeded, it is running): not_waited_for");
  }

  private Map<String, Object> health(String service) {
    return harness.row(
        "SELECT severity::text AS severity, worst_stage, since FROM service_health"
            + " WHERE service = :p0",
        service);
  }

  private List<Object> statuses(String job) {
    return harness
        .rows("SELECT status FROM job_waits WHERE job_id = :p0 ORDER BY depends_on", job)
        .stream()
        .map(row -> row.get("status"))
        .toList();
  }

  @Test
  @DisplayName(
      "The JobwatchMonitorLate runbook's recent runs are the newest runs, also when older runs"
          + " reported no job.submitted (a script that sends only job.started)")
  void monitorRunbookListsTheNewestRuns() throws Exception {
    String monitor = "ops-runbook-late";
    // Five older runs reported by a script that sends job.started and job.finished only …
    for (int run = 0; run < 5; run++) {
      String job = monitor + "-old-" + run;
      harness.applyLifecycle(
          "job.started",
          at(run * 10),
          data(
              "job_id", job, "service", "cron", "runner", "cron", "attempt", 1, "monitor",
              monitor));
      harness.applyLifecycle(
          "job.finished", at(run * 10 + 1), data("job_id", job, "attempt", 1, "exit_code", 0));
    }
    // … then two through `jobwatch run`, which also sends job.submitted; the newest failed.
    for (int run = 5; run < 7; run++) {
      String job = monitor + "-new-" + run;
      harness.applyLifecycle(
          "job.submitted",
          at(run * 10),
          data("job_id", job, "service", "cron", "runner", "cron", "monitor", monitor));
      harness.applyLifecycle(
          "job.started", at(run * 10), data("job_id", job, "runner", "cron", "attempt", 1));
      harness.applyLifecycle(
          "job.finished",
          at(run * 10 + 1),
          data("job_id", job, "attempt", 1, "exit_code", run == 6 ? 1 : 0));
    }
    String runbook =
        DocsSqlIT.statements(java.nio.file.Path.of("..", "docs", "alerts.md")).stream()
            .filter(q -> q.contains("FROM jobs") && q.contains("monitor = 'nightly-backup'"))
            .filter(q -> q.contains("LIMIT 5"))
            .findFirst()
            .orElseThrow();

    List<Map<String, Object>> runs = harness.rows(runbook.replace("nightly-backup", monitor));

    assertThat(runs)
        .extracting(row -> row.get("job_id"))
        .containsExactly(
            monitor + "-new-6",
            monitor + "-new-5",
            monitor + "-old-4",
            monitor + "-old-3",
            monitor + "-old-2");
  }

  @Test
  @DisplayName(
      "The JobwatchNoExporter runbook names the exporter lease's holder only, not a session that"
          + " holds another advisory lock (a retention pass)")
  void noExporterRunbookNamesTheLeaseHolderOnly() throws Exception {
    String lease =
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            + " AND classid = 1785684599 AND objid = 1635017576 AND objsubid = 1";
    Harness.await("the exporter lease", Duration.ofSeconds(60), () -> harness.count(lease) == 1);
    String runbook =
        DocsSqlIT.statements(java.nio.file.Path.of("..", "docs", "alerts.md")).stream()
            .filter(q -> q.contains("l.locktype = 'advisory'"))
            .findFirst()
            .orElseThrow();
    try (var retention = harness.jdbi().open()) {
      // A retention pass in progress holds its own advisory lock.
      assertThat(
              retention
                  .createQuery("SELECT pg_try_advisory_lock(:key)")
                  .bind("key", io.jobwatch.store.Retention.LOCK_KEY)
                  .mapTo(Boolean.class)
                  .one())
          .isTrue();
      Object retentionPid =
          retention.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one();

      List<Map<String, Object>> holders = harness.rows(runbook);

      assertThat(holders).extracting(row -> row.get("pid")).doesNotContain(retentionPid);
      assertThat(holders).hasSize(1);
    }
  }

  /** The SQL statements of the section of docs/alerts.md about {@code alert}, in order. */
  private static List<String> runbook(String alert) throws java.io.IOException {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "alerts.md"));
    int start = doc.indexOf("\n## " + alert + "\n");
    int end = doc.indexOf("\n## ", start + 1);
    java.nio.file.Path section = java.nio.file.Files.createTempFile("runbook", ".md");
    try {
      java.nio.file.Files.writeString(section, doc.substring(start, end < 0 ? doc.length() : end));
      return DocsSqlIT.statements(section);
    } finally {
      java.nio.file.Files.delete(section);
    }
  }

  /**
   * A login role made as docs/operators.md says an admin makes one (its first sql block, run here
   * as the database's owner), connected to the shared database.
   */
  private org.jdbi.v3.core.Jdbi operatorAsDocumented() throws java.io.IOException {
    String doc =
        java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "operators.md"));
    int open = doc.indexOf("```sql\n");
    String setup = doc.substring(open + "```sql\n".length(), doc.indexOf("```", open + 6));
    String login = "alice_" + java.util.UUID.randomUUID().toString().substring(0, 8);
    harness
        .jdbi()
        .useHandle(
            h -> {
              for (String statement :
                  setup.replaceAll("(?m)--.*$", "").replace("'…'", "'operator-test'").split(";")) {
                if (!statement.isBlank()) {
                  h.execute(statement.strip().replace("alice", login));
                }
              }
            });
    return org.jdbi.v3.core.Jdbi.create(harness.database.jdbcUrl(), login, "operator-test");
  }

  @Test
  @DisplayName(
      "The runbooks' pg_stat_activity checks show jobwatch's sessions to an operator set up as"
          + " docs/operators.md says: the lease holder's state and since when, what each session"
          + " runs (not \"<insufficient privilege>\" and nulls)")
  void sessionChecksShowJobwatchSessionsToOperators() throws Exception {
    String lease =
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            + " AND classid = 1785684599 AND objid = 1635017576 AND objsubid = 1";
    Harness.await("the exporter lease", Duration.ofSeconds(60), () -> harness.count(lease) == 1);
    org.jdbi.v3.core.Jdbi operator = operatorAsDocumented();
    String holderQuery =
        runbook("JobwatchNoExporter").stream()
            .filter(q -> q.contains("l.locktype = 'advisory'"))
            .findFirst()
            .orElseThrow();
    String activityQuery =
        runbook("JobwatchLagGrowing").stream()
            .filter(q -> q.contains("pg_stat_activity"))
            .findFirst()
            .orElseThrow();

    List<Map<String, Object>> holders =
        operator.withHandle(h -> h.createQuery(holderQuery).mapToMap().list());
    List<Map<String, Object>> sessions =
        operator.withHandle(h -> h.createQuery(activityQuery).mapToMap().list());

    assertThat(holders).hasSize(1);
    assertThat(holders.get(0))
        .containsEntry("usename", harness.database.user())
        .hasEntrySatisfying("state", state -> assertThat(state).isNotNull())
        .hasEntrySatisfying("state_change", since -> assertThat(since).isNotNull())
        .hasEntrySatisfying("client_addr", address -> assertThat(address).isNotNull());
    Object holderPid = holders.get(0).get("pid");
    assertThat(sessions)
        .filteredOn(row -> row.get("pid").equals(holderPid))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("state")).isNotNull();
              assertThat(row.get("left")).isNotNull().isNotEqualTo("<insufficient privilege>");
            });
    assertThat(sessions)
        .extracting(row -> row.get("left"))
        .doesNotContain("<insufficient privilege>");
  }

  @Test
  @DisplayName(
      "The JobwatchJobCrashes runbook lists every crash the alert counts, also a crashed attempt"
          + " that the scheduler requeued since (Slurm --requeue, an Airflow retry, a Job's"
          + " backoffLimit), with its cause; the day's causes and operators.md's crashes by blame"
          + " count it too")
  void crashRunbookListsRequeuedCrashes() throws Exception {
    String service = "ops-crashes";
    Instant now = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
    String requeued = "ops-crash-requeued";
    String notStarted = "ops-crash-127";
    String taskCrash = "ops-crash-task";
    for (String job : List.of(requeued, notStarted, taskCrash)) {
      harness.applyLifecycle("job.submitted", now, data("job_id", job, "service", service));
      harness.applyLifecycle(
          "job.started", now.plusSeconds(1), data("job_id", job, "runner", "slurm", "attempt", 1));
    }
    harness.applyLifecycle(
        "job.crashed",
        now.plusSeconds(2),
        data(
            "job_id",
            requeued,
            "attempt",
            1,
            "blame",
            "platform",
            "cause",
            "oom_in_requeued_attempt"));
    harness.applyLifecycle(
        "job.requeued",
        now.plusSeconds(3),
        data("job_id", requeued, "attempt", 2, "reason", "node failure"));
    harness.applyLifecycle(
        "job.started",
        now.plusSeconds(4),
        data("job_id", requeued, "runner", "slurm", "attempt", 2));
    harness.applyLifecycle(
        "job.finished",
        now.plusSeconds(2),
        data("job_id", notStarted, "attempt", 1, "exit_code", 127));
    harness.applyLifecycle(
        "job.crashed",
        now.plusSeconds(2),
        data("job_id", taskCrash, "attempt", 1, "blame", "task", "cause", "timeout"));
    // What the alert counts: jobwatch_job_crashes_total{service, blame} is job_crashes.
    assertThat(
            harness.count(
                "SELECT crashes FROM job_crashes WHERE service = '"
                    + service
                    + "' AND blame = 'platform'"))
        .isEqualTo(2);
    List<String> queries = runbook("JobwatchJobCrashes");

    List<Map<String, Object>> crashes =
        harness.rows(queries.get(0).replace("'blast'", "'" + service + "'"));
    List<Map<String, Object>> causes =
        harness.rows(queries.get(1).replace("'blast'", "'" + service + "'"));
    String byBlame =
        DocsSqlIT.statements(java.nio.file.Path.of("..", "docs", "operators.md")).stream()
            .filter(q -> q.contains("AS crashes"))
            .findFirst()
            .orElseThrow();
    List<Map<String, Object>> blames = harness.rows(byBlame);

    assertThat(crashes)
        .extracting(row -> row.get("job_id"), row -> row.get("attempt"), row -> row.get("cause"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(requeued, 1, "oom_in_requeued_attempt"),
            org.assertj.core.groups.Tuple.tuple(notStarted, 1, "not_started"));
    assertThat(causes)
        .extracting(row -> row.get("cause"), row -> ((Number) row.get("count")).longValue())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("oom_in_requeued_attempt", 1L),
            org.assertj.core.groups.Tuple.tuple("not_started", 1L),
            org.assertj.core.groups.Tuple.tuple("timeout", 1L));
    // operators.md's query counts every service's crashes: this test's own causes are unique
    assertThat(blames)
        .extracting(
            row -> row.get("blame"),
            row -> row.get("cause"),
            row -> ((Number) row.get("crashes")).longValue())
        .contains(
            org.assertj.core.groups.Tuple.tuple("platform", "oom_in_requeued_attempt", 1L),
            org.assertj.core.groups.Tuple.tuple("task", "timeout", 1L));
  }

  @Test
  @DisplayName(
      "A crashed attempt the scheduler requeued shows, in the crash runbook and operators.md, the"
          + " cause of the report that ended it, not of a later report or exit the fold ignored;"
          + " an attempt a node failure ended is no job that never ran, whatever exit came after")
  void crashQueriesReadOnlyAppliedEventsOfEarlierAttempts() throws Exception {
    String service = "ops-crash-reports";
    Instant now = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
    String twoReports = "ops-crash-two-reports";
    String exitThenReport = "ops-crash-exit-then-report";
    String reportThenExit = "ops-never-ran-report-then-127";
    for (String job : List.of(twoReports, exitThenReport, reportThenExit)) {
      harness.applyLifecycle("job.submitted", now, data("job_id", job, "service", service));
      harness.applyLifecycle(
          "job.started", now.plusSeconds(1), data("job_id", job, "runner", "slurm", "attempt", 1));
    }
    // The node failed; later the task's wrapper also reported (ignored: the attempt had ended).
    harness.applyLifecycle(
        "job.crashed",
        now.plusSeconds(2),
        data("job_id", twoReports, "attempt", 1, "blame", "platform", "cause", "node_fail"));
    harness.applyLifecycle(
        "job.crashed",
        now.plusSeconds(3),
        data("job_id", twoReports, "attempt", 1, "blame", "task", "cause", "oom_reported_late"));
    // Exit 127 (not_started), then a report the fold ignored.
    harness.applyLifecycle(
        "job.finished",
        now.plusSeconds(2),
        data("job_id", exitThenReport, "attempt", 1, "exit_code", 127));
    harness.applyLifecycle(
        "job.crashed",
        now.plusSeconds(3),
        data(
            "job_id",
            exitThenReport,
            "attempt",
            1,
            "blame",
            "task",
            "cause",
            "bad_command_reported_late"));
    // A node failure ended the attempt; the runner's exit 127 after it was ignored.
    harness.applyLifecycle(
        "job.crashed",
        now.plusSeconds(2),
        data("job_id", reportThenExit, "attempt", 1, "blame", "platform", "cause", "node_fail"));
    harness.applyLifecycle(
        "job.finished",
        now.plusSeconds(3),
        data("job_id", reportThenExit, "attempt", 1, "exit_code", 127));
    for (String job : List.of(twoReports, exitThenReport, reportThenExit)) {
      harness.applyLifecycle("job.requeued", now.plusSeconds(4), data("job_id", job, "attempt", 2));
    }
    assertThat(
            harness.rows(
                "SELECT job_id, blame FROM job_attempt_crashes WHERE service = '"
                    + service
                    + "' AND attempt = 1"))
        .extracting(row -> row.get("job_id"), row -> row.get("blame"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(twoReports, "platform"),
            org.assertj.core.groups.Tuple.tuple(exitThenReport, "platform"),
            org.assertj.core.groups.Tuple.tuple(reportThenExit, "platform"));
    List<String> queries = runbook("JobwatchJobCrashes");
    String byBlame =
        DocsSqlIT.statements(java.nio.file.Path.of("..", "docs", "operators.md")).stream()
            .filter(q -> q.contains("AS crashes"))
            .findFirst()
            .orElseThrow();
    String neverRan =
        DocsSqlIT.statements(java.nio.file.Path.of("..", "docs", "operators.md")).stream()
            .filter(q -> q.contains("not_started") && q.contains("LIMIT 50"))
            .findFirst()
            .orElseThrow();

    List<Map<String, Object>> crashes =
        harness.rows(queries.get(0).replace("'blast'", "'" + service + "'"));
    List<Map<String, Object>> causes =
        harness.rows(queries.get(1).replace("'blast'", "'" + service + "'"));
    List<Map<String, Object>> blames = harness.rows(byBlame);
    List<Map<String, Object>> notRun = harness.rows(neverRan);

    assertThat(crashes)
        .extracting(
            row -> row.get("job_id"),
            row -> row.get("blame"),
            row -> row.get("cause"),
            row -> row.get("exit_code"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(twoReports, "platform", "node_fail", null),
            org.assertj.core.groups.Tuple.tuple(exitThenReport, "platform", null, "127"),
            org.assertj.core.groups.Tuple.tuple(reportThenExit, "platform", "node_fail", null));
    assertThat(causes)
        .extracting(row -> row.get("cause"), row -> ((Number) row.get("count")).longValue())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("node_fail", 2L),
            org.assertj.core.groups.Tuple.tuple(null, 1L));
    assertThat(blames)
        // operators.md's query counts every service's crashes: the ignored reports' causes are
        // unique to this test
        .extracting(row -> row.get("cause"))
        .doesNotContain("oom_reported_late", "bad_command_reported_late");
    assertThat(notRun)
        .filteredOn(
            row -> List.of(twoReports, exitThenReport, reportThenExit).contains(row.get("job_id")))
        .extracting(row -> row.get("job_id"), row -> row.get("attempt"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple(exitThenReport, 1));
  }

  @Test
  @DisplayName(
      "The crash queries find an earlier attempt's events also when its publisher wrote attempt"
          + " and exit code as whole-number floats (Python float, Jackson DoubleNode: 1.0, 127.0),"
          + " which the contract reads as integers")
  void crashQueriesMatchWholeNumberFloats() throws Exception {
    String service = "ops-crash-floats";
    Instant now = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
    String reported = "ops-crash-float-reported";
    String notStarted = "ops-crash-float-127";
    for (String job : List.of(reported, notStarted)) {
      harness.applyLifecycle("job.submitted", now, data("job_id", job, "service", service));
      harness.applyLifecycle(
          "job.started",
          now.plusSeconds(1),
          data("job_id", job, "runner", "slurm", "attempt", 1.0));
    }
    harness.applyLifecycle(
        "job.crashed",
        now.plusSeconds(2),
        data("job_id", reported, "attempt", 1.0, "blame", "platform", "cause", "float_node_fail"));
    harness.applyLifecycle(
        "job.finished",
        now.plusSeconds(2),
        data("job_id", notStarted, "attempt", 1.0, "exit_code", 127.0));
    for (String job : List.of(reported, notStarted)) {
      harness.applyLifecycle(
          "job.requeued", now.plusSeconds(4), data("job_id", job, "attempt", 2.0));
    }
    assertThat(
            harness.rows(
                "SELECT job_id, attempt, blame FROM job_attempt_crashes WHERE service = '"
                    + service
                    + "'"))
        .extracting(row -> row.get("job_id"), row -> row.get("attempt"), row -> row.get("blame"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(reported, 1, "platform"),
            org.assertj.core.groups.Tuple.tuple(notStarted, 1, "platform"));
    List<String> queries = runbook("JobwatchJobCrashes");
    String neverRan =
        DocsSqlIT.statements(java.nio.file.Path.of("..", "docs", "operators.md")).stream()
            .filter(q -> q.contains("not_started") && q.contains("LIMIT 50"))
            .findFirst()
            .orElseThrow();

    List<Map<String, Object>> crashes =
        harness.rows(queries.get(0).replace("'blast'", "'" + service + "'"));
    List<Map<String, Object>> causes =
        harness.rows(queries.get(1).replace("'blast'", "'" + service + "'"));
    List<Map<String, Object>> notRun = harness.rows(neverRan);

    assertThat(crashes)
        .extracting(row -> row.get("job_id"), row -> row.get("cause"), row -> row.get("exit_code"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(reported, "float_node_fail", null),
            org.assertj.core.groups.Tuple.tuple(notStarted, null, "127"));
    assertThat(causes)
        .extracting(row -> row.get("cause"), row -> ((Number) row.get("count")).longValue())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("float_node_fail", 1L),
            org.assertj.core.groups.Tuple.tuple(null, 1L));
    assertThat(notRun)
        .filteredOn(row -> List.of(reported, notStarted).contains(row.get("job_id")))
        .extracting(row -> row.get("job_id"), row -> row.get("attempt"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple(notStarted, 1));
  }

  @Test
  @DisplayName(
      "operators.md's scripts that alert come worst first: a script down because its last run"
          + " failed (a page, its deadline still ahead) before one that is only late")
  void alertingScriptsComeWorstFirst() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String late = "ops-worst-late";
    String down = "ops-worst-down";
    for (String monitor : List.of(late, down)) {
      harness.applyLifecycle(
          "monitor.declared",
          now.minus(Duration.ofHours(3)),
          data(
              "monitor",
              monitor,
              "team",
              "data",
              "schedule",
              data("every", "PT1H"),
              "grace",
              "PT30M"));
    }
    // late: its last success 64 minutes ago, due 4 minutes ago, deadline in 26 minutes
    run(late, "ok", now.minus(Duration.ofMinutes(65)), 0);
    // down: succeeded 10 minutes ago (deadline in 80 minutes), then a run failed
    run(down, "ok", now.minus(Duration.ofMinutes(11)), 0);
    run(down, "failed", now.minus(Duration.ofMinutes(6)), 1);
    String query =
        DocsSqlIT.statements(java.nio.file.Path.of("..", "docs", "operators.md")).stream()
            .filter(q -> q.contains("FROM monitor_status") && q.contains("status IN"))
            .findFirst()
            .orElseThrow();
    Harness.await(
        "both monitors judged",
        Duration.ofSeconds(60),
        () -> {
          app.refreshState();
          return harness.count(
                  "SELECT count(*) FROM monitor_status WHERE (monitor, status) IN (('"
                      + late
                      + "', 'late'), ('"
                      + down
                      + "', 'down'))")
              == 2;
        });

    List<Object> listed =
        harness.rows(query).stream()
            .map(row -> row.get("monitor"))
            .filter(monitor -> monitor.toString().startsWith("ops-worst-"))
            .toList();

    assertThat(listed).containsExactly(down, late);
  }

  @Test
  @DisplayName(
      "operators.md's jobs that never ran (exit 126/127) include an attempt the scheduler retried"
          + " since, as the start stage's errors count it")
  void neverRanListsRetriedAttempts() throws Exception {
    Instant now = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
    String retried = "ops-never-ran-retried";
    String crashed = "ops-never-ran-reported";
    String oom = "ops-never-ran-oom";
    for (String job : List.of(retried, crashed, oom)) {
      harness.applyLifecycle("job.submitted", now, data("job_id", job, "service", "ops-nr"));
      harness.applyLifecycle(
          "job.started",
          now.plusSeconds(1),
          data("job_id", job, "runner", "slurm", "attempt", 1, "host", "node-1"));
    }
    harness.applyLifecycle(
        "job.finished",
        now.plusSeconds(2),
        data("job_id", retried, "attempt", 1, "exit_code", 127));
    harness.applyLifecycle(
        "job.requeued", now.plusSeconds(3), data("job_id", retried, "attempt", 2));
    harness.applyLifecycle(
        "job.started",
        now.plusSeconds(4),
        data("job_id", retried, "runner", "slurm", "attempt", 2, "host", "node-2"));
    harness.applyLifecycle(
        "job.crashed",
        now.plusSeconds(2),
        data("job_id", crashed, "attempt", 1, "blame", "platform", "cause", "not_started"));
    harness.applyLifecycle(
        "job.requeued", now.plusSeconds(3), data("job_id", crashed, "attempt", 2));
    harness.applyLifecycle(
        "job.crashed",
        now.plusSeconds(2),
        data("job_id", oom, "attempt", 1, "blame", "platform", "cause", "oom"));
    String query =
        DocsSqlIT.statements(java.nio.file.Path.of("..", "docs", "operators.md")).stream()
            .filter(q -> q.contains("not_started") && q.contains("LIMIT 50"))
            .findFirst()
            .orElseThrow();

    List<Map<String, Object>> rows = harness.rows(query);

    assertThat(rows)
        .filteredOn(row -> row.get("job_id").toString().startsWith("ops-never-ran-"))
        .extracting(row -> row.get("job_id"), row -> row.get("attempt"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(retried, 1),
            org.assertj.core.groups.Tuple.tuple(crashed, 1));
  }

  private void run(String monitor, String name, Instant start, int exitCode) {
    String job = monitor + "-" + name;
    harness.applyLifecycle(
        "job.started",
        start,
        data("job_id", job, "service", "cron", "runner", "cron", "attempt", 1, "monitor", monitor));
    harness.applyLifecycle(
        "job.finished",
        start.plus(Duration.ofMinutes(1)),
        data("job_id", job, "attempt", 1, "exit_code", exitCode));
  }
}
