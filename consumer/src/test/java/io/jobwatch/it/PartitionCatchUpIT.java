package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.store.Database;
import io.jobwatch.store.EventsTable;
import io.jobwatch.store.RetentionPolicy;
import io.jobwatch.store.RetentionTable;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Catching up after an outage longer than the partition look-ahead: today's rows must not be stuck
 * in {@code job_events_default}, and creating today's partition must succeed while the consumer
 * writes.
 */
@WithInfra
class PartitionCatchUpIT {
  private static final Map<String, String> NO_SCHEDULED_PASS =
      Map.of("JOBWATCH_RETENTION_INTERVAL", "PT0S");

  /**
   * Today's (UTC) event time of each test: an hour ago, but never before today's midnight. The
   * tests drop today's partition and expect these events in job_events_default (or today's new
   * partition); an hour ago is yesterday for a run between 00:00 and 01:00 UTC, and so is a time
   * taken when the class loaded before midnight for a test that runs after it.
   */
  private final Instant t0 = todayAnHourAgo();

  /** A consumer batch waiting at its first statement, the locks it takes on job_events. */
  private static final String BATCH_WAITING =
      "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
          + " WHERE NOT l.granted"
          + " AND a.query ILIKE 'LOCK TABLE ONLY job_events, job_events_default%'";

  private static final String TODAY =
      "'job_events_' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD')";

