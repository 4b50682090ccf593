package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static io.jobwatch.it.Envelopes.dependency;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.cli.JobwatchCommand;
import io.jobwatch.metrics.TableSizeMetrics;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.store.Retention;
import io.jobwatch.store.RetentionPolicy;
import io.jobwatch.store.RetentionReport;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 11.1 and 11.2 against a real Kafka and PostgreSQL. Old rows are made old by moving their
 * arrival or finish time back (received_at, finished_at), never by waiting.
 */
@WithInfra
class RetentionIT {
  private static final Map<String, String> NO_SCHEDULED_PASS =
      Map.of("JOBWATCH_RETENTION_INTERVAL", "PT0S");

  /** Event times an hour ago: young for every retention, whatever day the test runs. */
  private static final Instant T0 =
      Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

  private static final RetentionPolicy POLICY = RetentionPolicy.defaults();

  @Test
  @DisplayName(
      "A pass while consuming drops the expired partition and prunes old jobs, dependencies, crash"
          + " rows, dead letters and tombstones; nothing younger than its retention is lost")
  void passWhileConsumingKeepsEverythingYounger(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 2, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      String sealed = "ret-sealed-" + UUID.randomUUID();
      String open = "ret-open-" + UUID.randomUUID();
      String pruned = "ret-pruned-" + UUID.randomUUID();
      String recent = "ret-recent-" + UUID.randomUUID();
      List<String> oldEvents = new ArrayList<>();
      oldEvents.addAll(finishedJob(harness, sealed, 0, List.of()));
      oldEvents.addAll(
          List.of(
              harness.applyLifecycle(
                  "job.submitted", T0, data("job_id", open, "service", "ret", "runner", "slurm")),
              harness.applyLifecycle(
                  "job.started",
                  T0.plusSeconds(1),
                  data("job_id", open, "runner", "slurm", "attempt", 1))));
      oldEvents.addAll(finishedJob(harness, pruned, 137, List.of(dependency(sealed))));
      oldEvents.add(
          harness.applyStage(
              "stage.error",
              T0,
              data(
                  "service",
                  "ret",
                  "runner",
                  "slurm",
                  "stage",
                  "submit",
                  "error_class",
                  "OSError",
                  "message",
                  "no such file")));
      List<String> recentEvents = finishedJob(harness, recent, 0, List.of());
      harness.send(harness.lifecycle, "k", "not json at all");
      harness.flush();
      Harness.await(
          "the dead letter",
          Duration.ofSeconds(60),
          () -> harness.count("SELECT count(*) FROM dead_letters") == 1);
      Map<String, Object> stageBefore = harness.stage("ret", "slurm", "submit");
      long crashesBefore = harness.count("SELECT sum(crashes) FROM job_crashes");

      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      moveEvents(harness, oldEvents, today.minusDays(40));
      moveEvents(harness, recentEvents, today.minusDays(10));
      harness
          .jdbi()
          .useHandle(
              handle -> {
                handle.execute(
                    "UPDATE jobs SET finished_at = now() - interval '100 days' WHERE job_id = ?",
                    pruned);
                handle.execute("UPDATE dead_letters SET received_at = now() - interval '40 days'");
                handle.execute(
                    "INSERT INTO job_tombstones (job_id, state, attempt, pruned_at)"
                        + " VALUES ('ret-ancient', 'succeeded', 1, now() - interval '500 days')");
              });
      harness.send(harness.lifecycle, "k", "still not json");

      // Consuming goes on during the pass: 40 jobs of 3 events each.
      List<String> during = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String job = "ret-during-" + i + "-" + UUID.randomUUID();
        during.add(
            harness.lifecycleEvent("job.submitted", T0, data("job_id", job, "service", "ret")));
        during.add(
            harness.lifecycleEvent(
                "job.started",
                T0.plusSeconds(1),
                data("job_id", job, "runner", "slurm", "attempt", 1)));
        during.add(
            harness.lifecycleEvent(
                "job.finished",
                T0.plusSeconds(2),
                data("job_id", job, "attempt", 1, "exit_code", 0)));
        if (i == 10) {
          harness.flush();
        }
      }
      RetentionReport report = Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      harness.awaitStored(during.toArray(String[]::new));

      assertThat(report.ran()).isTrue();
      assertThat(report.partitions()).containsExactly(today.minusDays(40));
      assertThat(
              harness.count(
                  "SELECT count(*) FROM pg_class WHERE relname = 'job_events_"
                      + today.minusDays(40).toString().replace("-", "")
                      + "'"))
          .isZero();
      assertThat(report.rows())
          .containsEntry("job_events", 7L)
          .containsEntry("jobs", 1L)
          .containsEntry("job_dependencies", 1L)
          .containsEntry("job_attempt_crashes", 1L)
          .containsEntry("dead_letters", 1L)
          .containsEntry("job_tombstones", 1L);
      assertThat(report.eventsCarried()).isEqualTo(2);
      assertThat(report.jobsSealed()).isEqualTo(2);

