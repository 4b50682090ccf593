package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static io.jobwatch.it.Envelopes.dependency;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.store.Database;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 11.1: upgrading a database filled by the previous version (schema version 3). */
@WithInfra
class MigrationFromV3IT {
  /** Every table of schema version 3 with its columns then and its key. */
  private static final Map<String, String> V3_TABLES = new LinkedHashMap<>();

  static {
    V3_TABLES.put(
        "job_events",
        "event_id, job_id, subject, type, event_time, source, outcome, topic, kafka_partition,"
            + " kafka_offset, envelope, received_at | event_id");
    V3_TABLES.put(
        "jobs",
        "job_id, service, runner, monitor, state, attempt, exit_code, blame, cause, details, fatal,"
            + " runtime_error, runtime_error_count, runtime_error_details, runtime_warning,"
            + " runtime_activity, progress, reusable, host, waiting_reason, trigger, labels,"
            + " submitted_at, started_at, finished_at, updated_at, written_at | job_id");
    V3_TABLES.put("job_dependencies", "job_id, depends_on, accept | job_id, depends_on");
    V3_TABLES.put(
        "stage_health",
        "service, runner, stage, severity, since, last_error_class, last_error_message,"
            + " last_error_at, last_error_job_id, last_ok_at, consecutive_errors, error_count,"
            + " ok_count, recent, updated_at | service, runner, stage");
    V3_TABLES.put("job_crashes", "service, blame, crashes | service, blame");
    V3_TABLES.put("job_attempt_crashes", "job_id, attempt, service, blame, counted_at | job_id");
    V3_TABLES.put("monitors", "monitor, team, schedule_every, declared_at, updated_at | monitor");
    V3_TABLES.put(
        "dead_letters",
        "id, topic, kafka_partition, kafka_offset, record_key, record_value, reason, received_at,"
            + " replayed_at | id");
    V3_TABLES.put(
        "consumer_offsets", "group_id, topic, kafka_partition, next_offset | group_id, topic");
  }

