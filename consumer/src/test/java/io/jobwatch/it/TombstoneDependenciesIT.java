package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.store.DependencySettingsTable;
import io.jobwatch.store.Retention;
import io.jobwatch.store.RetentionPolicy;
import io.jobwatch.store.StateQueries;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an open job waits on outlives the retention of the jobs it waits on: a pruned dependency's
 * tombstone is its final state for {@code job_waits}, {@code stuck_jobs} and the exported counts
 * (docs/operators.md, "Known edges"), so it must stay while a job still names it.
 */
@WithInfra
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TombstoneDependenciesIT {
  private Database database;

  @BeforeAll
  void migrate(Infra infra) {
    io.jobwatch.testing.Database db = infra.newDatabase();
    database = Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 2));
    assertThat(database.migrate()).isPositive();
    database
        .jdbi()
        .useHandle(handle -> DependencySettingsTable.write(handle, Duration.ofMinutes(10)));
  }

  @AfterAll
  void close() {
    database.close();
  }

  @Test
  @DisplayName(
      "A tombstone older than JOBWATCH_RETAIN_TOMBSTONES stays while an open job depends on it:"
          + " the job whose dependency failed stays unsatisfiable (not a never-seen, typo'd id in"
          + " stuck_jobs), the one whose dependency succeeded stays stuck for dependencies_ended;"
          + " a tombstone no job names any more goes, also in the pass that prunes the last job"
          + " naming it, and --dry-run counts the same")
  void tombstonesOfDependenciesStayWhileJobsWaitOnThem() {
    database
        .jdbi()
        .useHandle(
            handle -> {
              // Slurm without kill_invalid_depend: DependencyNeverSatisfied jobs sit for ever.
              for (String job : List.of("waits-on-failed", "waits-on-succeeded")) {
                handle.execute(
                    "INSERT INTO jobs (job_id, service, state, attempt, submitted_at, updated_at)"
                        + " VALUES (?, 'tomb', 'submitted', 1, now() - interval '600 days',"
                        + " now() - interval '600 days')",
                    job);
              }
              // Ended 100 days ago: this pass prunes it, and with it its edge.
              handle.execute(
                  "INSERT INTO jobs (job_id, service, state, attempt, submitted_at, finished_at,"
                      + " updated_at) VALUES ('expired-dependent', 'tomb', 'succeeded', 1,"
                      + " now() - interval '101 days', now() - interval '100 days',"
                      + " now() - interval '100 days')");
              handle.execute(
                  "INSERT INTO job_dependencies (job_id, depends_on, accept) VALUES"
                      + " ('waits-on-failed', 'dep-failed', '{succeeded}'),"
                      + " ('waits-on-succeeded', 'dep-succeeded', '{succeeded}'),"
                      + " ('expired-dependent', 'dep-of-expired', '{succeeded}')");
              // Pruned 500 days ago: past the default JOBWATCH_RETAIN_TOMBSTONES (P400D).
              handle.execute(
                  "INSERT INTO job_tombstones (job_id, state, attempt, finished_at, pruned_at)"
                      + " VALUES"
                      + " ('dep-failed', 'failed', 1, now() - interval '590 days',"
                      + "  now() - interval '500 days'),"
                      + " ('dep-succeeded', 'succeeded', 1, now() - interval '590 days',"
                      + "  now() - interval '500 days'),"
                      + " ('nobody-waits', 'succeeded', 1, now() - interval '590 days',"
                      + "  now() - interval '500 days'),"
                      + " ('dep-of-expired', 'succeeded', 1, now() - interval '590 days',"
                      + "  now() - interval '500 days')");
            });
    Map<String, String> before = waits();
    before.remove("expired-dependent->dep-of-expired");

    RetentionPolicy policy = RetentionPolicy.defaults();
    long planned =
        Retention.run(database.jdbi(), policy, Instant.now(), true).rows().get("job_tombstones");
    long removed =
        Retention.run(database.jdbi(), policy, Instant.now(), false).rows().get("job_tombstones");

    assertThat(before)
        .containsEntry("waits-on-failed->dep-failed", "unsatisfiable failed (job can never run)")
        .containsEntry("waits-on-succeeded->dep-succeeded", "satisfied succeeded");
    assertThat(waits()).isEqualTo(before);
    assertThat(strings("SELECT job_id || ' ' || reason FROM stuck_jobs ORDER BY job_id"))
        .containsExactly("waits-on-succeeded dependencies_ended");
    StateQueries.Waits counts = database.jdbi().withHandle(StateQueries::waitsByService);
    assertThat(counts.unsatisfiable()).containsExactly(new StateQueries.Count("tomb", "", 1));
    assertThat(counts.stuck()).containsExactly(new StateQueries.Count("tomb", "", 1));
    // nobody-waits, and dep-of-expired: only the job pruned in the same pass named it.
    assertThat(removed).as("tombstones removed").isEqualTo(2);
    assertThat(planned).as("tombstones the dry run counts").isEqualTo(removed);
    assertThat(strings("SELECT job_id FROM job_tombstones ORDER BY job_id"))
        .containsExactly("dep-failed", "dep-succeeded", "expired-dependent");
  }

  private List<String> strings(String sql) {
    return database.jdbi().withHandle(handle -> handle.createQuery(sql).mapTo(String.class).list());
  }

  /** job_id->depends_on -> status, dependency_state, and whether the job can never run. */
  private Map<String, String> waits() {
    Map<String, String> result = new java.util.TreeMap<>();
    database
        .jdbi()
        .useHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT job_id, depends_on, status, dependency_state, job_unsatisfiable"
                            + " FROM job_waits")
                    .map(
                        (rs, ctx) ->
                            result.put(
                                rs.getString("job_id") + "->" + rs.getString("depends_on"),
                                rs.getString("status")
                                    + " "
                                    + rs.getString("dependency_state")
                                    + (rs.getBoolean("job_unsatisfiable")
                                        ? " (job can never run)"
                                        : "")))
                    .list());
    return result;
  }
}
