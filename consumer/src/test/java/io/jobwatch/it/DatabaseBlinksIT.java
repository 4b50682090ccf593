package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What PostgreSQL does to a consuming jobwatch between two answers: the connection cut while a
 * batch commits. Rows and counters must hold every record once.
 */
@WithInfra
class DatabaseBlinksIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  // Only the transactions that advance the offsets (a batch's) send this text.
  private static final String OFFSETS_WRITE = "UPDATE consumer_offsets";

  @Test
  @DisplayName(
      "The connection cut after PostgreSQL committed a batch but before jobwatch heard it: the"
          + " batch is neither applied twice nor lost, and jobwatch_events_total counts each"
          + " record once")
  void ambiguousCommitCountsEachRecordOnce(Infra infra) throws Exception {
    cutOneBatchCommit(infra, false);
  }

  @Test
  @DisplayName(
      "The connection cut before the COMMIT reached PostgreSQL: the batch rolls back, is read"
          + " again, and jobwatch_events_total counts each record once")
  void commitThatNeverArrivedIsReadAgainAndCountedOnce(Infra infra) throws Exception {
    cutOneBatchCommit(infra, true);
  }

  @Test
  @DisplayName(
      "The connection cut before the COMMIT reached PostgreSQL, which sees no end of the"
          + " connection and keeps the transaction open with its locks: the server ends it within"
          + " a minute (jobwatch's sessions end a transaction left idle), the batch is read again"
          + " and jobwatch_events_total counts each record once")
  void commitLostWhileTheServerKeepsTheSessionIsReadAgainOnce(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        CommitCuttingProxy proxy =
            new CommitCuttingProxy(harness.database.jdbcUrl(), OFFSETS_WRITE)) {
      try (JobwatchApp app = JobwatchApp.start(proxied(harness, proxy), Clock.systemUTC())) {
        Harness.await("the consumer to be ready", Duration.ofSeconds(60), app::isReady);
        proxy.cutNextCommitsLeavingTheServerWaiting(1);
        submit(harness, "orphan", 30);
        harness.flush();
        // Without the session's idle_in_transaction_session_timeout the orphaned transaction
        // holds the partition's consumer_offsets row until the server's TCP keepalive (hours):
        // the batch read again waits for it, and nothing is consumed.
        long consumed = awaitConsumedPastTheCut(harness, app, 30, Duration.ofSeconds(150));

        assertThat(proxy.cutsDone()).as("commits cut").isEqualTo(1);
        assertEachStoredAndCountedOnce(harness, app, (int) consumed);
      }
    }
  }

  @Test
  @DisplayName(
      "A commit without an answer while a batch with a record the database refuses is applied in"
          + " halves: no half is applied twice or lost, the record is dead-lettered, and the"
          + " counters count each record once")
  void ambiguousCommitWhileIsolatingARefusedRecord(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        CommitCuttingProxy proxy =
            new CommitCuttingProxy(harness.database.jdbcUrl(), OFFSETS_WRITE)) {
      try (JobwatchApp app = harness.startApp()) {
        Harness.await("the schema", Duration.ofSeconds(60), app::isReady);
      }
      // Stands for any rule of the database an event might break that the contract cannot see.
      harness
          .jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "ALTER TABLE jobs ADD CONSTRAINT test_no_cursed_service"
                          + " CHECK (service IS DISTINCT FROM 'cursed')"));
      for (int i = 0; i < 40; i++) {
        harness.lifecycleEvent(
            "job.submitted",
            T0.plusSeconds(i),
            data("job_id", "half-" + i, "service", i == 30 ? "cursed" : "blast"));
      }
      harness.flush();
      // The first transaction that commits offsets is the first half of the refused batch.
      proxy.cutNextCommits(1);
      try (JobwatchApp app = JobwatchApp.start(proxied(harness, proxy), Clock.systemUTC())) {
        Harness.await(
            "all 40 records to be handled",
            Duration.ofSeconds(60),
            () ->
                harness.count("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets") == 40);
        Harness.await("readiness after the cut", Duration.ofSeconds(30), app::isReady);

        assertThat(proxy.cutsDone()).as("commits cut").isEqualTo(1);
        assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(39);
        assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(39);
        assertThat(harness.count("SELECT count(*) FROM dead_letters")).isEqualTo(1);
        // The last half is counted after its COMMIT returned, which the offsets do not wait for.
        harness.awaitCounted(app, 40);
        assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.APPLIED))
            .as("jobwatch_events_total{outcome=applied}")
            .isEqualTo(39.0);
        assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.DEAD_LETTERED))
            .as("jobwatch_events_total{outcome=dead_lettered}")
            .isEqualTo(1.0);
        assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.DUPLICATE))
            .as("jobwatch_events_total{outcome=duplicate}")
            .isZero();
      }
    }
  }

  @Test
  @DisplayName(
      "The connection cut while PostgreSQL is still committing a batch (a synchronous standby, a"
          + " slow disk): the batch is neither applied twice nor lost, and jobwatch_events_total"
          + " counts each record once, although the first resynchronisation finds the transaction"
          + " still in progress")
  void commitStillInProgressAtTheResyncCountsEachRecordOnce(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        CommitCuttingProxy proxy =
            new CommitCuttingProxy(harness.database.jdbcUrl(), OFFSETS_WRITE)) {
      try (JobwatchApp app = JobwatchApp.start(proxied(harness, proxy), Clock.systemUTC())) {
        Harness.await("the consumer to be ready", Duration.ofSeconds(60), app::isReady);
        // The next commit that moves the offsets takes 3 s on the server (a deferred trigger runs
        // at COMMIT), far longer than the outage's first backoff (250 ms).
        harness
            .jdbi()
            .useHandle(
                h -> {
                  h.execute("CREATE TABLE test_slow_commits (remaining int NOT NULL)");
                  h.execute("INSERT INTO test_slow_commits VALUES (1)");
                  h.execute(
                      "CREATE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$"
                          + " BEGIN UPDATE test_slow_commits SET remaining = remaining - 1"
                          + " WHERE remaining > 0; IF FOUND THEN PERFORM pg_sleep(3); END IF;"
                          + " RETURN NULL; END $$");
                  h.execute(
                      "CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT OR UPDATE"
                          + " ON consumer_offsets DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                          + " EXECUTE FUNCTION test_slow_commit()");
                });
        proxy.cutNextCommitsWithoutWaiting(1);
        submit(harness, "slow", 30);
        harness.flush();
        long consumed = awaitConsumedPastTheCut(harness, app, 30);

        assertThat(proxy.cutsDone()).as("commits cut").isEqualTo(1);
        assertThat(harness.count("SELECT remaining FROM test_slow_commits"))
            .as("slow commits left")
            .isZero();
        assertEachStoredAndCountedOnce(harness, app, (int) consumed);
      }
    }
  }

  @Test
  @DisplayName(
      "The commit answers of two batches in a row lost (the second one right after the"
          + " resynchronisation that settled the first): each batch is counted once in"
          + " jobwatch_events_total, the rows hold every event once")
  void twoCommitsInARowWithoutAnAnswerCountEachRecordOnce(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        CommitCuttingProxy proxy =
            new CommitCuttingProxy(harness.database.jdbcUrl(), OFFSETS_WRITE)) {
      try (JobwatchApp app = JobwatchApp.start(proxied(harness, proxy), Clock.systemUTC())) {
        Harness.await("the consumer to be ready", Duration.ofSeconds(60), app::isReady);
        proxy.cutNextCommits(2);
        long consumed = 0;
        for (int wave = 0; wave < 2; wave++) {
          submit(harness, "twice-" + wave, 15);
          harness.flush();
          consumed = awaitConsumedPastTheCut(harness, app, consumed + 15);
        }
        assertThat(proxy.cutsDone()).as("commits cut").isEqualTo(2);
        assertEachStoredAndCountedOnce(harness, app, (int) consumed);
      }
    }
  }

  @Test
  @DisplayName(
      "A commit without an answer of the skip over records Kafka deleted unread: the loss is"
          + " counted once in jobwatch_records_lost_total, and the skip is stored")
  void ambiguousCommitOfASkipToTheLogStartCountsTheLoss(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        CommitCuttingProxy proxy =
            new CommitCuttingProxy(harness.database.jdbcUrl(), OFFSETS_WRITE)) {
      try (JobwatchApp app = harness.startApp()) {
        harness.awaitStored(submit(harness, "read", 3).toArray(String[]::new)); // offsets 0-2
      }
      submit(harness, "deleted", 3); // offsets 3-5, deleted unread
      List<String> kept = submit(harness, "kept", 2); // offsets 6-7
      harness.flush();
      try (org.apache.kafka.clients.admin.Admin admin =
          org.apache.kafka.clients.admin.Admin.create(
              java.util.Map.<String, Object>of(
                  org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                  harness.infra.kafkaBootstrap()))) {
        admin
            .deleteRecords(
                java.util.Map.of(
                    new org.apache.kafka.common.TopicPartition(harness.lifecycle, 0),
                    org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(6)))
            .all()
            .get();
      }
      // The first transaction that commits offsets is the skip to the log start.
      proxy.cutNextCommits(1);
      try (JobwatchApp app = JobwatchApp.start(proxied(harness, proxy), Clock.systemUTC())) {
        harness.awaitStored(kept.toArray(String[]::new));
        Harness.await("readiness after the cut", Duration.ofSeconds(30), app::isReady);
        assertThat(proxy.cutsDone()).as("commits cut").isEqualTo(1);
        assertThat(harness.count("SELECT sum(next_offset) FROM consumer_offsets")).isEqualTo(8);
        assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(5);
        assertThat(
                Scrape.metrics(app.httpPort())
                    .value("jobwatch_records_lost_total", "topic", harness.lifecycle))
            .as("offsets 3-5 were deleted unread")
            .isEqualTo(3.0);
      }
    }
  }

  /**
   * Every record up to {@code records} committed, then one more record sent and committed: a
   * batch's offsets are in the database as soon as the server commits it, before jobwatch has
   * noticed the cut, resynchronised and counted it; a record written after them is read only once
   * that is done. Returns the records consumed, the one sent here included.
   */
  private static long awaitConsumedPastTheCut(Harness harness, JobwatchApp app, long records) {
    return awaitConsumedPastTheCut(harness, app, records, Duration.ofSeconds(60));
  }

  /** {@link #awaitConsumedPastTheCut}, waiting up to {@code wait} for the records. */
  private static long awaitConsumedPastTheCut(
      Harness harness, JobwatchApp app, long records, Duration wait) {
    Harness.await(
        records + " records consumed",
        wait,
        () ->
            harness.count("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets") == records);
    submit(harness, "after-" + records, 1);
    harness.flush();
    Harness.await(
        "the record after the first " + records,
        Duration.ofSeconds(60),
        () ->
            harness.count("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                == records + 1);
    Harness.await("readiness after the cut", Duration.ofSeconds(30), app::isReady);
    return records + 1;
  }

  /** {@code events} distinct job.submitted events, each stored, folded and counted once. */
  private static void assertEachStoredAndCountedOnce(Harness harness, JobwatchApp app, int events) {
    assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(events);
    assertThat(harness.count("SELECT count(DISTINCT event_id) FROM job_events")).isEqualTo(events);
    assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(events);
    assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
    // The record sent after the cut is counted after its own COMMIT returned, which its offset in
    // the database does not wait for.
    harness.awaitCounted(app, events);
    assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.APPLIED))
        .as("jobwatch_events_total{outcome=applied}")
        .isEqualTo((double) events);
    assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.DUPLICATE))
        .as("jobwatch_events_total{outcome=duplicate}")
        .isZero();
  }

  private static List<String> submit(Harness harness, String prefix, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(
          harness.lifecycleEvent(
              "job.submitted",
              T0.plusSeconds(i),
              data("job_id", prefix + "-" + i, "service", "blast", "runner", "slurm")));
    }
    return ids;
  }

  @Test
  @DisplayName(
      "PostgreSQL refuses connections at start (too many connections, SQLSTATE 53300): the"
          + " instance waits for it instead of exiting, then migrates and consumes")
  void tooManyConnectionsAtStartIsWaitedFor(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        CommitCuttingProxy proxy =
            new CommitCuttingProxy(harness.database.jdbcUrl(), OFFSETS_WRITE)) {
      String role = harness.roleWithoutConnections("crowded", "crowded");
      Settings settings =
          harness
              .settings()
              .with(
                  harness.infra.kafkaBootstrap(),
                  new DbConfig(proxy.proxiedUrl(harness.database.jdbcUrl()), role, "crowded", 4),
                  harness.group,
                  0);
      java.util.concurrent.ExecutorService starting =
          java.util.concurrent.Executors.newSingleThreadExecutor();
      java.util.concurrent.Future<JobwatchApp> start =
          starting.submit(() -> JobwatchApp.start(settings, Clock.systemUTC()));
      JobwatchApp app = null;
      try {
        // The migration's own connection (not the pool's, which names itself jobwatch) was
        // refused: the server has no connection for the role.
        Harness.await(
            "the migration to be refused a connection",
            Duration.ofSeconds(60),
            () ->
                proxy.startups().stream().anyMatch(startup -> !startup.contains("jobwatch"))
                    || start.isDone());
        harness.jdbi().useHandle(h -> h.execute("ALTER ROLE " + role + " CONNECTION LIMIT -1"));
        app = startedWithin120s(start, "the instance did not wait for PostgreSQL: ");
        String id =
            harness.lifecycleEvent(
                "job.submitted",
                T0,
                data("job_id", "crowded-1", "service", "blast", "runner", "slurm"));
        harness.awaitStored(id);
        JobwatchApp started = app;
        Harness.await("readiness", Duration.ofSeconds(30), started::isReady);
        harness.awaitCounted(app, 1);
        assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.APPLIED)).isEqualTo(1.0);
      } finally {
        if (app != null) {
          app.close();
        }
        starting.shutdownNow();
      }
    }
  }

  @Test
  @DisplayName(
      "An instance (re)started while a failover is under way, against a standby that answers but"
          + " refuses writes (SQLSTATE 25006): it waits for the promotion instead of exiting, then"
          + " consumes every event once")
  void readOnlyServerAtStartIsWaitedFor(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      try (JobwatchApp first = harness.startApp()) {
        Harness.await("the schema", Duration.ofSeconds(60), first::isReady);
      }
      setDatabaseReadOnly(harness);
      java.util.concurrent.ExecutorService starting =
          java.util.concurrent.Executors.newSingleThreadExecutor();
      java.util.concurrent.Future<JobwatchApp> start =
          starting.submit(() -> JobwatchApp.start(harness.settings(), Clock.systemUTC()));
      JobwatchApp app = null;
      try {
        // The schema is current, so the first write of the start is its JOBWATCH_STUCK_AFTER:
        // pg_stat_activity keeps a session's last statement, refused or not.
        Harness.await(
            "the start's first write to be refused",
            Duration.ofSeconds(60),
            () ->
                start.isDone()
                    || harness.count(
                            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                                + " AND query LIKE '%UPDATE dependency_settings%'")
                        > 0);
        resetDatabaseReadOnly(harness);
        // The promotion: sessions opened while the database was read-only keep that default.
        endOtherSessions(harness);
        app = startedWithin120s(start, "the instance did not wait for the promotion: ");
        List<String> ids = submit(harness, "promoted", 5);
        harness.flush();
        harness.awaitStored(ids.toArray(String[]::new));
        JobwatchApp started = app;
        Harness.await("readiness", Duration.ofSeconds(30), started::isReady);
        harness.awaitCounted(app, 5);
        assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id LIKE 'promoted-%'"))
            .isEqualTo(5);
        assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
        assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.APPLIED)).isEqualTo(5.0);
      } finally {
        if (app != null) {
          app.close();
        }
        starting.shutdownNow();
      }
    }
  }

  @Test
  @DisplayName(
      "A failover to a server that is read-only for a while (SQLSTATE 25006): nothing is"
          + " dead-lettered, and once it takes writes every event is applied and counted once")
  void readOnlyServerAfterAFailoverDeadLettersNothing(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer to be ready", Duration.ofSeconds(60), app::isReady);
      setDatabaseReadOnly(harness);
      endOtherSessions(harness);
      List<String> ids = submit(harness, "readonly", 20);
      harness.flush();
      Harness.await("readiness to turn false", Duration.ofSeconds(60), () -> !app.isReady());
      // The retries of the next seconds (backoff 0.25, 0.5, 1, 2, 4 s) each read the offsets, which
      // a read-only server answers, and then fail to write: none of them may report ready.
      try (ReadinessWatch watch = new ReadinessWatch(app::isReady)) {
        Thread.sleep(8_000);
        assertThat(watch.wasNeverReady())
            .as("/readyz while every write is refused and events wait")
            .isTrue();
      }
      assertThat(harness.count("SELECT count(*) FROM job_events")).isZero();
      resetDatabaseReadOnly(harness);
      endOtherSessions(harness);
      harness.awaitStored(ids.toArray(String[]::new));
      Harness.await("readiness to return", Duration.ofSeconds(60), app::isReady);
      assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(20);
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
      // Rows are visible once committed; the last batch of them is counted after that.
      harness.awaitCounted(app, 20);
      assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.APPLIED)).isEqualTo(20.0);
      assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.DEAD_LETTERED)).isZero();
    }
  }

  @Test
  @DisplayName(
      "The network lost the COMMIT of a migration, and the server keeps that transaction open with"
          + " its locks: it ends it within a minute, as it ends any jobwatch session's transaction"
          + " left idle, so the next start migrates instead of waiting hours for Flyway's lock")
  void migrationWhoseCommitTheNetworkLostReleasesItsLocks(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        // Only V25's transaction sends this text (its DO block's notice).
        CommitCuttingProxy proxy =
            new CommitCuttingProxy(harness.database.jdbcUrl(), "not granted schema")) {
      org.flywaydb.core.Flyway.configure()
          .dataSource(
              harness.database.jdbcUrl(), harness.database.user(), harness.database.password())
          .locations("classpath:db/migration")
          .target("24")
          .load()
          .migrate();
      proxy.cutNextCommitsLeavingTheServerWaiting(1);
      Settings settings = proxied(harness, proxy);
      assertThatThrownBy(() -> JobwatchApp.start(settings, Clock.systemUTC()).close())
          .as("the start whose migration lost its COMMIT")
          .hasMessageContaining("could not migrate");
      assertThat(proxy.cutsDone()).isEqualTo(1);
      // PostgreSQL never heard of the cut: the migration's transaction waits, idle, holding
      // Flyway's lock, until the server ends it (jobwatch's sessions: after 60 s idle).
      Harness.await(
          "the server to end the migration's orphaned transaction",
          Duration.ofSeconds(120),
          () ->
              harness.count(
                      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                          + " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()")
                  == 0);
      try (JobwatchApp app = harness.startApp()) {
        String id =
            harness.lifecycleEvent(
                "job.submitted",
                T0,
                data("job_id", "after-migration", "service", "blast", "runner", "slurm"));
        harness.awaitStored(id);
        harness.awaitCounted(app, 1);
        assertThat(
                harness.count(
                    "SELECT count(*) FROM flyway_schema_history WHERE version = '25' AND success"))
            .isEqualTo(1);
      }
    }
  }

  @Test
  @DisplayName(
      "An older jar started against a schema a newer one migrated (a rollback, or the old"
          + " instances of a rolling upgrade): it starts and consumes, since migrations only add")
  void olderJarRunsOnANewerSchema(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      try (JobwatchApp app = harness.startApp()) {
        Harness.await("the schema", Duration.ofSeconds(60), app::isReady);
      }
      // What a later version's migration leaves: an added column and a newer version applied.
      harness
          .jdbi()
          .useHandle(
              h -> {
                h.execute("ALTER TABLE jobs ADD COLUMN from_the_future text");
                h.execute(
                    "INSERT INTO flyway_schema_history (installed_rank, version, description,"
                        + " type, script, checksum, installed_by, execution_time, success)"
                        + " SELECT max(installed_rank) + 1, '9999', 'from the future', 'SQL',"
                        + " 'V9999__from_the_future.sql', 0, current_user, 1, true"
                        + " FROM flyway_schema_history");
              });
      try (JobwatchApp app = harness.startApp()) {
        String id =
            harness.lifecycleEvent(
                "job.submitted",
                T0,
                data("job_id", "older-1", "service", "blast", "runner", "slurm"));
        harness.awaitStored(id);
        Harness.await("readiness", Duration.ofSeconds(30), app::isReady);
        assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(1);
      }
    }
  }

  /** Makes the test database refuse writes (SQLSTATE 25006), as a standby not promoted yet. */
  private static void setDatabaseReadOnly(Harness harness) {
    String database = harness.database.jdbcUrl().replaceAll("^.*/([^/?]+).*$", "$1");
    harness
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "ALTER DATABASE \"" + database + "\" SET default_transaction_read_only = on"));
  }

  /**
   * Lets the test database take writes again; sessions opened while it was read-only keep that
   * default until they end.
   */
  private static void resetDatabaseReadOnly(Harness harness) {
    String database = harness.database.jdbcUrl().replaceAll("^.*/([^/?]+).*$", "$1");
    harness
        .jdbi()
        .useHandle(
            h -> {
              h.execute("SET default_transaction_read_only = off");
              h.execute("ALTER DATABASE \"" + database + "\" RESET default_transaction_read_only");
            });
  }

  /** The instance {@code start} started within 120 s; fails with {@code failure} if it threw. */
  private static JobwatchApp startedWithin120s(
      java.util.concurrent.Future<JobwatchApp> start, String failure) throws Exception {
    try {
      return start.get(120, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(failure + e.getCause(), e);
    }
  }

  /** What a failover does to the sessions of the old server: every other session ends. */
  private static void endOtherSessions(Harness harness) {
    harness
        .jdbi()
        .useHandle(
            h ->
                h.createQuery(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            + " WHERE datname = current_database() AND pid <> pg_backend_pid()")
                    .mapTo(Long.class)
                    .one());
  }

  /** The harness's settings with the database reached through {@code proxy}. */
  private static Settings proxied(Harness harness, CommitCuttingProxy proxy) {
    return harness
        .settings()
        .with(
            harness.infra.kafkaBootstrap(),
            new DbConfig(
                proxy.proxiedUrl(harness.database.jdbcUrl()),
                harness.database.user(),
                harness.database.password(),
                4),
            harness.group,
            0);
  }

  @Test
  @DisplayName(
      "Two instances started at once against an empty database: one migrates while the other"
          + " waits for Flyway's lock, both start, and every event is applied once")
  void twoInstancesStartingAtOnceOnAnEmptyDatabase(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 2)) {
      java.util.concurrent.ExecutorService starting =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      List<java.util.concurrent.Future<JobwatchApp>> apps = new ArrayList<>();
      java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(2);
      for (int i = 0; i < 2; i++) {
        apps.add(
            starting.submit(
                () -> {
                  ready.countDown();
                  ready.await();
                  return harness.startApp();
                }));
      }
      List<JobwatchApp> started = new ArrayList<>();
      try {
        List<Throwable> failures = new ArrayList<>();
        for (var app : apps) {
          try {
            started.add(app.get(120, java.util.concurrent.TimeUnit.SECONDS));
          } catch (java.util.concurrent.ExecutionException e) {
            failures.add(e.getCause());
          }
        }
        assertThat(failures).as("instances that failed to start").isEmpty();
        for (int i = 0; i < 20; i++) {
          harness.lifecycleEvent(
              "job.submitted",
              T0.plusSeconds(i),
              data("job_id", "race-" + i, "service", "blast", "runner", "slurm"));
        }
        harness.flush();
        Harness.await(
            "all 20 records to be consumed",
            Duration.ofSeconds(60),
            () ->
                harness.count("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets") == 20);
        assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(20);
        assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(20);
        assertThat(harness.count("SELECT count(*) FROM flyway_schema_history WHERE NOT success"))
            .isZero();
      } finally {
        for (JobwatchApp app : started) {
          app.close();
        }
        starting.shutdownNow();
      }
    }
  }

  @Test
  @DisplayName(
      "A database that refuses the migration (a role without CREATE): consume exits 1 with one"
          + " line saying so, and neither the password nor the URL's password= is printed")
  void roleThatCannotMigrateStopsConsumeWithOneLine(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      String role = "nocreate_" + java.util.UUID.randomUUID().toString().substring(0, 8);
      String password = "Pw-" + java.util.UUID.randomUUID();
      String urlPassword = "UrlPw-" + java.util.UUID.randomUUID();
      // Identifiers and CREATE ROLE's password cannot be bind parameters; the test picks them.
      harness
          .jdbi()
          .useHandle(h -> h.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'"));
      String url = harness.database.jdbcUrl() + "?ApplicationName=x&password=" + urlPassword;
      try (ConsumerProcess consume =
          ConsumerProcess.start(
              harness,
              java.util.Map.of(
                  "JOBWATCH_DB_URL", url,
                  "JOBWATCH_DB_USER", role,
                  "JOBWATCH_DB_PASSWORD", password))) {
        Integer exit = consume.awaitExit(Duration.ofSeconds(60));
        String output = consume.output();
        assertThat(exit).as(output).isEqualTo(1);
        assertThat(output).doesNotContain(password).doesNotContain(urlPassword);
        List<String> errorLines =
            output.lines().filter(line -> line.startsWith("jobwatch: ")).toList();
        assertThat(errorLines).as(output).hasSize(1);
        assertThat(errorLines.get(0))
            .contains("could not migrate the jobwatch schema")
            .contains("permission denied");
        assertThat(output).as("no stack trace").doesNotContain("\tat ");
      }
    }
  }

  private static void cutOneBatchCommit(Infra infra, boolean beforeTheServer) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        CommitCuttingProxy proxy =
            new CommitCuttingProxy(harness.database.jdbcUrl(), OFFSETS_WRITE)) {
      try (JobwatchApp app = JobwatchApp.start(proxied(harness, proxy), Clock.systemUTC())) {
        Harness.await("the consumer to be ready", Duration.ofSeconds(60), app::isReady);
        if (beforeTheServer) {
          proxy.cutNextCommitsBeforeTheServer(1);
        } else {
          proxy.cutNextCommits(1);
        }
        submit(harness, "cut", 30);
        harness.flush();
        long consumed = awaitConsumedPastTheCut(harness, app, 30);

        assertThat(proxy.cutsDone()).as("commits cut").isEqualTo(1);
        assertEachStoredAndCountedOnce(harness, app, (int) consumed);
      }
    }
  }
}