  @Test
  @DisplayName(
      "Migrating a database filled by schema version 3 keeps every row, partitions job_events by"
          + " day, and the consumer still folds from and de-duplicates against the old events")
  void upgradeKeepsEveryRow(Infra infra) {
    try (Harness harness = new Harness(infra, 1, Map.of("JOBWATCH_RETENTION_INTERVAL", "PT0S"))) {
      Flyway.configure()
          .dataSource(
              harness.database.jdbcUrl(), harness.database.user(), harness.database.password())
          .locations("classpath:db/migration")
          .target("3")
          .load()
          .migrate();
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      String running = "mig-running-" + UUID.randomUUID();
      String done = "mig-done-" + UUID.randomUUID();
      String waiting = "mig-waiting-" + UUID.randomUUID();
      String submittedId = UUID.randomUUID().toString();
      String submitted =
          Envelopes.event(
              submittedId,
              "job.submitted",
              now.minus(Duration.ofDays(45)),
              Envelopes.json(data("job_id", running, "service", "blast", "runner", "slurm")));
      Instant startedAt = now.minus(Duration.ofDays(44));
      harness
          .jdbi()
          .useHandle(
              handle -> {
                event(
                    handle,
                    submittedId,
                    running,
                    "job.submitted",
                    submitted,
                    now.minus(Duration.ofDays(45)),
                    0);
                event(
                    handle,
                    UUID.randomUUID().toString(),
                    running,
                    "job.started",
                    Envelopes.event(
                        "job.started",
                        startedAt,
                        Envelopes.json(data("job_id", running, "runner", "slurm", "attempt", 1))),
                    startedAt,
                    1);
                for (int i = 0; i < 3; i++) {
                  String type = List.of("job.submitted", "job.started", "job.finished").get(i);
                  Instant at = now.minus(Duration.ofDays(5)).plusSeconds(i);
                  Map<String, Object> fields =
                      i == 0
                          ? data("job_id", done, "service", "blast", "runner", "slurm")
                          : i == 1
                              ? data("job_id", done, "runner", "slurm", "attempt", 1)
                              : data("job_id", done, "attempt", 1, "exit_code", 0);
                  event(
                      handle,
                      UUID.randomUUID().toString(),
                      done,
                      type,
                      Envelopes.event(type, at, Envelopes.json(fields)),
                      at,
                      2 + i);
                }
                event(
                    handle,
                    UUID.randomUUID().toString(),
                    waiting,
                    "job.submitted",
                    Envelopes.event(
                        "job.submitted",
                        now,
                        Envelopes.json(
                            data(
                                "job_id",
                                waiting,
                                "service",
                                "blast",
                                "depends_on",
                                List.of(dependency(done))))),
                    now,
                    5);
                // Two months of stage events, as the previous version stored them.
                handle.execute(
                    "INSERT INTO job_events (event_id, job_id, subject, type, event_time, source,"
                        + " outcome, topic, kafka_partition, kafka_offset, envelope, received_at)"
                        + " SELECT 'stage-' || i, NULL, 'blast/slurm/submit', 'stage.ok',"
                        + " now() - i * interval '43 minutes', '/scheduler', 'applied',"
                        + " 'jobwatch.errors', 0, i, jsonb_build_object('specversion', '1.0', 'id',"
                        + " 'stage-' || i, 'source', '/scheduler', 'type', 'stage.ok', 'data',"
                        + " jsonb_build_object('service', 'blast', 'runner', 'slurm', 'stage',"
                        + " 'submit')), now() - i * interval '43 minutes'"
                        + " FROM generate_series(1, 2000) i");
                handle.execute(
                    "INSERT INTO jobs (job_id, service, runner, state, attempt, submitted_at,"
                        + " started_at, updated_at, written_at) VALUES"
                        + " (?, 'blast', 'slurm', 'running', 1, ?::timestamptz, ?::timestamptz,"
                        + " ?::timestamptz, now() - interval '44 days')",
                    running,
                    now.minus(Duration.ofDays(45)).toString(),
                    startedAt.toString(),
                    startedAt.toString());
                handle.execute(
                    "INSERT INTO jobs (job_id, service, runner, state, attempt, exit_code,"
                        + " reusable, updated_at, finished_at, written_at)"
                        + " VALUES (?, 'blast', 'slurm', 'succeeded', 1, 0, true, now(), now(), now()),"
                        + " (?, 'blast', NULL, 'waiting', 1, NULL, false, now(), NULL, now())",
                    done,
                    waiting);
                handle.execute(
                    "INSERT INTO jobs (job_id, service, state, attempt, exit_code, updated_at)"
                        + " SELECT 'old-' || i, 'blast', 'failed', 1, 1, now() - i * interval '1 hour'"
                        + " FROM generate_series(1, 500) i");
                handle.execute(
                    "INSERT INTO job_dependencies VALUES (?, ?, '{succeeded}')", waiting, done);
                handle.execute(
                    "INSERT INTO stage_health (service, runner, stage, severity, since, recent)"
                        + " VALUES ('blast', 'slurm', 'submit', 'ok', now(), '[]')");
                handle.execute("INSERT INTO job_crashes VALUES ('blast', 'unknown', 1)");
                handle.execute(
                    "INSERT INTO job_attempt_crashes (job_id, attempt, service, blame)"
                        + " VALUES ('old-1', 1, 'blast', 'unknown')");
                handle.execute(
                    "INSERT INTO monitors (monitor, team, schedule_every, declared_at)"
                        + " VALUES ('nightly', 'ops', interval '1 day', now())");
                handle.execute(
                    "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, record_key,"
                        + " record_value, reason, received_at) VALUES ('jobwatch.lifecycle', 0, 7,"
                        + " 'k'::bytea, 'not json'::bytea, 'not JSON', now() - interval '3 days')");
                handle.execute(
                    "INSERT INTO consumer_offsets (group_id, topic, kafka_partition, next_offset)"
                        + " VALUES ('jobwatch', 'jobwatch.lifecycle', 0, 2006)");
              });
      Map<String, String> before = fingerprints(harness);
      assertThat(before.get("job_events")).startsWith("2006 ");

      try (Database database = Database.open(harness.settings().db())) {
        assertThat(database.migrate()).isPositive();
      }

      assertThat(fingerprints(harness)).isEqualTo(before);
      assertThat(harness.count("SELECT count(*) FROM job_events_default")).isZero();
      assertThat(
              harness.count(
                  "SELECT count(*) FROM pg_inherits WHERE inhparent = 'job_events'::regclass"))
          .isGreaterThanOrEqualTo(61 + 7);
      assertThat(
              harness.count(
                  "SELECT count(*) FROM pg_indexes WHERE tablename = 'job_events'"
                      + " AND indexname IN ('job_events_job', 'job_events_subject', 'job_events_pkey')"))
          .isEqualTo(3);

      try (JobwatchApp app = harness.startApp()) {
        // The same event again: recognised against the migrated copy.
        harness.send(harness.lifecycle, running, submitted);
        harness.flush();
        Harness.await(
            "the re-published event to count as a duplicate",
            Duration.ofSeconds(60),
            () -> app.pipelineMetrics().count(harness.lifecycle, Outcome.DUPLICATE) == 1.0);
        assertThat(
                harness.count(
                    "SELECT count(*) FROM job_events WHERE event_id = '" + submittedId + "'"))
            .isEqualTo(1);
        // A new event folds with the migrated history.
        harness.applyLifecycle(
            "job.finished", now, data("job_id", running, "attempt", 1, "exit_code", 0));
        Map<String, Object> job = harness.job(running);
        assertThat(job)
            .containsEntry("state", "succeeded")
            .containsEntry("service", "blast")
            .containsEntry("runner", "slurm");
        assertThat(Harness.instant(job.get("started_at"))).isEqualTo(startedAt);
        String fresh = "mig-new-" + UUID.randomUUID();
        harness.applyLifecycle(
            "job.submitted", now, data("job_id", fresh, "service", "blast", "runner", "slurm"));
        assertThat(harness.job(fresh)).containsEntry("state", "submitted");
      }
    }
  }

  private static void event(
      Handle handle,
      String id,
      String jobId,
      String type,
      String envelope,
      Instant receivedAt,
      long offset) {
    handle.execute(
        "INSERT INTO job_events (event_id, job_id, subject, type, event_time, source, outcome,"
            + " topic, kafka_partition, kafka_offset, envelope, received_at)"
            + " VALUES (?, ?, ?, ?, (?::jsonb ->> 'time')::timestamptz, '/it', 'applied',"
            + " 'jobwatch.lifecycle', 0, ?, ?::jsonb, ?::timestamptz)",
        id,
        jobId,
        jobId,
        type,
        envelope,
        offset,
        envelope,
        receivedAt.toString());
  }

  /** Row count and a digest of the version-3 columns of every table, in key order. */
  private static Map<String, String> fingerprints(Harness harness) {
    Map<String, String> fingerprints = new LinkedHashMap<>();
    V3_TABLES.forEach(
        (table, columnsAndKey) -> {
          String[] parts = columnsAndKey.split("\\|");
          fingerprints.put(
              table,
              harness
                  .row(
                      "SELECT count(*) || ' ' || coalesce(md5(string_agg(ROW("
                          + parts[0]
                          + ")::text, ',' ORDER BY "
                          + parts[1]
                          + ")), '') AS print FROM "
                          + table)
                  .get("print")
                  .toString());
        });
    return fingerprints;
  }
}
