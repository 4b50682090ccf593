package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.store.Database;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A DBA's role-level {@code statement_timeout} shorter than a big batch's slowest statement. */
@WithInfra
class StatementTimeoutIT {
  private static final Map<String, String> NO_SCHEDULED_PASS =
      Map.of("JOBWATCH_RETENTION_INTERVAL", "PT0S");
  private static final Instant T0 =
      Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

  @Test
  @DisplayName(
      "A batch whose insert outlasts the role's statement_timeout is written in smaller batches:"
          + " every event is applied, none is dead-lettered")
  void aBatchThatTimesOutIsWrittenInSmallerBatches(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      try (Database database = Database.open(harness.settings().db())) {
        database.migrate();
      }
      harness
          .jdbi()
          .useHandle(
              handle -> {
                // Stands for a statement whose time grows with the batch: inserting more than
                // three events at once takes longer than the timeout.
                handle.execute(
                    "CREATE FUNCTION slow_big_inserts() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " BEGIN IF (SELECT count(*) FROM inserted) > 3 THEN"
                        + " PERFORM pg_sleep(30); END IF; RETURN NULL; END $$");
                handle.execute(
                    "CREATE TRIGGER slow_big_inserts AFTER INSERT ON job_events"
                        + " REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT"
                        + " EXECUTE FUNCTION slow_big_inserts()");
                String database =
                    handle.createQuery("SELECT current_database()").mapTo(String.class).one();
                handle.execute(
                    "ALTER ROLE CURRENT_USER IN DATABASE \""
                        + database
                        + "\" SET statement_timeout = '1s'");
              });
      List<String> jobs = new ArrayList<>();
      List<String> events = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String job = "timeout-" + i + "-" + UUID.randomUUID();
        jobs.add(job);
        events.add(
            harness.lifecycleEvent(
                "job.submitted", T0, data("job_id", job, "service", "svc", "runner", "slurm")));
      }
      harness.flush();
      try (JobwatchApp app = harness.startApp()) {
        harness.awaitStored(events.toArray(String[]::new));
        assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
        for (String job : jobs) {
          assertThat(harness.job(job)).containsEntry("state", "submitted");
        }
        assertThat(harness.count("SELECT count(*) FROM job_events WHERE outcome = 'applied'"))
            .isEqualTo(8);
      }
    }
  }
}