  @Test
  @DisplayName(
      "A pass that creates today's partition while a consumer transaction is writing today's rows"
          + " into job_events_default creates it, with every row of the day in it, and the consumer"
          + " goes on applying")
  void todaysPartitionIsCreatedWhileTheConsumerWrites(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      harness.jdbi().useHandle(handle -> handle.execute(dropPartitionsFromToday()));
      String job = "catchup-" + UUID.randomUUID();
      harness.applyLifecycle(
          "job.submitted", t0, data("job_id", job, "service", "svc", "runner", "slurm"));
      harness.applyLifecycle(
          "job.started",
          t0.plusSeconds(1),
          data("job_id", job, "runner", "slurm", "attempt", 1, "host", "h1"));
      assertThat(harness.count("SELECT count(*) FROM job_events_default")).isEqualTo(2);

      // A consumer batch in flight: it has inserted one of today's rows and not committed yet,
      // while a pass creates today's partition (one call of the function, as the pass makes it).
      boolean created;
      try (Handle writer = harness.jdbi().open()) {
        writer.begin();
        writer.execute(
            "INSERT INTO job_events (event_id, job_id, subject, type, event_time, outcome, topic,"
                + " kafka_partition, kafka_offset, envelope)"
                + " VALUES ('in-flight', NULL, 's/r/submit', 'stage.ok', now(), 'applied', 't', 0,"
                + " 0, '{}')");
        CompletableFuture<Boolean> pass =
            CompletableFuture.supplyAsync(
                () ->
                    harness
                        .jdbi()
                        .withHandle(
                            handle ->
                                RetentionTable.createEventPartition(
                                    handle, LocalDate.now(ZoneOffset.UTC))));
        Harness.await(
            "the pass waits for the in-flight batch",
            Duration.ofSeconds(60),
            () ->
                pass.isDone()
                    || harness.count(
                            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a"
                                + " ON a.pid = l.pid WHERE NOT l.granted"
                                + " AND a.query ILIKE '%jobwatch_event_partition%'")
                        > 0);
        writer.commit();
        try {
          created = pass.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          throw new AssertionError("creating today's partition failed: " + e.getCause(), e);
        }
      }

      long attached =
          harness.count(
              "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                  + " WHERE i.inhparent = 'job_events'::regclass AND c.relname = "
                  + TODAY);
      long inDefault = harness.count("SELECT count(*) FROM job_events_default");
      assertThat(attached).isEqualTo(1);
      assertThat(inDefault).as("rows left in job_events_default").isZero();
      assertThat(created).isTrue();
      assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(3);

      harness.applyLifecycle(
          "job.finished", t0.plusSeconds(5), data("job_id", job, "attempt", 1, "exit_code", 0));
      assertThat(harness.job(job)).containsEntry("state", "succeeded");
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
    }
  }

  @Test
  @DisplayName(
      "A consumer started after an outage longer than the look-ahead (no partition for today)"
          + " writes today's events into today's partition, not into job_events_default, before"
          + " any retention pass")
  void aConsumerStartedAfterALongOutageCreatesTodaysPartition(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      try (Database database = Database.open(harness.settings().db())) {
        database.migrate();
      }
      harness.jdbi().useHandle(handle -> handle.execute(dropPartitionsFromToday()));
      assertThat(
              harness.count(
                  "SELECT count(*) FROM pg_inherits WHERE inhparent = 'job_events'::regclass"))
          .as("only the default partition is left")
          .isEqualTo(1);
      try (JobwatchApp app = harness.startApp()) {
        String job = "catchup-start-" + UUID.randomUUID();
        harness.applyLifecycle(
            "job.submitted", t0, data("job_id", job, "service", "svc", "runner", "slurm"));
        harness.applyLifecycle(
            "job.started",
            t0.plusSeconds(1),
            data("job_id", job, "runner", "slurm", "attempt", 1, "host", "h1"));
        assertThat(harness.count("SELECT count(*) FROM job_events_default")).isZero();
        assertThat(
                harness.count(
                    "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        + " WHERE i.inhparent = 'job_events'::regclass AND c.relname ~"
                        + " '^job_events_[0-9]{8}$'"))
            .as("today's partition and the days ahead")
            .isEqualTo(RetentionPolicy.DEFAULT_DAYS_AHEAD + 1L);
        assertThat(harness.job(job)).containsEntry("state", "running");
      }
    }
  }

  @Test
  @DisplayName(
      "An event of a new job whose insert waited for the lock of a pass creating today's partition"
          + " is applied, not dead-lettered (the row no longer fits job_events_default once the"
          + " partition is attached; a retry routes it to the new partition)")
  void anInsertThatWaitedForTheNewPartitionIsApplied(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      harness.applyStage(
          "stage.ok", t0, data("service", "warm-up", "runner", "slurm", "stage", "submit"));
      harness.jdbi().useHandle(handle -> handle.execute(dropPartitionsFromToday()));
      String job = "catchup-wait-" + UUID.randomUUID();
      String submitted;
      // A pass creating today's partition, between its ATTACH and its commit.
      try (Handle pass = harness.jdbi().open()) {
        pass.begin();
        pass.createQuery("SELECT jobwatch_event_partition((now() AT TIME ZONE 'UTC')::date)")
            .mapTo(Boolean.class)
            .one();
        submitted =
            harness.lifecycleEvent(
                "job.submitted", t0, data("job_id", job, "service", "svc", "runner", "slurm"));
        harness.flush();
        Harness.await(
            "the consumer's insert waits for the pass",
            Duration.ofSeconds(60),
            () -> harness.count(BATCH_WAITING) > 0);
        pass.commit();
      }
      Harness.await(
          "the event stored or dead-lettered",
          Duration.ofSeconds(60),
          () ->
              harness.count(
                      "SELECT (SELECT count(*) FROM job_events WHERE event_id = '"
                          + submitted
                          + "') + (SELECT count(*) FROM dead_letters)")
                  > 0);
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
      assertThat(harness.outcome(submitted)).isEqualTo("applied");
      assertThat(harness.job(job)).containsEntry("state", "submitted");
      assertThat(harness.count("SELECT count(*) FROM job_events_default")).isZero();
    }
  }

  @Test
  @DisplayName(
      "A publisher's retry of an event stored in job_events_default, read while a pass moves that"
          + " day's rows into its new partition, is a duplicate: stored once, counted once as a"
          + " duplicate, nothing dead-lettered")
  void aRetryReadWhileItsDayMovesIsADuplicate(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      harness.applyStage(
          "stage.ok", t0, data("service", "warm-up", "runner", "slurm", "stage", "submit"));
      harness.jdbi().useHandle(handle -> handle.execute(dropPartitionsFromToday()));
      String job = "catchup-retry-" + UUID.randomUUID();
      String id = UUID.randomUUID().toString();
      String envelope =
          Envelopes.event(
              id,
              "job.submitted",
              t0,
              Envelopes.json(data("job_id", job, "service", "svc", "runner", "slurm")));
      harness.send(harness.lifecycle, job, envelope);
      harness.awaitStored(id);
      assertThat(harness.count("SELECT count(*) FROM job_events_default")).isEqualTo(1);
      resendWhileAPassCreatesToday(harness, harness.lifecycle, job, envelope);
      Harness.await(
          "the retry handled",
          Duration.ofSeconds(60),
          () ->
              harness.count(
                      "SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets WHERE topic = '"
                          + harness.lifecycle
                          + "'")
                  == 2);
      // The retry's offset moves at its COMMIT; it is counted after the COMMIT returned.
      harness.awaitCounted(app, 3);
      assertThat(harness.count("SELECT count(*) FROM job_events WHERE event_id = '" + id + "'"))
          .as("copies of the event stored")
          .isEqualTo(1);
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
      assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.DUPLICATE))
          .as("jobwatch_events_total{outcome=duplicate}")
          .isEqualTo(1.0);
      assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.APPLIED))
          .as("jobwatch_events_total{outcome=applied}")
          .isEqualTo(1.0);
    }
  }

  @Test
  @DisplayName(
      "A publisher's retry of a stage error stored in job_events_default, read while a pass moves"
          + " that day's rows into its new partition, is a duplicate: stored once, counted once in"
          + " the stage's health")
  void aStageErrorRetryReadWhileItsDayMovesIsADuplicate(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      harness.applyStage(
          "stage.ok", t0, data("service", "warm-up", "runner", "slurm", "stage", "submit"));
      harness.jdbi().useHandle(handle -> handle.execute(dropPartitionsFromToday()));
      String id = UUID.randomUUID().toString();
      String envelope =
          Envelopes.event(
              id,
              "stage.error",
              t0,
              Envelopes.json(
                  data(
                      "service",
                      "svc",
                      "runner",
                      "slurm",
                      "stage",
                      "submit",
                      "error_class",
                      "ConnectionError",
                      "message",
                      "refused")));
      harness.send(harness.errors, "svc", envelope);
      harness.awaitStored(id);
      assertThat(harness.count("SELECT count(*) FROM job_events_default")).isEqualTo(1);
      resendWhileAPassCreatesToday(harness, harness.errors, "svc", envelope);
      Harness.await(
          "the retry handled",
          Duration.ofSeconds(60),
          () ->
              harness.count(
                      "SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets WHERE topic = '"
                          + harness.errors
                          + "'")
                  == 3);
      // The retry's offset moves at its COMMIT; it is counted after the COMMIT returned.
      harness.awaitCounted(app, 3);
      assertThat(harness.count("SELECT count(*) FROM job_events WHERE event_id = '" + id + "'"))
          .as("copies of the event stored")
          .isEqualTo(1);
      assertThat(
              harness.count(
                  "SELECT error_count FROM stage_health WHERE service = 'svc' AND stage = 'submit'"))
          .as("errors counted in stage_health")
          .isEqualTo(1);
      assertThat(app.pipelineMetrics().count(harness.errors, Outcome.DUPLICATE))
          .as("jobwatch_events_total{outcome=duplicate}")
          .isEqualTo(1.0);
    }
  }

  /**
   * Drops the day partitions of today and later: a consumer down for longer than the look-ahead.
   */
  @Test
  @DisplayName(
      "A batch holding its locks on job_events and job_events_default does not deadlock with a"
          + " partition DROP (retention), which locks the parent first: the DROP waits for the"
          + " batch")
  void aBatchAndAPartitionDropDoNotDeadlock(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS);
        JobwatchApp app = harness.startApp()) {
      LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(40);
      String partition = "job_events_" + day.toString().replace("-", "");
      harness.jdbi().useHandle(handle -> RetentionTable.createEventPartition(handle, day));
      try (Handle batch = harness.jdbi().open()) {
        batch.begin();
        EventsTable.holdDefaultPartition(batch);
        CompletableFuture<Void> drop =
            CompletableFuture.runAsync(
                () ->
                    harness.jdbi().useHandle(handle -> handle.execute("DROP TABLE " + partition)));
        Harness.await(
            "the DROP waits for the batch",
            Duration.ofSeconds(60),
            () ->
                harness.count(
                        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                            + " WHERE NOT l.granted AND a.query ILIKE 'DROP TABLE%'")
                    > 0);
        // The batch's event-id look-up reads the parent: with the default partition locked
        // first and the parent not, this waited for the DROP, which waited for the batch
        // (40P01 after deadlock_timeout for one of them).
        long found =
            batch
                .createQuery("SELECT count(*) FROM job_events WHERE event_id = 'no-such-event'")
                .mapTo(Long.class)
                .one();
        batch.commit();

        assertThat(found).isZero();
        drop.get(60, TimeUnit.SECONDS);
      }
      assertThat(harness.count("SELECT count(*) FROM pg_class WHERE relname = '" + partition + "'"))
          .isZero();
    }
  }

  /**
   * Sends {@code envelope} again while a pass creating today's partition sits between its ATTACH
   * and its commit, and commits the pass once the consumer's batch waits for it.
   */
  private static void resendWhileAPassCreatesToday(
      Harness harness, String topic, String key, String envelope) {
    try (Handle pass = harness.jdbi().open()) {
      pass.begin();
      pass.createQuery("SELECT jobwatch_event_partition((now() AT TIME ZONE 'UTC')::date)")
          .mapTo(Boolean.class)
          .one();
      harness.send(topic, key, envelope);
      harness.flush();
      Harness.await(
          "the consumer waits for the pass",
          Duration.ofSeconds(60),
          () -> harness.count(BATCH_WAITING) > 0);
      pass.commit();
    }
  }

  private static Instant todayAnHourAgo() {
    Instant now = Instant.now();
    Instant anHourAgo = now.minus(Duration.ofHours(1));
    Instant midnight = now.truncatedTo(ChronoUnit.DAYS);
    return (anHourAgo.isBefore(midnight) ? midnight : anHourAgo).truncatedTo(ChronoUnit.SECONDS);
  }

  private static String dropPartitionsFromToday() {
    return "SELECT jobwatch_drop_event_partition(c.relname) FROM pg_inherits i"
        + " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'job_events'::regclass"
        + " AND c.relname ~ '^job_events_[0-9]{8}$' AND c.relname >= "
        + TODAY;
  }
}