      // Younger than retention: all there.
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id LIKE 'ret-during-%'"))
          .isEqualTo(40);
      assertThat(
              harness.count(
                  "SELECT count(*) FROM jobs WHERE job_id LIKE 'ret-during-%' AND state = 'succeeded'"))
          .isEqualTo(40);
      assertThat(eventsOf(harness, recent)).isEqualTo(3);
      assertThat(harness.job(recent)).containsEntry("state", "succeeded");
      Harness.await(
          "the recent dead letter, only",
          Duration.ofSeconds(60),
          () ->
              harness.count(
                      "SELECT count(*) FROM dead_letters WHERE received_at > now() - interval '1 day'")
                  == 1);
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isEqualTo(1);
      assertThat(harness.count("SELECT count(*) FROM job_events_default")).isZero();
      // The open job keeps its history and still folds from it.
      assertThat(eventsOf(harness, open)).isEqualTo(2);
      harness.applyLifecycle(
          "job.finished", T0.plusSeconds(5), data("job_id", open, "attempt", 1, "exit_code", 0));
      assertThat(harness.job(open))
          .containsEntry("state", "succeeded")
          .containsEntry("service", "ret")
          .containsEntry("runner", "slurm");
      assertThat(Harness.instant(harness.job(open).get("started_at"))).isEqualTo(T0.plusSeconds(1));
      // The terminal job whose history went: row kept (it is recent), sealed by a tombstone.
      assertThat(eventsOf(harness, sealed)).isZero();
      assertThat(harness.job(sealed)).containsEntry("state", "succeeded");
      assertThat(
              harness.row("SELECT state, attempt FROM job_tombstones WHERE job_id = :p0", sealed))
          .containsEntry("state", "succeeded")
          .containsEntry("attempt", 1);
      // The old terminal job: gone with its dependency and crash rows, a tombstone instead.
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id = '" + pruned + "'"))
          .isZero();
      assertThat(
              harness.count(
                  "SELECT count(*) FROM job_dependencies WHERE job_id = '" + pruned + "'"))
          .isZero();
      assertThat(
              harness.count(
                  "SELECT count(*) FROM job_attempt_crashes WHERE job_id = '" + pruned + "'"))
          .isZero();
      assertThat(
              harness.row("SELECT state, attempt FROM job_tombstones WHERE job_id = :p0", pruned))
          .containsEntry("state", "crashed")
          .containsEntry("attempt", 1);
      assertThat(harness.count("SELECT sum(crashes) FROM job_crashes")).isEqualTo(crashesBefore);
      assertThat(harness.count("SELECT count(*) FROM job_tombstones WHERE job_id = 'ret-ancient'"))
          .isZero();
      // Stage events go with their partition; stage health is not touched.
      assertThat(harness.stage("ret", "slurm", "submit")).isEqualTo(stageBefore);

