package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * jobwatch in a schema of its own: a JDBC URL with {@code currentSchema}, as a DBA sets it up where
 * jobwatch's role may not create tables in {@code public} (PostgreSQL 15 and later).
 */
@WithInfra
class OwnSchemaIT {

  @Test
  @DisplayName(
      "With currentSchema=jobwatch in its JDBC URL it migrates into that schema, with job_events'"
          + " indexes, and folds events there")
  void migratesAndConsumesInTheSchemaTheUrlNames(Infra infra) {
    try (Harness harness = new Harness(infra, 1)) {
      harness.jdbi().useHandle(handle -> handle.execute("CREATE SCHEMA jobwatch"));
      String url = harness.database.jdbcUrl();
      url += (url.contains("?") ? "&" : "?") + "currentSchema=jobwatch";
      DbConfig ownSchema =
          new DbConfig(url, harness.database.user(), harness.database.password(), 4);
      try (JobwatchApp app =
          JobwatchApp.start(
              harness
                  .settings()
                  .with(infra.kafkaBootstrap(), ownSchema, harness.group, 0)
                  .withTopics(harness.lifecycle, harness.errors),
              Clock.systemUTC())) {
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        harness.lifecycleEvent(
            "job.submitted", t, data("job_id", "J1", "service", "blast", "runner", "slurm"));
        harness.lifecycleEvent(
            "job.finished", t.plusSeconds(1), data("job_id", "J1", "attempt", 1, "exit_code", 137));
        harness.flush();
        Harness.await(
            "J1 folded in schema jobwatch",
            Duration.ofSeconds(60),
            () -> harness.count("SELECT count(*) FROM jobwatch.jobs WHERE state = 'crashed'") == 1);

        assertThat(harness.row("SELECT state, cause FROM jobwatch.jobs WHERE job_id = 'J1'"))
            .containsEntry("state", "crashed")
            .containsEntry("cause", "signal_9");
        assertThat(
                harness.rows(
                    "SELECT indexname FROM pg_indexes WHERE schemaname = 'jobwatch'"
                        + " AND tablename = 'job_events' ORDER BY 1"))
            .extracting(row -> row.get("indexname"))
            .contains("job_events_job", "job_events_subject", "job_events_received");
        assertThat(
                harness.count(
                    "SELECT count(*) FROM information_schema.tables"
                        + " WHERE table_schema = 'public'"))
            .as("nothing created in public")
            .isZero();
        // The operators' role reads it there too, the events' partitions included (V25).
        Map<String, Object> asOperator =
            harness
                .jdbi()
                .<Map<String, Object>, RuntimeException>withHandle(
                    handle -> {
                      handle.begin();
                      handle.execute("SET LOCAL ROLE jobwatch_operator");
                      Map<String, Object> read =
                          handle
                              .createQuery(
                                  "SELECT (SELECT state FROM jobwatch.jobs WHERE job_id = 'J1')"
                                      + " AS state, (SELECT count(*) FROM jobwatch.job_events"
                                      + " WHERE job_id = 'J1') AS events")
                              .mapToMap()
                              .one();
                      handle.rollback();
                      return read;
                    });
        assertThat(asOperator).containsEntry("state", "crashed").containsEntry("events", 2L);
      }
    }
  }
}
