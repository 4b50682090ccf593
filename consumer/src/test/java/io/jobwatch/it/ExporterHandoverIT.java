package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The exporter lease when its holder stops answering: the database-derived series (health, jobs,
 * crashes, monitors) must come back from another instance, or every alert on them goes quiet.
 */
@WithInfra
class ExporterHandoverIT {
  /** ExporterLease.LOCK_KEY: "jobwatch" in ASCII. */
  private static final long LOCK_KEY = 0x6a6f627761746368L;

  private static final String SERVICE = "handover";
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  @DisplayName(
      "An exporter whose host is gone leaves its session, and the lock with it, to PostgreSQL:"
          + " the server ends it at the deadline the exporter set, and another instance exports"
          + " the failing stage, so its alert keeps firing")
  void silentHolderIsReplaced(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        // What PostgreSQL still holds of an exporter whose machine died: a session that took the
        // lease, set its deadline as every holder does (ExporterLease; 3 s here) and then never
        // said anything again. Without the deadline TCP keepalive would end it after two hours.
        // This test sets the orphan's deadline itself: that ExporterLease sets one on its own
        // session is ExporterLeaseIT.silentHolderIsEndedAtItsDeadline's to show; here, that the
        // survivor then exports and the failing stage's series come back.
        Connection orphan = holdLease(harness)) {
      JobwatchApp app = harness.startApp();
      try {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          ids.add(
              harness.stageEvent(
                  "stage.error",
                  T0.plusSeconds(i),
                  data(
                      "service",
                      SERVICE,
                      "runner",
                      "slurm",
                      "stage",
                      "submit",
                      "error_class",
                      "ConnectionError",
                      "message",
                      "sbatch: connection refused")));
        }
        harness.flush();
        Harness.await(
            "three errors folded",
            Duration.ofSeconds(60),
            () ->
                harness.count(
                        "SELECT count(*) FROM stage_health WHERE service = 'handover'"
                            + " AND severity = 'error'")
                    == 1);

        // The lease may be taken before the errors are folded, and the export that showed it then
        // read the database before them: the folded state comes with a later refresh (1 s apart).
        Harness.await(
            "the surviving instance to export the folded state",
            Duration.ofSeconds(120),
            () -> {
              Scrape exported = Scrape.metrics(app.httpPort());
              return exported.value("jobwatch_exporter_active") == 1.0
                  && !exported.samples("jobwatch_service_health", "service", SERVICE).isEmpty()
                  && exported.value("jobwatch_service_health", "service", SERVICE) == 2.0;
            });
        Scrape scrape = Scrape.metrics(app.httpPort());
        assertThat(scrape.value("jobwatch_service_health", "service", SERVICE)).isEqualTo(2.0);
        assertThat(
                scrape.value(
                    "jobwatch_stage_health",
                    "service",
                    SERVICE,
                    "runner",
                    "slurm",
                    "stage",
                    "submit"))
            .isEqualTo(2.0);
        assertThat(orphan.isValid(2)).as("the silent holder's session was ended").isFalse();
      } finally {
        app.close();
      }
    }
  }

  @Test
  @DisplayName(
      "A live exporter keeps the lease: another instance that finds it taken for many refresh"
          + " periods does not take it over")
  void liveHolderKeepsTheLease(Infra infra) {
    try (Harness harness = new Harness(infra, 1)) {
      JobwatchApp first = harness.startApp();
      JobwatchApp second = null;
      try {
        Harness.await(
            "the first instance to export",
            Duration.ofSeconds(60),
            () -> Scrape.metrics(first.httpPort()).value("jobwatch_exporter_active") == 1.0);
        JobwatchApp started = harness.startApp();
        second = started;
        // Past the silence after which a holder counts as gone (at least 30 s; Harness refreshes
        // every second), while the second instance keeps finding the lease taken.
        Instant until = Instant.now().plus(Duration.ofSeconds(45));
        Harness.await(
            "45 s of refreshes of the second instance",
            Duration.ofSeconds(90),
            () -> {
              started.refreshState();
              return Instant.now().isAfter(until);
            });
        assertThat(Scrape.metrics(first.httpPort()).value("jobwatch_exporter_active"))
            .isEqualTo(1.0);
        assertThat(Scrape.metrics(second.httpPort()).value("jobwatch_exporter_active"))
            .isEqualTo(0.0);
      } finally {
        if (second != null) {
          second.close();
        }
        first.close();
      }
    }
  }

  @Test
  @DisplayName(
      "With JOBWATCH_DB_POOL_SIZE=1 (a database short of connections) the instance that holds the"
          + " exporter lease still consumes: the lease is one connection more than the pool, as"
          + " docs/operators.md counts it, so it never takes the consumer's")
  void leaseHolderWithAPoolOfOneConsumes(Infra infra) {
    try (Harness harness = new Harness(infra, 1)) {
      Settings settings =
          harness
              .settings()
              .with(
                  harness.infra.kafkaBootstrap(),
                  new DbConfig(
                      harness.database.jdbcUrl(),
                      harness.database.user(),
                      harness.database.password(),
                      1),
                  harness.group,
                  0);
      try (JobwatchApp app = JobwatchApp.start(settings, Clock.systemUTC())) {
        Harness.await(
            "the instance to export",
            Duration.ofSeconds(60),
            () -> Scrape.metrics(app.httpPort()).value("jobwatch_exporter_active") == 1.0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          ids.add(
              harness.lifecycleEvent(
                  "job.submitted",
                  T0.plusSeconds(i),
                  data("job_id", "pool-of-one-" + i, "service", SERVICE, "runner", "slurm")));
        }
        harness.flush();
        harness.awaitStored(ids.toArray(String[]::new));
        harness.awaitCounted(app, 3);
        Harness.await("readiness", Duration.ofSeconds(30), app::isReady);
        assertThat(harness.count("SELECT count(*) FROM jobs WHERE service = 'handover'"))
            .isEqualTo(3);
        assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.APPLIED)).isEqualTo(3.0);
        app.refreshState();
        assertThat(
                Scrape.metrics(app.httpPort())
                    .value("jobwatch_jobs", "service", SERVICE, "state", "submitted"))
            .isEqualTo(3.0);
      }
    }
  }

  private static Connection holdLease(Harness harness) throws SQLException {
    Connection connection =
        DriverManager.getConnection(
            harness.database.jdbcUrl(), harness.database.user(), harness.database.password());
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      statement.setLong(1, LOCK_KEY);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        assertThat(result.getBoolean(1)).as("the lease was free").isTrue();
      }
    }
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT set_config('idle_session_timeout', '3000', false)")) {
      statement.executeQuery().close();
    }
    return connection;
  }
}
