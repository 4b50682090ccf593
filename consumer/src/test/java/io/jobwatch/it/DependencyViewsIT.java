package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.StateRefresh;
import io.jobwatch.metrics.DatabaseState;
import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.store.DependencySettingsTable;
import io.jobwatch.store.ProgressTable;
import io.jobwatch.store.StateQueries;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dependency rules live only in the {@code job_waits} and {@code stuck_jobs} views: these tests
 * insert {@code jobs} and {@code job_dependencies} rows directly and read the views on a real
 * PostgreSQL, so every rule is checked without the fold in between.
 */
@WithInfra
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DependencyViewsIT {
  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);
  private Database database;
  private Instant now;

  @BeforeAll
  void migrate(Infra infra) {
    io.jobwatch.testing.Database db = infra.newDatabase();
    database = Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 2));
    assertThat(database.migrate()).isPositive();
  }

  @AfterAll
  void close() {
    database.close();
  }

  @BeforeEach
  void empty() {
    database
        .jdbi()
        .useHandle(
            handle -> {
              handle.execute("TRUNCATE jobs, job_dependencies, job_tombstones, consumer_progress");
              DependencySettingsTable.write(handle, TEN_MINUTES);
            });
    now =
        database
            .jdbi()
            .withHandle(h -> h.createQuery("SELECT now()").mapTo(OffsetDateTime.class).one())
            .toInstant();
  }

  private Instant ago(Duration duration) {
    return now.minus(duration);
  }

  private static Duration minutes(long minutes) {
    return Duration.ofMinutes(minutes);
  }

  /** A job row; {@code finishedAt} only for terminal states. */
  private void job(String jobId, String state, Instant submittedAt, Instant finishedAt) {
    job(jobId, state, submittedAt, finishedAt, null);
  }

  private void job(
      String jobId, String state, Instant submittedAt, Instant finishedAt, String waitingReason) {
    database
        .jdbi()
        .useHandle(
            handle ->
                handle
                    .createUpdate(
                        "INSERT INTO jobs (job_id, service, state, attempt, submitted_at,"
                            + " finished_at, updated_at, waiting_reason)"
                            + " VALUES (:id, 'deps', :state, 1, :submitted, :finished, :updated,"
                            + " :reason)")
                    .bind("id", jobId)
                    .bind("state", state)
                    .bind("submitted", time(submittedAt))
                    .bind("finished", time(finishedAt))
                    .bind("updated", time(finishedAt != null ? finishedAt : submittedAt))
                    .bind("reason", waitingReason)
                    .execute());
  }

  private static OffsetDateTime time(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private void dependsOn(String jobId, String dependency, String... accept) {
    String[] states = accept.length == 0 ? new String[] {"succeeded"} : accept;
    database
        .jdbi()
        .useHandle(
            handle ->
                handle
                    .createUpdate(
                        "INSERT INTO job_dependencies (job_id, depends_on, accept)"
                            + " VALUES (:job, :dep, :accept)")
                    .bind("job", jobId)
                    .bind("dep", dependency)
                    .bind("accept", states)
                    .execute());
  }

  /** job_id/depends_on -> status, plus job_id -> job_unsatisfiable. */
  private Map<String, String> waits() {
    Map<String, String> result = new LinkedHashMap<>();
    database
        .jdbi()
        .useHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT job_id, depends_on, status, job_unsatisfiable FROM job_waits"
                            + " ORDER BY job_id, depends_on")
                    .map(
                        (rs, ctx) -> {
                          result.put(
                              rs.getString("job_id") + "->" + rs.getString("depends_on"),
                              rs.getString("status")
                                  + (rs.getBoolean("job_unsatisfiable")
                                      ? " (job can never run)"
                                      : ""));
                          return true;
                        })
                    .list());
    return result;
  }

  private List<Map<String, Object>> stuck() {
    return database
        .jdbi()
        .withHandle(
            (Handle handle) ->
                handle
                    .createQuery(
                        "SELECT job_id, state, reason, unknown_dependencies::text AS unknown,"
                            + " last_dependency_ended_at FROM stuck_jobs ORDER BY job_id")
                    .mapToMap()
                    .list());
  }

  @Test
  @DisplayName(
      "Edges: satisfied, waiting, unsatisfiable (ended outside accept), accepted cancellation,"
          + " invalid self-dependency")
  void edgeStatuses() {
    job("a-ok", "succeeded", ago(minutes(5)), ago(minutes(4)));
    job("a-cancelled", "cancelled", ago(minutes(5)), ago(minutes(4)));
    job("a-running", "running", ago(minutes(5)), null);
    job("b", "submitted", ago(minutes(3)), null);
    dependsOn("b", "a-ok");
    dependsOn("b", "a-running");
    job("c", "submitted", ago(minutes(3)), null);
    dependsOn("c", "a-cancelled");
    job("d", "submitted", ago(minutes(3)), null);
    dependsOn("d", "a-cancelled", "succeeded", "cancelled");
    job("self", "submitted", ago(minutes(3)), null);
    dependsOn("self", "self");

    assertThat(waits())
        .containsExactly(
            Map.entry("b->a-ok", "satisfied"),
            Map.entry("b->a-running", "waiting"),
            Map.entry("c->a-cancelled", "unsatisfiable (job can never run)"),
            Map.entry("d->a-cancelled", "satisfied"),
            Map.entry("self->self", "invalid (job can never run)"));
  }

  @Test
  @DisplayName(
      "Unsatisfiable propagates to dependants; a cycle of jobs that have not started is a"
          + " deadlock (V24); a running job never counts as 'can never run', so nothing"
          + " propagates through it")
  void propagationCyclesAndRunningJobs() {
    job("failed", "failed", ago(minutes(5)), ago(minutes(4)));
    job("x", "waiting", ago(minutes(3)), null, "dependencies");
    dependsOn("x", "failed");
    job("y", "submitted", ago(minutes(3)), null);
    dependsOn("y", "x");
    job("p", "submitted", ago(minutes(3)), null);
    dependsOn("p", "q");
    job("q", "submitted", ago(minutes(3)), null);
    dependsOn("q", "p");
    job("runs-anyway", "running", ago(minutes(3)), null);
    dependsOn("runs-anyway", "failed");
    job("after-runner", "submitted", ago(minutes(2)), null);
    dependsOn("after-runner", "runs-anyway");

    assertThat(waits())
        .containsExactly(
            Map.entry("after-runner->runs-anyway", "waiting"),
            Map.entry("p->q", "invalid (job can never run)"),
            Map.entry("q->p", "invalid (job can never run)"),
            Map.entry("runs-anyway->failed", "unsatisfiable"),
            Map.entry("x->failed", "unsatisfiable (job can never run)"),
            Map.entry("y->x", "unsatisfiable (job can never run)"));
  }

  @Test
  @DisplayName(
      "Cycles of jobs that have not started (2 and 3 long) are deadlocks: every edge on them is"
          + " invalid, their jobs can never run, and that propagates to the jobs that depend on"
          + " them through edges that are not satisfied; the exported count says the same")
  void cyclesOfPendingJobsAreDeadlocks() {
    job("two-a", "submitted", ago(minutes(30)), null);
    job("two-b", "waiting", ago(minutes(30)), null, "dependencies");
    dependsOn("two-a", "two-b");
    dependsOn("two-b", "two-a");
    job("three-a", "submitted", ago(minutes(30)), null);
    job("three-b", "queued", ago(minutes(30)), null);
    job("three-c", "waiting", ago(minutes(30)), null, "dependencies");
    dependsOn("three-a", "three-b");
    dependsOn("three-b", "three-c");
    dependsOn("three-c", "three-a");
    job("done", "succeeded", ago(minutes(30)), ago(minutes(20)));
    dependsOn("three-c", "done");
    job("downstream", "submitted", ago(minutes(30)), null);
    dependsOn("downstream", "three-b");
    job("further-down", "submitted", ago(minutes(30)), null);
    dependsOn("further-down", "downstream");
    // Its accept list takes the state three-a is in: this edge is satisfied, nothing propagates.
    job("lets-through", "submitted", ago(minutes(30)), null);
    dependsOn("lets-through", "three-a", "submitted", "succeeded");

    assertThat(waits())
        .containsExactly(
            Map.entry("downstream->three-b", "unsatisfiable (job can never run)"),
            Map.entry("further-down->downstream", "unsatisfiable (job can never run)"),
            Map.entry("lets-through->three-a", "satisfied"),
            Map.entry("three-a->three-b", "invalid (job can never run)"),
            Map.entry("three-b->three-c", "invalid (job can never run)"),
            Map.entry("three-c->done", "satisfied (job can never run)"),
            Map.entry("three-c->three-a", "invalid (job can never run)"),
            Map.entry("two-a->two-b", "invalid (job can never run)"),
            Map.entry("two-b->two-a", "invalid (job can never run)"));
    assertThat(stuck()).isEmpty();
    StateQueries.Waits counts = database.jdbi().withHandle(StateQueries::waitsByService);
    assertThat(counts.unsatisfiable()).containsExactly(new StateQueries.Count("deps", "", 7));
  }

  @Test
  @DisplayName(
      "Cycles of up to 16 pending jobs are deadlocks; the edges of a longer cycle wait (the"
          + " search's walks are bounded, docs/operators.md)")
  void cyclesUpTo16JobsAreDeadlocks() {
    cycle("sixteen", 16);
    cycle("seventeen", 17);

    Map<String, String> waits = waits();
    for (int i = 1; i <= 16; i++) {
      assertThat(waits.get(String.format("sixteen-%02d->sixteen-%02d", i, i % 16 + 1)))
          .as("edge %d of the 16-job cycle", i)
          .isEqualTo("invalid (job can never run)");
    }
    for (int i = 1; i <= 17; i++) {
      assertThat(waits.get(String.format("seventeen-%02d->seventeen-%02d", i, i % 17 + 1)))
          .as("edge %d of the 17-job cycle", i)
          .isEqualTo("waiting");
    }
    StateQueries.Waits counts = database.jdbi().withHandle(StateQueries::waitsByService);
    assertThat(counts.unsatisfiable()).containsExactly(new StateQueries.Count("deps", "", 16));
  }

  /** {@code n} submitted jobs PREFIX-01 … PREFIX-n, each depending on the next, the last on 01. */
  private void cycle(String prefix, int n) {
    for (int i = 1; i <= n; i++) {
      job(String.format("%s-%02d", prefix, i), "submitted", ago(minutes(30)), null);
    }
    for (int i = 1; i <= n; i++) {
      dependsOn(String.format("%s-%02d", prefix, i), String.format("%s-%02d", prefix, i % n + 1));
    }
  }

  @Test
  @DisplayName(
      "A cycle is no deadlock when one of its jobs runs or ended, or one of its edges is"
          + " satisfied (accept running with the dependency running, or accept queued with it"
          + " queued): the other rules apply to it")
  void cyclesThatCanStillMoveWait() {
    // One job of the cycle runs (it did not wait for the other): the other waits for it.
    job("runs-a", "running", ago(minutes(30)), null);
    job("runs-b", "submitted", ago(minutes(30)), null);
    dependsOn("runs-a", "runs-b");
    dependsOn("runs-b", "runs-a");
    // Closed by an edge accept [running] satisfies: after-b may start once after-a runs.
    job("after-a", "running", ago(minutes(30)), null);
    job("after-b", "submitted", ago(minutes(30)), null);
    job("after-c", "submitted", ago(minutes(30)), null);
    dependsOn("after-a", "after-c");
    dependsOn("after-b", "after-a", "running", "succeeded");
    dependsOn("after-c", "after-b");
    // Every job pending, but one edge satisfied by the state its dependency is in.
    job("queued-a", "queued", ago(minutes(30)), null);
    job("queued-b", "submitted", ago(minutes(30)), null);
    dependsOn("queued-a", "queued-b");
    dependsOn("queued-b", "queued-a", "queued", "running", "succeeded");
    // One job of the cycle ended: its dependant's edge says what it did.
    job("ended-a", "succeeded", ago(minutes(30)), ago(minutes(3)));
    job("ended-b", "submitted", ago(minutes(30)), null);
    dependsOn("ended-a", "ended-b");
    dependsOn("ended-b", "ended-a");

    assertThat(waits())
        .containsExactly(
            Map.entry("after-a->after-c", "not_waited_for"),
            Map.entry("after-b->after-a", "satisfied"),
            Map.entry("after-c->after-b", "waiting"),
            Map.entry("ended-a->ended-b", "not_waited_for"),
            Map.entry("ended-b->ended-a", "satisfied"),
            Map.entry("queued-a->queued-b", "waiting"),
            Map.entry("queued-b->queued-a", "satisfied"),
            Map.entry("runs-a->runs-b", "not_waited_for"),
            Map.entry("runs-b->runs-a", "waiting"));
    StateQueries.Waits counts = database.jdbi().withHandle(StateQueries::waitsByService);
    assertThat(counts.unsatisfiable()).isEmpty();
  }

  @Test
  @DisplayName(
      "A resubmission in force that replaces a job's edges and breaks the cycle clears it, and"
          + " the jobs that depended on the cycle wait again")
  void aResubmissionThatBreaksTheCycleClearsIt() {
    job("c-a", "submitted", ago(minutes(30)), null);
    job("c-b", "submitted", ago(minutes(30)), null);
    job("c-c", "submitted", ago(minutes(30)), null);
    dependsOn("c-a", "c-b");
    dependsOn("c-b", "c-c");
    dependsOn("c-c", "c-a");
    job("after-cycle", "submitted", ago(minutes(30)), null);
    dependsOn("after-cycle", "c-a");
    StateQueries.Waits before = database.jdbi().withHandle(StateQueries::waitsByService);
    assertThat(before.unsatisfiable()).containsExactly(new StateQueries.Count("deps", "", 4));

    // What the fold does when an earlier submission of c-c with other dependencies arrives.
    database
        .jdbi()
        .useHandle(handle -> handle.execute("DELETE FROM job_dependencies WHERE job_id = 'c-c'"));
    job("upstream", "running", ago(minutes(30)), null);
    dependsOn("c-c", "upstream");

    assertThat(waits())
        .containsExactly(
            Map.entry("after-cycle->c-a", "waiting"),
            Map.entry("c-a->c-b", "waiting"),
            Map.entry("c-b->c-c", "waiting"),
            Map.entry("c-c->upstream", "waiting"));
    StateQueries.Waits after = database.jdbi().withHandle(StateQueries::waitsByService);
    assertThat(after.unsatisfiable()).isEmpty();
  }

  @Test
  @DisplayName(
      "A dependency never seen is 'waiting' until stuck_after has passed since the job was"
          + " submitted, then 'unknown'")
  void unseenDependencyBecomesUnknown() {
    job("young", "submitted", ago(minutes(9)), null);
    dependsOn("young", "typo-1");
    job("old", "submitted", ago(minutes(11)), null);
    dependsOn("old", "typo-2");

    assertThat(waits())
        .containsExactly(
            Map.entry("old->typo-2", "unknown"), Map.entry("young->typo-1", "waiting"));

    database
        .jdbi()
        .useHandle(handle -> DependencySettingsTable.write(handle, Duration.ofMinutes(30)));
    assertThat(waits())
        .containsExactly(
            Map.entry("old->typo-2", "waiting"), Map.entry("young->typo-1", "waiting"));
  }

  @Test
  @DisplayName(
      "stuck_jobs: submitted or waiting-for-dependencies jobs whose dependencies all ended"
          + " stuck_after ago, or with an unknown dependency; not queued jobs, not jobs waiting for"
          + " resources, not fresh ones")
  void stuckJobs() {
    job("dep-old", "succeeded", ago(minutes(20)), ago(minutes(11)));
    job("dep-new", "succeeded", ago(minutes(20)), ago(minutes(9)));
    job("stuck-submitted", "submitted", ago(minutes(15)), null);
    dependsOn("stuck-submitted", "dep-old");
    job("stuck-waiting", "waiting", ago(minutes(15)), null, "dependencies");
    dependsOn("stuck-waiting", "dep-old");
    job("queued-for-capacity", "queued", ago(minutes(15)), null);
    dependsOn("queued-for-capacity", "dep-old");
    job("waiting-for-resources", "waiting", ago(minutes(15)), null, "resources");
    dependsOn("waiting-for-resources", "dep-old");
    job("fresh", "submitted", ago(minutes(15)), null);
    dependsOn("fresh", "dep-old");
    dependsOn("fresh", "dep-new");
    job("typo", "submitted", ago(minutes(11)), null);
    dependsOn("typo", "dep-old");
    dependsOn("typo", "dep-0ld");
    job("running", "running", ago(minutes(15)), null);
    dependsOn("running", "dep-old");

    List<Map<String, Object>> stuck = stuck();
    assertThat(stuck)
        .extracting(row -> row.get("job_id") + " " + row.get("reason") + " " + row.get("unknown"))
        .containsExactly(
            "stuck-submitted dependencies_ended {}",
            "stuck-waiting dependencies_ended {}",
            "typo unknown_dependency {dep-0ld}");
    assertThat(Harness.instant(stuck.get(0).get("last_dependency_ended_at")))
        .isEqualTo(ago(minutes(11)));

    database
        .jdbi()
        .useHandle(handle -> DependencySettingsTable.write(handle, Duration.ofMinutes(12)));
    assertThat(stuck()).isEmpty();

    database
        .jdbi()
        .useHandle(handle -> DependencySettingsTable.write(handle, Duration.ofMinutes(5)));
    assertThat(stuck())
        .extracting(row -> row.get("job_id"))
        .containsExactly("fresh", "stuck-submitted", "stuck-waiting", "typo");
  }

  @Test
  @DisplayName(
      "A job submitted after its dependencies ended is not stuck until stuck_after has passed"
          + " since it was submitted: the scheduler has had no time to start it")
  void lateSubmittedJobIsNotStuckAtOnce() {
    job("dep-long-ago", "succeeded", ago(minutes(90)), ago(minutes(60)));
    job("just-submitted", "submitted", ago(minutes(1)), null);
    dependsOn("just-submitted", "dep-long-ago");
    job("just-waiting", "waiting", ago(minutes(9)), null, "dependencies");
    dependsOn("just-waiting", "dep-long-ago");
    job("forgotten", "submitted", ago(minutes(11)), null);
    dependsOn("forgotten", "dep-long-ago");

    assertThat(stuck())
        .extracting(row -> row.get("job_id") + " " + row.get("reason"))
        .containsExactly("forgotten dependencies_ended");
    // The exporter's count (jobwatch_jobs_stuck_waiting) says the same.
    StateQueries.Waits counts = database.jdbi().withHandle(StateQueries::waitsByService);
    assertThat(counts.stuck()).containsExactly(new StateQueries.Count("deps", "", 1));
  }

  @Test
  @DisplayName(
      "A job whose accept list is satisfied by a dependency that is still running (Slurm's"
          + " after:) is not stuck: not everything it waits on has ended")
  void satisfiedByARunningDependencyIsNotStuck() {
    job("dep-long-ago", "succeeded", ago(minutes(90)), ago(minutes(60)));
    job("dep-running", "running", ago(minutes(90)), null);
    job("after-start", "submitted", ago(minutes(60)), null);
    dependsOn("after-start", "dep-long-ago");
    dependsOn("after-start", "dep-running", "running", "succeeded", "failed");

    assertThat(waits())
        .containsExactly(
            Map.entry("after-start->dep-long-ago", "satisfied"),
            Map.entry("after-start->dep-running", "satisfied"));
    assertThat(stuck()).isEmpty();
    StateQueries.Waits counts = database.jdbi().withHandle(StateQueries::waitsByService);
    assertThat(counts.stuck()).isEmpty();
  }

  @Test
  @DisplayName(
      "Unsatisfiability propagates only through edges that are not satisfied: a job whose accept"
          + " list takes the state a doomed dependency is in (accept queued) can run")
  void propagationStopsAtASatisfiedEdge() {
    job("failed", "failed", ago(minutes(30)), ago(minutes(20)));
    job("doomed-queued", "queued", ago(minutes(30)), null);
    dependsOn("doomed-queued", "failed");
    job("after-queued", "submitted", ago(minutes(5)), null);
    dependsOn("after-queued", "doomed-queued", "queued", "running", "succeeded");
    job("after-success", "submitted", ago(minutes(5)), null);
    dependsOn("after-success", "doomed-queued");

    assertThat(waits())
        .containsExactly(
            Map.entry("after-queued->doomed-queued", "satisfied"),
            Map.entry("after-success->doomed-queued", "unsatisfiable (job can never run)"),
            Map.entry("doomed-queued->failed", "unsatisfiable (job can never run)"));
    StateQueries.Waits counts = database.jdbi().withHandle(StateQueries::waitsByService);
    assertThat(counts.unsatisfiable()).containsExactly(new StateQueries.Count("deps", "", 2));
  }

  @Test
  @DisplayName("A job that can never run is not stuck: it is reported as unsatisfiable instead")
  void unsatisfiableIsNotStuck() {
    job("dep-old", "succeeded", ago(minutes(20)), ago(minutes(11)));
    job("self-and-typo", "submitted", ago(minutes(15)), null);
    dependsOn("self-and-typo", "self-and-typo");
    dependsOn("self-and-typo", "never-seen");
    assertThat(stuck()).isEmpty();
    assertThat(waits()).containsEntry("self-and-typo->never-seen", "unknown (job can never run)");
  }

  /** What retention leaves of a pruned terminal job (V11). */
  private void tombstone(String jobId, String state, Instant finishedAt) {
    database
        .jdbi()
        .useHandle(
            handle ->
                handle
                    .createUpdate(
                        "INSERT INTO job_tombstones (job_id, state, attempt, finished_at, pruned_at)"
                            + " VALUES (:id, :state, 1, :finished, now())")
                    .bind("id", jobId)
                    .bind("state", state)
                    .bind("finished", time(finishedAt))
                    .execute());
  }

  @Test
  @DisplayName(
      "A dependency pruned by retention counts with the final state its tombstone keeps, in the"
          + " views and in the exported counts")
  void prunedDependencyKeepsItsFinalState() {
    Duration longAgo = Duration.ofDays(100);
    tombstone("gone-failed", "failed", ago(longAgo));
    tombstone("gone-ok", "succeeded", ago(longAgo));
    job("needs-failed", "submitted", ago(longAgo), null);
    dependsOn("needs-failed", "gone-failed");
    job("needs-failed-too", "submitted", ago(minutes(30)), null);
    dependsOn("needs-failed-too", "needs-failed");
    job("needs-ok", "submitted", ago(longAgo), null);
    dependsOn("needs-ok", "gone-ok");
    job("typo", "submitted", ago(minutes(30)), null);
    dependsOn("typo", "never-seen");

    assertThat(waits())
        .containsExactly(
            Map.entry("needs-failed->gone-failed", "unsatisfiable (job can never run)"),
            Map.entry("needs-failed-too->needs-failed", "unsatisfiable (job can never run)"),
            Map.entry("needs-ok->gone-ok", "satisfied"),
            Map.entry("typo->never-seen", "unknown"));
    assertThat(stuck())
        .extracting(row -> row.get("job_id") + " " + row.get("reason"))
        .containsExactly("needs-ok dependencies_ended", "typo unknown_dependency");
    Map<String, Object> ok = stuck().get(0);
    assertThat(Harness.instant(ok.get("last_dependency_ended_at"))).isEqualTo(ago(longAgo));

    // The exporter's counts (one query over open jobs) say the same as the views.
    StateQueries.Waits counts = database.jdbi().withHandle(StateQueries::waitsByService);
    assertThat(counts.unsatisfiable()).containsExactly(new StateQueries.Count("deps", "", 2));
    assertThat(counts.stuck()).containsExactly(new StateQueries.Count("deps", "", 2));
  }

  @Test
  @DisplayName(
      "While a backlog drains, the exported stuck count judges at the stream's watermark like the"
          + " monitors: a job whose wake-up may still sit in the unread backlog of another"
          + " partition is not stuck; once every partition is caught up, it is")
  void exportedStuckCountJudgesAtTheWatermarkWhileABacklogDrains() {
    // After a 40-minute outage: dep-a ended 30 minutes ago (event time) on a partition that has
    // drained; the scheduler woke waits-on-a a second later, on a partition read only up to
    // 35 minutes ago. waits-on-typo was submitted 32 minutes ago; its dependency's job.submitted
    // may be in that backlog too.
    job("dep-a", "succeeded", ago(minutes(40)), ago(minutes(30)));
    job("waits-on-a", "submitted", ago(minutes(39)), null);
    dependsOn("waits-on-a", "dep-a");
    job("waits-on-typo", "submitted", ago(minutes(32)), null);
    dependsOn("waits-on-typo", "not-read-yet");
    report(false, ago(minutes(35)));

    // The operators' view compares with the wall clock (docs/operators.md), as before.
    assertThat(stuck()).extracting(row -> row.get("job_id")).hasSize(2);
    DatabaseState behind = refreshRead();
    assertThat(behind.judgedAt()).isEqualTo(ago(minutes(35)));
    assertThat(behind.stuck()).isEmpty();

    // Caught up: the wall clock again, and both are stuck for real.
    report(true, now);
    assertThat(refreshRead().stuck()).containsExactly(new StateQueries.Count("deps", "", 2));
  }

  /** Two lifecycle partitions: partition 0 drained, partition 1 as given, reported now. */
  private void report(boolean caughtUp, Instant watermark) {
    database
        .jdbi()
        .useHandle(
            handle ->
                ProgressTable.report(
                    handle,
                    "jobwatch",
                    "test@host",
                    now,
                    List.of(
                        new ProgressTable.Report("jobwatch.lifecycle", 0, now, true, 0L),
                        new ProgressTable.Report(
                            "jobwatch.lifecycle", 1, watermark, caughtUp, caughtUp ? 0 : 5000L))));
  }

  private DatabaseState refreshRead() {
    return database.jdbi().inTransaction(handle -> StateRefresh.read(handle, now));
  }
}
