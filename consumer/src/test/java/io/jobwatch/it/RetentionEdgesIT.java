package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.metrics.TableSizeMetrics;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.store.Retention;
import io.jobwatch.store.RetentionPolicy;
import io.jobwatch.store.RetentionReport;
import io.jobwatch.store.RetentionTable;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Retention and de-duplication over time (issue 11): the edges an audit found, and checks. */
@WithInfra
class RetentionEdgesIT {
  private static final Map<String, String> NO_SCHEDULED_PASS =
      Map.of("JOBWATCH_RETENTION_INTERVAL", "PT0S");
  private static final Instant T0 =
      Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
  private static final RetentionPolicy POLICY = RetentionPolicy.defaults();

  @Test
  @DisplayName(
      "A monitor declared more than JOBWATCH_RETAIN_EVENTS ago keeps its declaration in"
          + " monitor_declarations, so monitors apply --owner still retires it when it leaves the file")
  void monitorDeclarationSurvivesRetention(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      String monitor = "ret-mon-" + UUID.randomUUID().toString().substring(0, 8);
      String declared =
          harness.lifecycleEvent(
              "monitor.declared",
              T0,
              data(
                  "monitor",
                  monitor,
                  "team",
                  "ops",
                  "schedule",
                  data("every", "PT1H"),
                  "grace",
                  "PT5M",
                  "owner",
                  "gitops"));
      harness.awaitStored(declared);
      Path file = Files.createTempFile("monitors-", ".yaml");
      Files.writeString(
          file,
          """
          monitors:
            - monitor: some-other
              team: ops
              schedule: {every: PT1H}
              grace: PT5M
          """);
      String before = applyDryRun(harness, file);
      assertThat(before).contains("1 to retire");

      RetentionIT.moveEvents(
          harness, List.of(declared), LocalDate.now(ZoneOffset.UTC).minusDays(40));
      Retention.run(harness.jdbi(), POLICY, Instant.now(), false);

      assertThat(harness.count("SELECT count(*) FROM monitors WHERE monitor = '" + monitor + "'"))
          .isEqualTo(1);
      String after = applyDryRun(harness, file);
      long inView =
          harness.count(
              "SELECT count(*) FROM monitor_declarations WHERE monitor = '" + monitor + "'");
      assertThat(after)
          .as(
              "in monitor_declarations: %d; apply --dry-run before: %s; after: %s",
              inView, before, after)
          .contains("1 to retire");
      assertThat(inView).isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "A long-running job that ends between the seal and the carry statement of a pass is"
          + " carried (the carry is the seal's complement), so a late event refolds it from its"
          + " whole history")
  void sealCarryRace(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      String job = "ret-race-" + UUID.randomUUID();
      List<String> early =
          List.of(
              harness.applyLifecycle(
                  "job.submitted", T0, data("job_id", job, "service", "svc", "runner", "slurm")),
              harness.applyLifecycle(
                  "job.started",
                  T0.plusSeconds(1),
                  data("job_id", job, "runner", "slurm", "attempt", 1, "host", "h1")));
      LocalDate old = LocalDate.now(ZoneOffset.UTC).minusDays(40);
      RetentionIT.moveEvents(harness, early, old);
      Instant now = Instant.now();
      // The statements of one step of Retention.prune, in one transaction as there; the consumer
      // commits the job's end between them (READ COMMITTED: the second statement sees it).
      int[] moved =
          harness
              .jdbi()
              .inTransaction(
                  handle -> {
                    int sealed = RetentionTable.sealTerminalJobs(handle, List.of(job), now);
                    harness.applyLifecycle(
                        "job.finished",
                        T0.plusSeconds(10),
                        data("job_id", job, "attempt", 1, "exit_code", 0));
                    int carried = RetentionTable.carryUnsealedJobs(handle, old, List.of(job), now);
                    return new int[] {sealed, carried};
                  });
      harness.jdbi().useHandle(handle -> RetentionTable.dropEventPartition(handle, old));
      assertThat(moved).as("sealed, carried").containsExactly(0, 2);
      // A late status report of attempt 1 (timed before the end): an out-of-order event.
      String late =
          harness.applyLifecycle(
              "job.status",
              T0.plusSeconds(5),
              data("job_id", job, "attempt", 1, "activity", "late report"));
      Map<String, Object> row = harness.job(job);
      long tombstones =
          harness.count("SELECT count(*) FROM job_tombstones WHERE job_id = '" + job + "'");
      assertThat(row)
          .as("tombstones=%d late outcome=%s row=%s", tombstones, harness.outcome(late), row)
          .containsEntry("state", "succeeded")
          .containsEntry("service", "svc")
          .containsEntry("runner", "slurm");
      assertThat(Harness.instant(row.get("submitted_at"))).isEqualTo(T0);
      assertThat(Harness.instant(row.get("started_at"))).isEqualTo(T0.plusSeconds(1));
    }
  }

  @Test
  @DisplayName(
      "--dry-run reports the expired rows that sit in job_events_default, which the real pass"
          + " drops")
  void dryRunSeesDefaultPartition(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      migrate(harness);
      LocalDate old = LocalDate.now(ZoneOffset.UTC).minusDays(45);
      harness
          .jdbi()
          .useHandle(
              handle ->
                  handle.execute(
                      "INSERT INTO job_events (event_id, job_id, subject, type, event_time, outcome,"
                          + " topic, kafka_partition, kafka_offset, envelope, received_at)"
                          + " SELECT 'd' || i, NULL, 's/r/submit', 'stage.ok', now(), 'applied', 't',"
                          + " 0, i, '{}', ?::timestamptz FROM generate_series(1, 25) i",
                      old.atTime(12, 0).toInstant(ZoneOffset.UTC).toString()));
      assertThat(harness.count("SELECT count(*) FROM job_events_default")).isEqualTo(25);
      RetentionReport dry = Retention.run(harness.jdbi(), POLICY, Instant.now(), true);
      RetentionReport real = Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(real.rows()).containsEntry("job_events", 25L);
      assertThat(harness.count("SELECT count(*) FROM job_events")).isZero();
      assertThat(dry.rows().get("job_events"))
          .as("dry run: %s; real pass: %s", dry, real)
          .isEqualTo(25L);
    }
  }

  @Test
  @DisplayName(
      "--dry-run counts the tombstones the real pass removes once the partition holding their"
          + " jobs' last events is dropped (tombstones kept shorter than events), as SQL counts"
          + " them before and after")
  void dryRunCountsTombstonesFreedByTheDroppedPartition(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      migrate(harness);
      // Terminal jobs pruned after a week, tombstones after two, events after 30 days: a job's
      // tombstone outlives its row but waits for the day partition of its last events.
      RetentionPolicy policy =
          new RetentionPolicy(
              Duration.ofDays(30),
              Duration.ofDays(7),
              Duration.ofDays(30),
              Duration.ofDays(14),
              Duration.ZERO,
              RetentionPolicy.DEFAULT_STEP,
              RetentionPolicy.DEFAULT_DAYS_AHEAD);
      LocalDate old = LocalDate.now(ZoneOffset.UTC).minusDays(35);
      LocalDate young = LocalDate.now(ZoneOffset.UTC).minusDays(3);
      harness
          .jdbi()
          .useHandle(
              handle -> {
                for (LocalDate day : List.of(old, young)) {
                  RetentionTable.createEventPartition(handle, day);
                }
                String insert =
                    "INSERT INTO job_events (event_id, job_id, subject, type, event_time, outcome,"
                        + " topic, kafka_partition, kafka_offset, envelope, received_at)"
                        + " VALUES (?, ?, ?, ?, ?::timestamptz, 'applied', 't', 0, ?, '{}',"
                        + " ?::timestamptz)";
                String oldAt = old.atTime(12, 0).toInstant(ZoneOffset.UTC).toString();
                String youngAt = young.atTime(12, 0).toInstant(ZoneOffset.UTC).toString();
                // gone-1 and gone-2: events only in the expired day; kept: one event 3 days old.
                handle.execute(insert, "g1", "gone-1", "gone-1", "job.submitted", oldAt, 1, oldAt);
                handle.execute(insert, "g2", "gone-1", "gone-1", "job.finished", oldAt, 2, oldAt);
                handle.execute(insert, "g3", "gone-2", "gone-2", "job.finished", oldAt, 3, oldAt);
                handle.execute(insert, "k1", "kept", "kept", "job.submitted", oldAt, 4, oldAt);
                handle.execute(insert, "k2", "kept", "kept", "job.finished", youngAt, 5, youngAt);
                handle.execute(
                    "INSERT INTO job_tombstones (job_id, state, attempt, finished_at, pruned_at)"
                        + " SELECT j, 'succeeded', 1, now() - interval '35 days',"
                        + " now() - interval '20 days' FROM unnest(ARRAY['gone-1', 'gone-2', 'kept']) j");
              });

      RetentionReport dry = Retention.run(harness.jdbi(), policy, Instant.now(), true);
      long tombstonesBefore = harness.count("SELECT count(*) FROM job_tombstones");
      long eventsBefore = harness.count("SELECT count(*) FROM job_events");
      RetentionReport real = Retention.run(harness.jdbi(), policy, Instant.now(), false);

      assertThat(harness.count("SELECT count(*) FROM job_tombstones"))
          .isEqualTo(tombstonesBefore - 2);
      assertThat(harness.count("SELECT count(*) FROM job_tombstones WHERE job_id = 'kept'"))
          .isEqualTo(1);
      assertThat(real.rows())
          .containsEntry("job_tombstones", 2L)
          .containsEntry(
              "job_events", eventsBefore - harness.count("SELECT count(*) FROM job_events"));
      assertThat(dry.rows()).as("dry run: %s; real pass: %s", dry, real).isEqualTo(real.rows());
    }
  }

  @Test
  @DisplayName(
      "After a pass, jobwatch_table_rows gives the rows it left: the pruned jobs and dead letters"
          + " are gone from it and the tombstones it wrote are there, without waiting for"
          + " autovacuum (which a few hundred deleted rows never wake)")
  void tableRowsAreTrueAfterAPass(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      migrate(harness);
      harness
          .jdbi()
          .useHandle(
              handle -> {
                storeOldAndYoungRows(handle);
                handle.execute("ANALYZE jobs");
                handle.execute("ANALYZE dead_letters");
                handle.execute("ANALYZE job_tombstones");
              });
      RetentionReport real = Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(real.rows()).containsEntry("jobs", 12L).containsEntry("dead_letters", 3L);

      Map<String, Double> rows = tableRowsNow(harness, "jobs", "dead_letters", "job_tombstones");
      assertThat(rows)
          .as("jobwatch_table_rows after the pass")
          .containsEntry("jobs", 5.0)
          .containsEntry("dead_letters", 0.0)
          .containsEntry("job_tombstones", 12.0);
    }
  }

  @Test
  @DisplayName(
      "A pass gives the pooled connection it used back with the lock_timeout the DBA set for the"
          + " database, not with none: the consumer's batches later run on that connection")
  void passLeavesTheDatabasesLockTimeoutInPlace(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      harness
          .jdbi()
          .useHandle(
              handle -> {
                String name =
                    handle.createQuery("SELECT current_database()").mapTo(String.class).one();
                handle.execute("ALTER DATABASE \"" + name + "\" SET lock_timeout = '5s'");
              });
      io.jobwatch.store.DbConfig db = harness.settings().db();
      // One connection: the pass and the check below share its session.
      try (io.jobwatch.store.Database database =
          io.jobwatch.store.Database.open(
              new io.jobwatch.store.DbConfig(db.jdbcUrl(), db.user(), db.password(), 1))) {
        database.migrate();
        org.jdbi.v3.core.Jdbi jdbi = database.jdbi();
        assertThat(jdbi.withHandle(RetentionEdgesIT::lockTimeout)).isEqualTo("5s");
        RetentionReport report = Retention.run(jdbi, POLICY, Instant.now(), false);
        assertThat(report.ran()).isTrue();
        assertThat(jdbi.withHandle(RetentionEdgesIT::lockTimeout)).isEqualTo("5s");
        Retention.run(jdbi, POLICY, Instant.now(), true);
        assertThat(jdbi.withHandle(RetentionEdgesIT::lockTimeout)).isEqualTo("5s");
      }
    }
  }

  @Test
  @DisplayName(
      "A role statement_timeout shorter than a pruning step: the pass prunes in smaller steps"
          + " rather than failing at the same step on every pass (and never reaching the dead"
          + " letters and tombstones after it)")
  void passGetsThroughAShortStatementTimeout(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      migrate(harness);
      harness
          .jdbi()
          .useHandle(
              handle -> {
                handle.execute(
                    "INSERT INTO jobs (job_id, state, attempt, updated_at, finished_at)"
                        + " SELECT 'old-' || i, 'failed', 1, now(), now() - interval '95 days'"
                        + " FROM generate_series(1, 40) i");
                handle.execute(
                    "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, reason,"
                        + " received_at) SELECT 't', 0, i, 'bad', now() - interval '31 days'"
                        + " FROM generate_series(1, 3) i");
                // Stands for a step whose time grows with its rows: writing more than ten
                // tombstones at once takes longer than the timeout.
                handle.execute(
                    "CREATE FUNCTION slow_big_tombstones() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " BEGIN IF (SELECT count(*) FROM written) > 10 THEN"
                        + " PERFORM pg_sleep(30); END IF; RETURN NULL; END $$");
                handle.execute(
                    "CREATE TRIGGER slow_big_tombstones AFTER INSERT ON job_tombstones"
                        + " REFERENCING NEW TABLE AS written FOR EACH STATEMENT"
                        + " EXECUTE FUNCTION slow_big_tombstones()");
                String name =
                    handle.createQuery("SELECT current_database()").mapTo(String.class).one();
                handle.execute(
                    "ALTER ROLE CURRENT_USER IN DATABASE \""
                        + name
                        + "\" SET statement_timeout = '300ms'");
              });
      RetentionReport report = Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(report.rows()).containsEntry("jobs", 40L).containsEntry("dead_letters", 3L);
      assertThat(harness.count("SELECT count(*) FROM jobs")).isZero();
      assertThat(harness.count("SELECT count(*) FROM job_tombstones")).isEqualTo(40);
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
    }
  }

  @Test
  @DisplayName(
      "The seal and carry steps before a day's partition is dropped also get through a"
          + " statement_timeout shorter than a full step: the terminal jobs of the expired day are"
          + " sealed, the open jobs' events carried, the day's other events dropped")
  void sealAndCarryGetThroughAShortStatementTimeout(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      migrate(harness);
      LocalDate old = LocalDate.now(ZoneOffset.UTC).minusDays(45);
      String oldAt = old.atTime(12, 0).toInstant(ZoneOffset.UTC).toString();
      harness
          .jdbi()
          .useHandle(
              handle -> {
                RetentionTable.createEventPartition(handle, old);
                // 40 jobs that ended 10 days ago (their rows stay: JOBWATCH_RETAIN_JOBS is 90
                // days) and 5 still running, each with one event on a day past the 30 days.
                handle.execute(
                    "INSERT INTO jobs (job_id, state, attempt, updated_at, finished_at)"
                        + " SELECT 'ended-' || i, 'failed', 1, now(), now() - interval '10 days'"
                        + " FROM generate_series(1, 40) i");
                handle.execute(
                    "INSERT INTO jobs (job_id, state, attempt, updated_at)"
                        + " SELECT 'open-' || i, 'running', 1, now() FROM generate_series(1, 5) i");
                handle.execute(
                    "INSERT INTO job_events (event_id, job_id, subject, type, event_time, outcome,"
                        + " topic, kafka_partition, kafka_offset, envelope, received_at)"
                        + " SELECT 'e-' || job_id, job_id, job_id, 'job.submitted', ?::timestamptz,"
                        + " 'applied', 't', 0, row_number() OVER (), '{}', ?::timestamptz"
                        + " FROM jobs",
                    oldAt,
                    oldAt);
                // Sealing more than ten jobs at once takes longer than the timeout.
                handle.execute(
                    "CREATE FUNCTION slow_big_seals() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " BEGIN IF (SELECT count(*) FROM written) > 10 THEN"
                        + " PERFORM pg_sleep(30); END IF; RETURN NULL; END $$");
                handle.execute(
                    "CREATE TRIGGER slow_big_seals AFTER INSERT ON job_tombstones"
                        + " REFERENCING NEW TABLE AS written FOR EACH STATEMENT"
                        + " EXECUTE FUNCTION slow_big_seals()");
                String name =
                    handle.createQuery("SELECT current_database()").mapTo(String.class).one();
                handle.execute(
                    "ALTER ROLE CURRENT_USER IN DATABASE \""
                        + name
                        + "\" SET statement_timeout = '300ms'");
              });
      Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(harness.count("SELECT count(*) FROM job_tombstones")).isEqualTo(40);
      assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(45);
      assertThat(harness.count("SELECT count(*) FROM job_events WHERE job_id LIKE 'open-%'"))
          .as("the open jobs' events, carried")
          .isEqualTo(5);
      assertThat(harness.count("SELECT count(*) FROM job_events WHERE job_id LIKE 'ended-%'"))
          .as("the sealed jobs' events, dropped with their day")
          .isZero();
    }
  }

  @Test
  @DisplayName(
      "jobwatch_table_rows counts the rows of tables too small for autovacuum ever to analyze"
          + " them (5 jobs, 2 dead letters): not 0")
  void tableRowsCountTablesNeverAnalyzed(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      List<String> events = new ArrayList<>();
      String first = "rows-0-" + UUID.randomUUID();
      for (int i = 0; i < 5; i++) {
        String job = i == 0 ? first : "rows-" + i + "-" + UUID.randomUUID();
        events.add(
            harness.lifecycleEvent(
                "job.submitted",
                T0,
                i == 0
                    ? data("job_id", job, "service", "svc", "runner", "slurm")
                    : data(
                        "job_id",
                        job,
                        "service",
                        "svc",
                        "runner",
                        "slurm",
                        "depends_on",
                        List.of(Envelopes.dependency(first)))));
        events.add(
            harness.lifecycleEvent(
                "job.finished",
                T0.plusSeconds(2),
                data("job_id", job, "attempt", 1, "exit_code", 137)));
      }
      harness.send(harness.lifecycle, "k", "not json");
      harness.send(harness.lifecycle, "k", "not json either");
      harness.awaitStored(events.toArray(String[]::new));
      harness.awaitCounted(app, 12);

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      TableSizeMetrics sizes = new TableSizeMetrics(harness.jdbi(), Clock.systemUTC());
      sizes.bindTo(registry);
      Map<String, Double> expected =
          Map.of(
              "job_events", 10.0,
              "jobs", 5.0,
              "job_dependencies", 4.0,
              "job_attempt_crashes", 5.0,
              "dead_letters", 2.0,
              "job_tombstones", 0.0);
      Map<String, Double> rows = new java.util.TreeMap<>();
      // The statistics the consumer's sessions collect reach the server within seconds.
      try {
        Harness.await(
            "jobwatch_table_rows to give the rows stored",
            Duration.ofSeconds(60),
            () -> {
              sizes.refresh();
              for (String table : expected.keySet()) {
                rows.put(
                    table, registry.get("jobwatch.table.rows").tag("table", table).gauge().value());
              }
              return rows.equals(expected);
            });
      } catch (AssertionError timedOut) {
        assertThat(rows).as("jobwatch_table_rows after 60 s").isEqualTo(expected);
        throw timedOut;
      }
      assertThat(rows).as("jobwatch_table_rows").isEqualTo(expected);
    }
  }

  @Test
  @DisplayName(
      "Late events of every kind for a pruned job and for a sealed one (a monitored run's start,"
          + " a runtime error, exit 127, a crash report, a requeue, the new attempt's start and"
          + " kill) are ignored and counted so: no row comes back, and stage health, the monitor"
          + " and the crash totals stay as they were")
  void lateEventsOfEveryKindLeavePrunedAndSealedJobsAlone(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      String monitor = "ret-mon-" + UUID.randomUUID().toString().substring(0, 8);
      String pruned = "ret-pruned-" + UUID.randomUUID();
      String sealed = "ret-sealed-" + UUID.randomUUID();
      harness.applyLifecycle(
          "monitor.declared", T0.minusSeconds(10), Envelopes.hourlyMonitor(monitor));
      List<String> old = new ArrayList<>();
      for (String job : List.of(pruned, sealed)) {
        old.add(
            harness.applyLifecycle(
                "job.submitted",
                T0,
                data("job_id", job, "service", "late", "runner", "slurm", "monitor", monitor)));
        old.add(
            harness.applyLifecycle(
                "job.started",
                T0.plusSeconds(1),
                data("job_id", job, "runner", "slurm", "attempt", 1)));
        old.add(
            harness.applyLifecycle(
                "job.finished",
                T0.plusSeconds(2),
                data("job_id", job, "attempt", 1, "exit_code", 0)));
      }
      RetentionIT.moveEvents(harness, old, LocalDate.now(ZoneOffset.UTC).minusDays(40));
      harness
          .jdbi()
          .useHandle(
              handle ->
                  handle.execute(
                      "UPDATE jobs SET finished_at = now() - interval '100 days' WHERE job_id = ?",
                      pruned));
      Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id = '" + pruned + "'"))
          .isZero();
      assertThat(harness.job(sealed)).containsEntry("state", "succeeded");
      assertThat(harness.count("SELECT count(*) FROM job_tombstones")).isEqualTo(2);
      harness.awaitCounted(app, 7);
      double ignoredBefore = app.pipelineMetrics().count(harness.lifecycle, Outcome.IGNORED);
      Map<String, Object> stageBefore = harness.stage("late", "slurm", "start");
      String monitorQuery =
          "SELECT last_start_at, last_success_at, last_failure_at, last_finish_at, recent_runs::text"
              + " AS runs, consecutive_failures FROM monitors WHERE monitor = :p0";
      Map<String, Object> monitorBefore = harness.row(monitorQuery, monitor);

      List<String> late = new ArrayList<>();
      for (String job : List.of(pruned, sealed)) {
        late.add(
            harness.lifecycleEvent(
                "job.started",
                T0.plusSeconds(3),
                data("job_id", job, "runner", "slurm", "attempt", 1, "monitor", monitor)));
        late.add(
            harness.lifecycleEvent(
                "job.status",
                T0.plusSeconds(3),
                data("job_id", job, "attempt", 1, "error", "boom")));
        late.add(
            harness.lifecycleEvent(
                "job.finished",
                T0.plusSeconds(4),
                data("job_id", job, "attempt", 1, "exit_code", 127)));
        late.add(
            harness.lifecycleEvent(
                "job.crashed",
                T0.plusSeconds(4),
                data("job_id", job, "attempt", 1, "blame", "platform", "cause", "not_started")));
        late.add(
            harness.lifecycleEvent(
                "job.requeued", T0.plusSeconds(5), data("job_id", job, "attempt", 2)));
        late.add(
            harness.lifecycleEvent(
                "job.started",
                T0.plusSeconds(6),
                data("job_id", job, "runner", "slurm", "attempt", 2, "monitor", monitor)));
        late.add(
            harness.lifecycleEvent(
                "job.finished",
                T0.plusSeconds(7),
                data("job_id", job, "attempt", 2, "exit_code", 137)));
      }
      harness.awaitStored(late.toArray(String[]::new));
      harness.awaitCounted(app, 7 + late.size());

      for (String id : late) {
        assertThat(harness.outcome(id)).as("outcome of %s", id).isEqualTo("ignored");
      }
      assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.IGNORED) - ignoredBefore)
          .isEqualTo(late.size());
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id = '" + pruned + "'"))
          .isZero();
      assertThat(harness.job(sealed))
          .containsEntry("state", "succeeded")
          .containsEntry("attempt", 1)
          .containsEntry("runtime_error", null);
      assertThat(harness.stage("late", "slurm", "start")).isEqualTo(stageBefore);
      assertThat(harness.row(monitorQuery, monitor)).isEqualTo(monitorBefore);
      assertThat(harness.count("SELECT count(*) FROM job_attempt_crashes")).isZero();
      assertThat(harness.count("SELECT coalesce(sum(crashes), 0) FROM job_crashes")).isZero();
    }
  }

  @Test
  @DisplayName(
      "After a pass that carried an open job's events into today's partition (20,000 events,"
          + " analyzed: estimated, not counted), jobwatch_table_rows{table=job_events} still"
          + " counts them")
  void tableRowsCountTheEventsAPassCarried(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      migrate(harness);
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      LocalDate old = today.minusDays(40);
      harness
          .jdbi()
          .useHandle(
              handle -> {
                RetentionTable.createEventPartition(handle, today);
                RetentionTable.createEventPartition(handle, old);
                handle.execute(
                    "INSERT INTO jobs (job_id, state, attempt, updated_at)"
                        + " VALUES ('long-running', 'running', 1, now())");
                String insert =
                    "INSERT INTO job_events (event_id, job_id, subject, type, event_time, outcome,"
                        + " topic, kafka_partition, kafka_offset, envelope, received_at)"
                        + " SELECT ? || i, ?, ?, ?, now(), 'applied', 't', 0, i, '{}',"
                        + " ?::timestamptz FROM generate_series(1, ?) i";
                handle.execute(
                    insert,
                    "old-",
                    "long-running",
                    "long-running",
                    "job.status",
                    old.atTime(12, 0).toInstant(ZoneOffset.UTC).toString(),
                    20);
                handle.execute(
                    insert,
                    "today-",
                    null,
                    "s/r/submit",
                    "stage.ok",
                    Instant.now().toString(),
                    20_000);
                handle.execute("ANALYZE job_events");
              });

      RetentionReport real = Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(real.partitions()).containsExactly(old);
      assertThat(real.eventsCarried()).isEqualTo(20);
      assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(20_020);

      assertThat(tableRowsNow(harness, "job_events").get("job_events"))
          .as("jobwatch_table_rows{table=job_events} after the pass")
          .isEqualTo(20_020.0);
    }
  }

  @Test
  @DisplayName(
      "A quiet day partition (never analyzed) that a pass carried events into keeps counting the"
          + " events stored after the pass in jobwatch_table_rows: the pass does not freeze its"
          + " estimate")
  void tableRowsOfAQuietPartitionKeepCountingAfterACarry(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      migrate(harness);
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      LocalDate old = today.minusDays(40);
      String insert =
          "INSERT INTO job_events (event_id, job_id, subject, type, event_time, outcome,"
              + " topic, kafka_partition, kafka_offset, envelope, received_at)"
              + " SELECT ? || i, ?, ?, ?, now(), 'applied', 't', 0, i, '{}',"
              + " ?::timestamptz FROM generate_series(1, ?) i";
      harness
          .jdbi()
          .useHandle(
              handle -> {
                RetentionTable.createEventPartition(handle, today);
                RetentionTable.createEventPartition(handle, old);
                handle.execute(
                    "INSERT INTO jobs (job_id, state, attempt, updated_at)"
                        + " VALUES ('long-running', 'running', 1, now())");
                handle.execute(
                    insert,
                    "old-",
                    "long-running",
                    "long-running",
                    "job.status",
                    old.atTime(12, 0).toInstant(ZoneOffset.UTC).toString(),
                    20);
                handle.execute(
                    insert,
                    "before-",
                    null,
                    "s/r/submit",
                    "stage.ok",
                    Instant.now().toString(),
                    10);
              });
      RetentionReport real = Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(real.eventsCarried()).isEqualTo(20);
      harness
          .jdbi()
          .useHandle(
              handle ->
                  handle.execute(
                      insert,
                      "after-",
                      null,
                      "s/r/submit",
                      "stage.ok",
                      Instant.now().toString(),
                      30));
      assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(60);

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      TableSizeMetrics sizes = new TableSizeMetrics(harness.jdbi(), Clock.systemUTC());
      sizes.bindTo(registry);
      double[] rows = {Double.NaN};
      try {
        Harness.await(
            "jobwatch_table_rows{table=job_events} to count 60",
            Duration.ofSeconds(60),
            () -> {
              sizes.refresh();
              rows[0] =
                  registry.get("jobwatch.table.rows").tag("table", "job_events").gauge().value();
              return rows[0] == 60.0;
            });
      } catch (AssertionError timedOut) {
        assertThat(rows[0]).as("jobwatch_table_rows{table=job_events} after 60 s").isEqualTo(60.0);
        throw timedOut;
      }
    }
  }

  @Test
  @DisplayName(
      "A small table keeps its exact row count in jobwatch_table_rows after a pass analyzed it:"
          + " the jobs and dead letters stored after the pass count (autovacuum would refresh the"
          + " estimate only after 50 changed rows)")
  void tableRowsOfSmallTablesStayExactAfterAPass(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      migrate(harness);
      harness
          .jdbi()
          .useHandle(
              handle -> {
                storeOldAndYoungRows(handle);
              });
      RetentionReport real = Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(real.rows()).containsEntry("jobs", 12L).containsEntry("dead_letters", 3L);
      harness
          .jdbi()
          .useHandle(
              handle -> {
                handle.execute(
                    "INSERT INTO jobs (job_id, state, attempt, updated_at)"
                        + " SELECT 'after-' || i, 'running', 1, now() FROM generate_series(1, 7) i");
                handle.execute(
                    "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, reason)"
                        + " SELECT 't', 0, 100 + i, 'bad' FROM generate_series(1, 5) i");
              });

      Map<String, Double> rows = tableRowsNow(harness, "jobs", "dead_letters", "job_tombstones");
      assertThat(rows)
          .as("jobwatch_table_rows after the pass and 7 jobs and 5 dead letters more")
          .containsEntry("jobs", 12.0)
          .containsEntry("dead_letters", 5.0)
          .containsEntry("job_tombstones", 12.0);
    }
  }

  @Test
  @DisplayName(
      "A retention of thousands of years (JOBWATCH_RETAIN_*=P1000000D, 'keep for ever') is"
          + " accepted at start, so a pass and --dry-run keep everything instead of failing on"
          + " every pass with a cutoff PostgreSQL cannot read")
  void aRetentionOfThousandsOfYearsKeepsEverything(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      migrate(harness);
      harness
          .jdbi()
          .useHandle(
              handle -> {
                handle.execute(
                    "INSERT INTO jobs (job_id, state, attempt, updated_at, finished_at)"
                        + " VALUES ('ancient', 'failed', 1, now(), now() - interval '3000 days')");
                handle.execute(
                    "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, reason,"
                        + " received_at) VALUES ('t', 0, 1, 'bad', now() - interval '3000 days')");
              });
      String forever = "P1000000D";
      Map<String, String> environment = new java.util.HashMap<>(harness.cliEnvironment());
      for (String name :
          List.of(
              "JOBWATCH_RETAIN_EVENTS",
              "JOBWATCH_RETAIN_JOBS",
              "JOBWATCH_RETAIN_DEAD_LETTERS",
              "JOBWATCH_RETAIN_TOMBSTONES")) {
        environment.put(name, forever);
      }
      RetentionPolicy policy = io.jobwatch.config.Settings.forConsumer(environment).retention();

      RetentionReport dry = Retention.run(harness.jdbi(), policy, Instant.now(), true);
      RetentionReport real = Retention.run(harness.jdbi(), policy, Instant.now(), false);

      assertThat(dry.rows().values()).containsOnly(0L);
      assertThat(real.rows().values()).containsOnly(0L);
      assertThat(real.partitions()).isEmpty();
      assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(1);
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isEqualTo(1);
    }
  }

  /** The schema, without an instance (its start would run a pass of its own). */
  private static void migrate(Harness harness) {
    try (io.jobwatch.store.Database database =
        io.jobwatch.store.Database.open(harness.settings().db())) {
      database.migrate();
    }
  }

  private static String lockTimeout(Handle handle) {
    return handle.createQuery("SHOW lock_timeout").mapTo(String.class).one();
  }

  @Test
  @DisplayName(
      "With a 1-day event retention, a week-long job carried by pass after pass keeps folding"
          + " right: a requeue, an out-of-order report of the old attempt, a re-published"
          + " submission and the end give the row its whole history gives")
  void aWeekLongJobFoldsRightThroughDailyPasses(Infra infra) {
    RetentionPolicy daily =
        new RetentionPolicy(
            Duration.ofDays(1),
            Duration.ofDays(90),
            Duration.ofDays(30),
            Duration.ofDays(400),
            Duration.ZERO,
            RetentionPolicy.DEFAULT_STEP,
            RetentionPolicy.DEFAULT_DAYS_AHEAD);
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      String job = "ret-week-" + UUID.randomUUID();
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      String submittedId = UUID.randomUUID().toString();
      String submitted =
          Envelopes.event(
              submittedId,
              "job.submitted",
              T0,
              Envelopes.json(data("job_id", job, "service", "svc", "runner", "slurm")));
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
              "job.status",
              T0.plusSeconds(10),
              data("job_id", job, "attempt", 1, "error", "disk")));
      RetentionIT.moveEvents(harness, events, today.minusDays(6));
      assertThat(Retention.run(harness.jdbi(), daily, Instant.now(), false).eventsCarried())
          .isEqualTo(3);

      events.add(
          harness.applyLifecycle(
              "job.status",
              T0.plusSeconds(20),
              data("job_id", job, "attempt", 1, "error", "again")));
      events.add(
          harness.applyLifecycle(
              "job.requeued", T0.plusSeconds(40), data("job_id", job, "attempt", 2)));
      RetentionIT.moveEvents(harness, events, today.minusDays(4));
      assertThat(Retention.run(harness.jdbi(), daily, Instant.now(), false).eventsCarried())
          .isEqualTo(5);

      events.add(
          harness.applyLifecycle(
              "job.started",
              T0.plusSeconds(41),
              data("job_id", job, "runner", "pbs", "attempt", 2, "host", "h2")));
      events.add(
          harness.applyLifecycle(
              "job.status",
              T0.plusSeconds(45),
              data("job_id", job, "attempt", 2, "activity", "step 2")));
      RetentionIT.moveEvents(harness, events, today.minusDays(2));
      assertThat(Retention.run(harness.jdbi(), daily, Instant.now(), false).eventsCarried())
          .isEqualTo(7);

      // Out of order: a report of attempt 1 timed before the requeue (applied at its turn, cleared
      // by the requeue), and the submission re-published (a duplicate).
      String late =
          harness.applyLifecycle(
              "job.status", T0.plusSeconds(15), data("job_id", job, "attempt", 1, "error", "late"));
      double duplicates = app.pipelineMetrics().count(harness.lifecycle, Outcome.DUPLICATE);
      harness.send(harness.lifecycle, job, submitted);
      harness.flush();
      Harness.await(
          "the re-published submission counted as a duplicate",
          Duration.ofSeconds(60),
          () ->
              app.pipelineMetrics().count(harness.lifecycle, Outcome.DUPLICATE) - duplicates
                  == 1.0);
      harness.applyLifecycle(
          "job.finished", T0.plusSeconds(50), data("job_id", job, "attempt", 2, "exit_code", 0));

      Map<String, Object> row = harness.job(job);
      assertThat(row)
          .containsEntry("state", "succeeded")
          .containsEntry("attempt", 2)
          .containsEntry("service", "svc")
          .containsEntry("runner", "pbs")
          .containsEntry("exit_code", 0)
          .containsEntry("runtime_error", null)
          .containsEntry("runtime_activity", "step 2");
      assertThat(Harness.instant(row.get("submitted_at"))).isEqualTo(T0);
      assertThat(Harness.instant(row.get("started_at"))).isEqualTo(T0.plusSeconds(41));
      assertThat(Harness.instant(row.get("finished_at"))).isEqualTo(T0.plusSeconds(50));
      assertThat(harness.outcome(late)).isEqualTo("applied");
      assertThat(
              harness.count(
                  "SELECT count(*) FROM job_events WHERE event_id = '" + submittedId + "'"))
          .isEqualTo(1);
      assertThat(harness.count("SELECT count(*) FROM job_tombstones WHERE job_id = '" + job + "'"))
          .isZero();
    }
  }

  @Test
  @DisplayName(
      "--dry-run counts each monitor's latest monitor.declared as kept (moved forward), as the"
          + " real pass does, not as a row that would go")
  void dryRunKeepsMonitorDeclarations(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      migrate(harness);
      Instant old =
          LocalDate.now(ZoneOffset.UTC).minusDays(45).atTime(12, 0).toInstant(ZoneOffset.UTC);
      harness
          .jdbi()
          .useHandle(
              handle -> {
                String insert =
                    "INSERT INTO job_events (event_id, job_id, subject, type, event_time, outcome,"
                        + " topic, kafka_partition, kafka_offset, envelope, received_at)"
                        + " VALUES (?, NULL, ?, ?, ?::timestamptz, 'applied', 't', 0, ?, '{}',"
                        + " ?::timestamptz)";
                // mon-a declared twice (the older one goes), mon-b once, and a stage event.
                handle.execute(
                    insert, "m1", "mon-a", "monitor.declared", old.toString(), 1, old.toString());
                handle.execute(
                    insert,
                    "m2",
                    "mon-a",
                    "monitor.declared",
                    old.plusSeconds(60).toString(),
                    2,
                    old.toString());
                handle.execute(
                    insert, "m3", "mon-b", "monitor.declared", old.toString(), 3, old.toString());
                handle.execute(
                    insert, "s1", "s/r/submit", "stage.ok", old.toString(), 4, old.toString());
              });

      RetentionReport dry = Retention.run(harness.jdbi(), POLICY, Instant.now(), true);
      RetentionReport real = Retention.run(harness.jdbi(), POLICY, Instant.now(), false);

      assertThat(real.rows()).containsEntry("job_events", 2L);
      assertThat(real.eventsCarried()).isEqualTo(2);
      assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(2);
      assertThat(dry.rows().get("job_events"))
          .as("dry run: %s; real pass: %s", dry, real)
          .isEqualTo(2L);
      assertThat(dry.eventsCarried()).as("dry run: %s", dry).isEqualTo(2);
    }
  }

  @Test
  @DisplayName(
      "jobwatch job of a terminal job whose events retention dropped says its history was"
          + " removed, instead of an empty history without a word")
  void jobCommandSaysTheHistoryWasPruned(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      String job = "ret-history-" + UUID.randomUUID();
      harness.applyLifecycle("job.submitted", T0, data("job_id", job, "service", "svc"));
      harness.applyLifecycle(
          "job.finished", T0.plusSeconds(5), data("job_id", job, "attempt", 1, "exit_code", 0));
      // Stored 40 days ago: its day partition has expired (JOBWATCH_RETAIN_EVENTS P30D).
      Instant old =
          LocalDate.now(ZoneOffset.UTC).minusDays(40).atTime(12, 0).toInstant(ZoneOffset.UTC);
      harness
          .jdbi()
          .useHandle(
              handle ->
                  handle.execute(
                      "UPDATE job_events SET received_at = ?::timestamptz WHERE job_id = ?",
                      old.toString(),
                      job));
      Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(harness.count("SELECT count(*) FROM job_events WHERE job_id = '" + job + "'"))
          .isZero();

      Harness.CliRun shown = harness.cli("job", job);

      assertThat(shown.code()).as(shown.err()).isZero();
      assertThat(shown.out())
          .contains("state     succeeded")
          .contains("removed by retention")
          .contains("the history below is incomplete");
      Harness.CliRun json = harness.cli("job", job, "--json");
      assertThat(json.out()).contains("\"history_pruned_at\" : \"");
    }
  }

  @Test
  @DisplayName(
      "An open job whose early partition went keeps folding right (carried): out-of-order"
          + " status, a re-published submission (duplicate), a sealed job's requeue is ignored, a"
          + " job pruned while a batch writes it stays dead")
  void checks(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      LocalDate old = LocalDate.now(ZoneOffset.UTC).minusDays(40);
      // (a) long-running open job
      String open = "ret-open-" + UUID.randomUUID();
      String submittedId = UUID.randomUUID().toString();
      String submitted =
          Envelopes.event(
              submittedId,
              "job.submitted",
              T0,
              Envelopes.json(data("job_id", open, "service", "svc", "runner", "slurm")));
      harness.send(harness.lifecycle, open, submitted);
      harness.awaitStored(submittedId);
      String started =
          harness.applyLifecycle(
              "job.started",
              T0.plusSeconds(1),
              data("job_id", open, "runner", "slurm", "attempt", 1));
      String status =
          harness.applyLifecycle(
              "job.status",
              T0.plusSeconds(20),
              data("job_id", open, "attempt", 1, "activity", "step 2"));
      // (b) sealed job: terminal, events expire, row kept
      String sealed = "ret-sealed-" + UUID.randomUUID();
      List<String> sealedEvents =
          List.of(
              harness.applyLifecycle(
                  "job.submitted", T0, data("job_id", sealed, "service", "svc", "runner", "slurm")),
              harness.applyLifecycle(
                  "job.finished",
                  T0.plusSeconds(2),
                  data("job_id", sealed, "attempt", 1, "exit_code", 1)));
      List<String> all = new ArrayList<>(List.of(submittedId, started, status));
      all.addAll(sealedEvents);
      RetentionIT.moveEvents(harness, all, old);
      harness
          .jdbi()
          .useHandle(
              handle ->
                  handle.execute(
                      "UPDATE job_fold_state SET created_at = ?::timestamptz WHERE job_id = ?",
                      old.atTime(12, 0).toInstant(ZoneOffset.UTC).toString(),
                      open));
      RetentionReport report = Retention.run(harness.jdbi(), POLICY, Instant.now(), false);
      assertThat(report.eventsCarried()).isEqualTo(3);
      assertThat(report.jobsSealed()).isEqualTo(1);

      String late =
          harness.applyLifecycle(
              "job.status",
              T0.plusSeconds(10),
              data("job_id", open, "attempt", 1, "activity", "step 1"));
      assertThat(harness.outcome(late)).isEqualTo("applied");
      long dupBefore =
          harness.count("SELECT count(*) FROM job_events WHERE event_id = '" + submittedId + "'");
      harness.send(harness.lifecycle, open, submitted);
      String marker =
          harness.applyLifecycle(
              "job.status",
              T0.plusSeconds(30),
              data("job_id", open, "attempt", 1, "activity", "step 3"));
      assertThat(
              harness.count(
                  "SELECT count(*) FROM job_events WHERE event_id = '" + submittedId + "'"))
          .isEqualTo(dupBefore);
      Map<String, Object> row = harness.job(open);
      assertThat(row)
          .containsEntry("state", "running")
          .containsEntry("service", "svc")
          .containsEntry("runtime_activity", "step 3");
      assertThat(Harness.instant(row.get("submitted_at"))).isEqualTo(T0);
      assertThat(Harness.instant(row.get("started_at"))).isEqualTo(T0.plusSeconds(1));

      String requeue =
          harness.applyLifecycle(
              "job.requeued", T0.plusSeconds(60), data("job_id", sealed, "attempt", 2));
      assertThat(harness.outcome(requeue)).isEqualTo("ignored");
      assertThat(harness.job(sealed)).containsEntry("state", "failed").containsEntry("attempt", 1);

      // (c) a job pruned while a batch writes it
      String doomed = "ret-doomed-" + UUID.randomUUID();
      harness.applyLifecycle(
          "job.submitted", T0, data("job_id", doomed, "service", "svc", "runner", "slurm"));
      harness.applyLifecycle(
          "job.finished",
          T0.plusSeconds(2),
          data("job_id", doomed, "attempt", 1, "exit_code", 137));
      long crashes = harness.count("SELECT coalesce(sum(crashes), 0) FROM job_crashes");
      harness
          .jdbi()
          .useHandle(
              handle ->
                  handle.execute(
                      "UPDATE jobs SET finished_at = now() - interval '100 days' WHERE job_id = ?",
                      doomed));
      String racing;
      try (Handle retention = harness.jdbi().open()) {
        retention.begin();
        RetentionTable.Pruned pruned =
            RetentionTable.pruneJobs(
                retention, Instant.now().minus(Duration.ofDays(90)), Instant.now(), 5000);
        assertThat(pruned.jobs()).isEqualTo(1);
        racing =
            harness.lifecycleEvent(
                "job.requeued", T0.plusSeconds(100), data("job_id", doomed, "attempt", 2));
        harness.flush();
        Thread.sleep(3000);
        retention.commit();
      }
      harness.awaitStored(racing);
      assertThat(harness.outcome(racing)).isEqualTo("ignored");
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id = '" + doomed + "'"))
          .isZero();
      assertThat(
              harness.count("SELECT count(*) FROM job_fold_state WHERE job_id = '" + doomed + "'"))
          .isZero();
      assertThat(harness.count("SELECT coalesce(sum(crashes), 0) FROM job_crashes"))
          .isEqualTo(crashes);
      assertThat(app.isReady()).isTrue();
    }
  }

  private static String applyDryRun(Harness harness, Path file) {
    Harness.CliRun run =
        harness.cli("monitors", "apply", file.toString(), "--owner", "gitops", "--dry-run");
    assertThat(run.code()).as(run.err()).isZero();
    return run.out();
  }

  /**
   * 12 jobs that ended 95 days ago, 5 that ended yesterday and 3 dead letters 31 days old: with
   * {@code POLICY}, a pass prunes the 12 jobs and the 3 dead letters and keeps the 5 jobs.
   */
  private static void storeOldAndYoungRows(Handle handle) {
    handle.execute(
        "INSERT INTO jobs (job_id, state, attempt, updated_at, finished_at)"
            + " SELECT 'old-' || i, 'failed', 1, now(), now() - interval '95 days'"
            + " FROM generate_series(1, 12) i");
    handle.execute(
        "INSERT INTO jobs (job_id, state, attempt, updated_at, finished_at)"
            + " SELECT 'young-' || i, 'succeeded', 1, now(), now() - interval '1 day'"
            + " FROM generate_series(1, 5) i");
    handle.execute(
        "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, reason,"
            + " received_at) SELECT 't', 0, i, 'bad', now() - interval '31 days'"
            + " FROM generate_series(1, 3) i");
  }

  /** {@code jobwatch_table_rows} of {@code tables} after one refresh of the table metrics. */
  private static Map<String, Double> tableRowsNow(Harness harness, String... tables) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TableSizeMetrics sizes = new TableSizeMetrics(harness.jdbi(), Clock.systemUTC());
    sizes.bindTo(registry);
    sizes.refresh();
    Map<String, Double> rows = new java.util.TreeMap<>();
    for (String table : tables) {
      rows.put(table, registry.get("jobwatch.table.rows").tag("table", table).gauge().value());
    }
    return rows;
  }
}