      // A second pass finds nothing more to do.
      RetentionReport again = Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(again.partitions()).isEmpty();
      assertThat(again.rows().values()).containsOnly(0L);
      assertThat(app.isReady()).isTrue();
    }
  }

  @Test
  @DisplayName(
      "A late or re-published event of a pruned job is recorded as ignored and never resurrects"
          + " it; a stage event re-published after its copy was dropped is still not counted twice")
  void tombstonesStopResurrection(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      String job = "ret-dead-" + UUID.randomUUID();
      String submittedId = UUID.randomUUID().toString();
      String submitted =
          Envelopes.event(
              submittedId,
              "job.submitted",
              T0,
              Envelopes.json(data("job_id", job, "service", "ret", "runner", "slurm")));
      harness.send(harness.lifecycle, job, submitted);
      harness.awaitStored(submittedId);
      List<String> events = new ArrayList<>(List.of(submittedId));
      events.add(
          harness.applyLifecycle(
              "job.started",
              T0.plusSeconds(1),
              data("job_id", job, "runner", "slurm", "attempt", 1)));
      events.add(
          harness.applyLifecycle(
              "job.finished",
              T0.plusSeconds(2),
              data("job_id", job, "attempt", 1, "exit_code", 0)));
      String stageId = UUID.randomUUID().toString();
      String stageError =
          Envelopes.event(
              stageId,
              "stage.error",
              T0,
              Envelopes.json(
                  data(
                      "service",
                      "ret",
                      "runner",
                      "slurm",
                      "stage",
                      "submit",
                      "error_class",
                      "OSError",
                      "message",
                      "no such file")));
      harness.send(harness.errors, "ret", stageError);
      harness.awaitStored(stageId);
      events.add(stageId);
      moveEvents(harness, events, LocalDate.now(ZoneOffset.UTC).minusDays(40));
      harness
          .jdbi()
          .useHandle(
              handle ->
                  handle.execute(
                      "UPDATE jobs SET finished_at = now() - interval '100 days' WHERE job_id = ?",
                      job));
      Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id = '" + job + "'")).isZero();
      assertThat(eventsOf(harness, job)).isZero();
      double ignoredBefore = app.pipelineMetrics().count(harness.lifecycle, Outcome.IGNORED);
      double duplicatesBefore = app.pipelineMetrics().count(harness.lifecycle, Outcome.DUPLICATE);

      // Re-published after its stored copy went: not known as a duplicate, but the tombstone holds.
      harness.send(harness.lifecycle, job, submitted);
      harness.awaitStored(submittedId);
      String late =
          harness.applyLifecycle(
              "job.requeued", T0.plusSeconds(60), data("job_id", job, "attempt", 2));
      assertThat(harness.outcome(submittedId)).isEqualTo("ignored");
      assertThat(harness.outcome(late)).isEqualTo("ignored");
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id = '" + job + "'")).isZero();
      // Stored is not counted yet (the counters move after the COMMIT returned): the six records
      // so far, the two ignored ones included.
      harness.awaitCounted(app, 6);
      assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.IGNORED) - ignoredBefore)
          .isEqualTo(2.0);
      // Within the horizon again (its copy is stored): a plain duplicate.
      harness.send(harness.lifecycle, job, submitted);
      harness.flush();
      Harness.await(
          "the duplicate to be counted",
          Duration.ofSeconds(60),
          () ->
              app.pipelineMetrics().count(harness.lifecycle, Outcome.DUPLICATE) - duplicatesBefore
                  == 1.0);
      assertThat(
              harness.count(
                  "SELECT count(*) FROM job_events WHERE event_id = '" + submittedId + "'"))
          .isEqualTo(1);
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id = '" + job + "'")).isZero();

      // The documented horizon of stage events: past the stored copy, the stage's own latest 32
      // observations (stage_health.recent) still recognise the id, so it is not counted twice.
      harness.send(harness.errors, "ret", stageError);
      harness.awaitStored(stageId);
      assertThat(harness.stage("ret", "slurm", "submit")).containsEntry("error_count", 1L);
    }
  }

  @Test
  @DisplayName(
      "--dry-run shows the partitions and rows that would go and changes nothing; a second"
          + " instance skips while one holds the lock; table metrics give rows, bytes and age")
  void dryRunLockAndMetrics(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      try (io.jobwatch.store.Database database =
          io.jobwatch.store.Database.open(harness.settings().db())) {
        database.migrate();
      }
      LocalDate old = LocalDate.now(ZoneOffset.UTC).minusDays(45);
      harness
          .jdbi()
          .useHandle(
              handle -> {
                handle
                    .createQuery("SELECT jobwatch_event_partition(:day)")
                    .bind("day", old)
                    .mapTo(Boolean.class)
                    .one();
                handle.execute(
                    "INSERT INTO job_events (event_id, job_id, subject, type, event_time, outcome,"
                        + " topic, kafka_partition, kafka_offset, envelope, received_at)"
                        + " SELECT 'e' || i, NULL, 's/r/submit', 'stage.ok', now(), 'applied', 't', 0, i,"
                        + " '{}', ?::timestamptz FROM generate_series(1, 25) i",
                    old.atTime(12, 0).toInstant(ZoneOffset.UTC).toString());
                handle.execute(
                    "INSERT INTO jobs (job_id, state, attempt, updated_at, finished_at)"
                        + " SELECT 'j' || i, 'failed', 1, now(), now() - interval '95 days'"
                        + " FROM generate_series(1, 12) i");
                handle.execute(
                    "INSERT INTO job_dependencies (job_id, depends_on, accept)"
                        + " VALUES ('j1', 'j2', '{succeeded}')");
                handle.execute(
                    "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, reason, received_at)"
                        + " SELECT 't', 0, i, 'bad', now() - interval '31 days' FROM generate_series(1, 3) i");
                handle.execute("ANALYZE");
              });
      Map<String, Long> before = counts(harness);

      StringWriter output = new StringWriter();
      int exit =
          JobwatchCommand.commandLine(environment(harness))
              .setOut(new PrintWriter(output))
              .execute("retention", "--dry-run");
      assertThat(exit).isZero();
      assertThat(output.toString())
          .contains("would drop 1 job_events partitions: [" + old + "]")
          .containsPattern("job_events\\s+25")
          .containsPattern("jobs\\s+12")
          .containsPattern("job_dependencies\\s+1")
          .containsPattern("dead_letters\\s+3");
      assertThat(counts(harness)).isEqualTo(before);

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      TableSizeMetrics sizes = new TableSizeMetrics(harness.jdbi(), Clock.systemUTC());
      sizes.bindTo(registry);
      sizes.refresh();
      assertThat(registry.get("jobwatch.table.rows").tag("table", "job_events").gauge().value())
          .isEqualTo(25.0);
      assertThat(registry.get("jobwatch.table.rows").tag("table", "jobs").gauge().value())
          .isEqualTo(12.0);
      assertThat(registry.get("jobwatch.table").tag("table", "job_events").gauge().value())
          .isPositive();
      assertThat(
              registry
                  .get("jobwatch.table.oldest.age")
                  .tag("table", "dead_letters")
                  .gauge()
                  .value())
          .isBetween(31 * 86_400.0, 31 * 86_400.0 + 600);
      assertThat(
              registry.get("jobwatch.table.oldest.age").tag("table", "job_events").gauge().value())
          .isBetween(
              Duration.between(old.atTime(12, 0).toInstant(ZoneOffset.UTC), Instant.now())
                      .toSeconds()
                  - 600.0,
              Duration.between(old.atTime(12, 0).toInstant(ZoneOffset.UTC), Instant.now())
                      .toSeconds()
                  + 600.0);

      try (Handle holder = harness.jdbi().open()) {
        holder
            .createQuery("SELECT pg_advisory_lock(:key)")
            .bind("key", Retention.LOCK_KEY)
            .mapToMap()
            .one();
        RetentionReport skipped = Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
        assertThat(skipped.ran()).isFalse();
        assertThat(counts(harness)).isEqualTo(before);
      }

      int ran =
          JobwatchCommand.commandLine(environment(harness))
              .setOut(new PrintWriter(new StringWriter()))
              .execute("retention");
      assertThat(ran).isZero();
      assertThat(counts(harness))
          .containsEntry("job_events", 0L)
          .containsEntry("jobs", 0L)
          .containsEntry("job_dependencies", 0L)
          .containsEntry("dead_letters", 0L)
          .containsEntry("job_tombstones", 12L);
    }
  }

  /** A job with three events: submitted, started, finished with {@code exitCode}; their ids. */
  private static List<String> finishedJob(
      Harness harness, String job, int exitCode, List<Map<String, Object>> dependsOn) {
    return List.of(
        harness.applyLifecycle(
            "job.submitted",
            T0,
            dependsOn.isEmpty()
                ? data("job_id", job, "service", "ret", "runner", "slurm")
                : data(
                    "job_id", job, "service", "ret", "runner", "slurm", "depends_on", dependsOn)),
        harness.applyLifecycle(
            "job.started", T0.plusSeconds(1), data("job_id", job, "runner", "slurm", "attempt", 1)),
        harness.applyLifecycle(
            "job.finished",
            T0.plusSeconds(2),
            data("job_id", job, "attempt", 1, "exit_code", exitCode)));
  }

  /** Makes stored events look as if they had arrived at noon of {@code day}. */
  static void moveEvents(Harness harness, List<String> eventIds, LocalDate day) {
    harness
        .jdbi()
        .useHandle(
            handle -> {
              handle
                  .createQuery("SELECT jobwatch_event_partition(:day)")
                  .bind("day", day)
                  .mapTo(Boolean.class)
                  .one();
              int moved =
                  handle
                      .createUpdate(
                          "UPDATE job_events SET received_at = :at::timestamptz"
                              + " WHERE event_id = ANY(:ids)")
                      .bind("at", day.atTime(12, 0).toInstant(ZoneOffset.UTC).toString())
                      .bindArray("ids", String.class, eventIds)
                      .execute();
              assertThat(moved).isEqualTo(eventIds.size());
            });
  }

  private static long eventsOf(Harness harness, String job) {
    return harness.count("SELECT count(*) FROM job_events WHERE job_id = '" + job + "'");
  }

  private static Map<String, Long> counts(Harness harness) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (String table :
        List.of("job_events", "jobs", "job_dependencies", "dead_letters", "job_tombstones")) {
      counts.put(table, harness.count("SELECT count(*) FROM " + table));
    }
    return counts;
  }

  private static Map<String, String> environment(Harness harness) {
    return Map.of(
        "JOBWATCH_DB_URL", harness.database.jdbcUrl(),
        "JOBWATCH_DB_USER", harness.database.user(),
        "JOBWATCH_DB_PASSWORD", harness.database.password());
  }
}
