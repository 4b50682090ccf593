package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, points 1, 3, 4 and 7, end to end: events published to a real broker one at a time (so
 * each arrives in its own batch, in the order a test chooses), folded by a running {@link
 * JobwatchApp}, checked as rows of {@code jobs}, {@code job_events}, {@code stage_health} and
 * {@code job_crashes}. The tests share one app and keep apart by their own services and jobs.
 */
class FoldEdgesIT extends SharedAppIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final String RUNNER = "slurm";

  private static Instant at(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }

  private String submit(String job, String service, double seconds) {
    return harness.applyLifecycle(
        "job.submitted", at(seconds), data("job_id", job, "service", service, "runner", RUNNER));
  }

  private String start(String job, int attempt, double seconds) {
    return harness.applyLifecycle(
        "job.started", at(seconds), data("job_id", job, "runner", RUNNER, "attempt", attempt));
  }

  private String finish(String job, int attempt, int exitCode, double seconds) {
    return harness.applyLifecycle(
        "job.finished",
        at(seconds),
        data("job_id", job, "attempt", attempt, "exit_code", exitCode));
  }

  private String requeue(String job, int attempt, double seconds) {
    return harness.applyLifecycle(
        "job.requeued",
        at(seconds),
        data("job_id", job, "attempt", attempt, "reason", "node lost"));
  }

  /** job_crashes of one service as blame -> crashes, zero rows included. */
  private Map<String, Long> crashTotals(String service) {
    Map<String, Long> totals = new HashMap<>();
    for (Map<String, Object> row :
        harness.rows("SELECT blame, crashes FROM job_crashes WHERE service = :p0", service)) {
      totals.put((String) row.get("blame"), ((Number) row.get("crashes")).longValue());
    }
    return totals;
  }

  /**
   * The oracle of point 4 for single-attempt jobs: crashed jobs counted by the service and blame
   * their rows show now. job_crashes must hold the same numbers (and zeros for moved crashes).
   */
  private Map<String, Long> crashedJobsByBlame(String service) {
    Map<String, Long> counts = new HashMap<>();
    for (Map<String, Object> row :
        harness.rows(
            "SELECT blame, count(*) AS crashes FROM jobs WHERE state = 'crashed'"
                + " AND coalesce(service, 'unknown') = :p0 GROUP BY blame",
            service)) {
      counts.put((String) row.get("blame"), ((Number) row.get("crashes")).longValue());
    }
    return counts;
  }

  private static Map<String, Long> withoutZeros(Map<String, Long> totals) {
    Map<String, Long> nonZero = new HashMap<>(totals);
    nonZero.values().removeIf(count -> count == 0);
    return nonZero;
  }

  @Test
  @DisplayName(
      "1. A runner's job.started{2} 50 ms before the scheduler's job.requeued{2}: attempt 2 runs,"
          + " its status and exit apply, in either arrival order")
  void attemptsOrderBeforeTimestamps() {
    for (boolean requeueFirst : List.of(true, false)) {
      String job = "edges-attempts-" + requeueFirst;
      submit(job, "edges-attempts", 0);
      start(job, 1, 1);
      finish(job, 1, 137, 4);
      String requeued = null;
      if (requeueFirst) {
        requeued = requeue(job, 2, 5.000);
      }
      String started = start(job, 2, 4.950);
      String status =
          harness.applyLifecycle(
              "job.status", at(6), data("job_id", job, "attempt", 2, "error", "disk full"));
      if (!requeueFirst) {
        requeued = requeue(job, 2, 5.000);
      }
      String finished = finish(job, 2, 0, 9);

      Map<String, Object> row = harness.job(job);
      assertThat(row).as(job).containsEntry("state", "succeeded").containsEntry("attempt", 2);
      assertThat(row).containsEntry("exit_code", 0).containsEntry("runtime_error", "disk full");
      assertThat(Harness.instant(row.get("started_at"))).isEqualTo(at(4.950));
      assertThat(Harness.instant(row.get("finished_at"))).isEqualTo(at(9));
      for (String id : List.of(requeued, started, status, finished)) {
        assertThat(harness.outcome(id)).as("outcome of %s in %s", id, job).isEqualTo("applied");
      }
    }
  }

  @Test
  @DisplayName(
      "3. Exit codes 128, 192, 193 and 255 end as the table says: failed, crashed signal_64,"
          + " failed, failed")
  void exitCodeTable() {
    Map<Integer, List<String>> expected =
        Map.of(
            128, java.util.Arrays.asList("failed", null, null),
            192, java.util.Arrays.asList("crashed", "unknown", "signal_64"),
            193, java.util.Arrays.asList("failed", null, null),
            255, java.util.Arrays.asList("failed", null, null));
    expected.forEach(
        (code, row) -> {
          String job = "edges-exit-" + code;
          submit(job, "edges-exit", 0);
          start(job, 1, 1);
          finish(job, 1, code, 2);
          assertThat(harness.job(job))
              .as("exit %d", code)
              .containsEntry("state", row.get(0))
              .containsEntry("blame", row.get(1))
              .containsEntry("cause", row.get(2));
        });
  }

  @Test
  @DisplayName(
      "3. Three jobs that report job.started, all before any of them exits 127, put the runner's"
          + " start stage in error with no success left")
  void startedThenNotFoundIsAStartError() {
    String service = "edges-not-found";
    List<String> jobs = List.of("edges-nf-a", "edges-nf-b", "edges-nf-c");
    for (int i = 0; i < jobs.size(); i++) {
      submit(jobs.get(i), service, i * 10);
    }
    for (int i = 0; i < jobs.size(); i++) {
      start(jobs.get(i), 1, i * 10 + 1);
    }
    assertThat(harness.stage(service, RUNNER, "start")).containsEntry("severity", "ok");
    for (int i = 0; i < jobs.size(); i++) {
      finish(jobs.get(i), 1, 127, i * 10 + 2);
    }

    Map<String, Object> start = harness.stage(service, RUNNER, "start");
    assertThat(start)
        .containsEntry("severity", "error")
        .containsEntry("consecutive_errors", 3)
        .containsEntry("error_count", 3L)
        .containsEntry("ok_count", 0L)
        .containsEntry("last_ok_at", null);
    assertThat(Harness.instant(start.get("since"))).isEqualTo(at(22));
  }

  @Test
  @DisplayName(
      "4. scancel and the runner's exit 143 stamped in one second (whole-second clocks), the"
          + " cancel arriving last: the job is cancelled and job_crashes and"
          + " jobwatch_job_crashes_total count no crash")
  void cancelInTheSecondOfItsSigtermIsNoCrash() {
    String service = "edges-scancel";
    String job = "edges-scancel-1";
    submit(job, service, 0);
    start(job, 1, 1);
    String exit = finish(job, 1, 143, 10);
    assertThat(crashTotals(service)).isEqualTo(Map.of("unknown", 1L));

    String cancel =
        harness.applyLifecycle(
            "job.cancelled", at(10), data("job_id", job, "reason", "scancel by uid 1001"));

    assertThat(harness.job(job))
        .containsEntry("state", "cancelled")
        .containsEntry("blame", null)
        .containsEntry("cause", null)
        .containsEntry("exit_code", 143);
    assertThat(harness.outcome(exit)).isEqualTo("applied");
    assertThat(harness.outcome(cancel)).isEqualTo("applied");
    assertThat(crashTotals(service)).isEqualTo(Map.of("unknown", 0L));
    app.refreshState();
    assertThat(
            Scrape.metrics(app.httpPort())
                .value("jobwatch_job_crashes_total", "service", service, "blame", "unknown"))
        .isEqualTo(0.0);
  }

  @Test
  @DisplayName(
      "4. A job.crashed{third_party} after exit 137 moves the crash from unknown to third_party"
          + " in job_crashes")
  void lateCrashReportMovesTheBlame() {
    String service = "edges-crash-move";
    String job = "edges-crash-move-1";
    submit(job, service, 0);
    start(job, 1, 1);
    finish(job, 1, 137, 10);
    assertThat(crashTotals(service)).isEqualTo(Map.of("unknown", 1L));

    String report =
        harness.applyLifecycle(
            "job.crashed",
            at(15),
            data("job_id", job, "attempt", 1, "blame", "third_party", "cause", "network"));

    assertThat(harness.job(job))
        .containsEntry("state", "crashed")
        .containsEntry("blame", "third_party")
        .containsEntry("cause", "network")
        .containsEntry("exit_code", 137);
    assertThat(harness.outcome(report)).isEqualTo("applied");
    assertThat(crashTotals(service)).isEqualTo(Map.of("unknown", 0L, "third_party", 1L));
    assertThat(withoutZeros(crashTotals(service))).isEqualTo(crashedJobsByBlame(service));
  }

  @Test
  @DisplayName(
      "4. A crash seen before its job.submitted counts under service unknown, then moves to the"
          + " submitted service")
  void crashBeforeSubmissionMovesToItsService() {
    String service = "edges-crash-early";
    String job = "edges-crash-early-1";
    harness.applyLifecycle(
        "job.crashed",
        at(5),
        data("job_id", job, "attempt", 1, "blame", "platform", "cause", "oom"));
    assertThat(
            harness.count(
                "SELECT count(*) FROM job_attempt_crashes WHERE job_id = '"
                    + job
                    + "' AND service = 'unknown' AND blame = 'platform'"))
        .isEqualTo(1);

    submit(job, service, 0);

    assertThat(harness.job(job))
        .containsEntry("service", service)
        .containsEntry("blame", "platform");
    assertThat(crashTotals(service)).isEqualTo(Map.of("platform", 1L));
    assertThat(
            harness.count("SELECT count(*) FROM job_attempt_crashes WHERE job_id = '" + job + "'"))
        .isEqualTo(1);
    assertThat(
            harness.count(
                "SELECT count(*) FROM job_attempt_crashes WHERE job_id = '"
                    + job
                    + "' AND service = 'unknown'"))
        .isZero();
  }

  @Test
  @DisplayName(
      "4. job_crashes equals the count of crashed jobs by the service and blame their rows show,"
          + " after crashes that moved, were explained late or came in any order")
  void crashTotalsEqualTheJobs() {
    String service = "edges-crash-sum";
    // Exit 137, then a report timed earlier: third_party, the exit ignored.
    submit("edges-sum-1", service, 0);
    finish("edges-sum-1", 1, 137, 10);
    harness.applyLifecycle(
        "job.crashed",
        at(5),
        data("job_id", "edges-sum-1", "attempt", 1, "blame", "third_party", "cause", "network"));
    // Exit 143 stays unknown.
    submit("edges-sum-2", service, 0);
    finish("edges-sum-2", 1, 143, 10);
    // Exit 127: platform.
    submit("edges-sum-3", service, 0);
    finish("edges-sum-3", 1, 127, 10);
    // A crash later cancelled by a late, earlier job.cancelled: no crash at all.
    submit("edges-sum-4", service, 0);
    finish("edges-sum-4", 1, 137, 10);
    harness.applyLifecycle("job.cancelled", at(3), data("job_id", "edges-sum-4"));

    assertThat(harness.job("edges-sum-4")).containsEntry("state", "cancelled");
    assertThat(withoutZeros(crashTotals(service)))
        .isEqualTo(crashedJobsByBlame(service))
        .isEqualTo(Map.of("third_party", 1L, "unknown", 1L, "platform", 1L));
  }

  @Test
  @DisplayName(
      "4. Every crashed attempt of a requeued job counts once, under the blame that attempt ended"
          + " with")
  void crashedAttemptsOfARequeuedJob() {
    String service = "edges-crash-attempts";
    String job = "edges-attempts-crash";
    submit(job, service, 0);
    finish(job, 1, 137, 2);
    requeue(job, 2, 3);
    finish(job, 2, 127, 4);
    requeue(job, 3, 5);
    start(job, 3, 6);

    assertThat(harness.job(job)).containsEntry("state", "running").containsEntry("attempt", 3);
    assertThat(crashTotals(service)).isEqualTo(Map.of("unknown", 1L, "platform", 1L));
  }

  @Test
  @DisplayName(
      "7. A late job.cancelled timed before job.started and job.finished turns their stored"
          + " outcomes to ignored and withdraws the start success")
  void lateEarlierEventKeepsStoredOutcomesTrue() {
    String service = "edges-outcomes";
    String job = "edges-outcomes-1";
    submit(job, service, 0);
    String started = start(job, 1, 5);
    String finished = finish(job, 1, 0, 9);
    assertThat(harness.outcome(started)).isEqualTo("applied");
    assertThat(harness.stage(service, RUNNER, "start")).containsEntry("ok_count", 1L);

    String cancelled = harness.applyLifecycle("job.cancelled", at(3), data("job_id", job));

    assertThat(harness.job(job)).containsEntry("state", "cancelled");
    assertThat(harness.outcome(cancelled)).isEqualTo("applied");
    assertThat(harness.outcome(started)).isEqualTo("ignored");
    assertThat(harness.outcome(finished)).isEqualTo("ignored");
    assertThat(harness.stage(service, RUNNER, "start"))
        .containsEntry("ok_count", 0L)
        .containsEntry("last_ok_at", null)
        .containsEntry("severity", "ok");
  }

  @Test
  @DisplayName(
      "8. A withdrawn start success stamped in nanoseconds (Go's RFC3339Nano) takes last_ok_at"
          + " back to the success before it, although PostgreSQL keeps microseconds")
  void withdrawnNanosecondSuccessLeavesLastOkAt() {
    String service = "edges-nanos";
    submit("edges-nanos-1", service, 0);
    start("edges-nanos-1", 1, 2);
    String job = "edges-nanos-2";
    submit(job, service, 0);
    harness.applyLifecycle(
        "job.started",
        T0.plusSeconds(5).plusNanos(123_456_789),
        data("job_id", job, "runner", RUNNER, "attempt", 1));
    assertThat(harness.stage(service, RUNNER, "start")).containsEntry("ok_count", 2L);

    harness.applyLifecycle("job.cancelled", at(3), data("job_id", job));

    assertThat(harness.job(job)).containsEntry("state", "cancelled");
    Map<String, Object> start = harness.stage(service, RUNNER, "start");
    assertThat(start).containsEntry("ok_count", 1L).containsEntry("severity", "ok");
    assertThat(Harness.instant(start.get("last_ok_at"))).isEqualTo(at(2));
  }
}
