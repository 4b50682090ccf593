package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.store.JobsTable;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The stale-crash DELETE of every batch is planned for {@code job_attempt_crashes} as it is, never
 * from a cached plan. The benchmark found it scanning the whole table in every batch (up to 64 ms)
 * in half of its 1M-event runs: pgjdbc prepares a statement on the server from its fifth execution
 * on a connection, and PostgreSQL may then reuse one generic plan, made while the table was small,
 * until the next ANALYZE (autovacuum's comes a minute or more later). Whether PostgreSQL picks the
 * generic plan depends on its cost estimates, so this test checks the cause, on the connection: no
 * server-side prepared statement of the DELETE exists ({@code pg_prepared_statements}) after many
 * batches. It fails without {@link io.jobwatch.store.JobsTable}'s per-execution planning.
 */
@WithInfra
class CrashRowsPlanIT {
  private static final int BATCHES = 20;
  private static final int JOBS_PER_BATCH = 50;

  private static final String PREPARED_DELETES =
      "SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql AND"
          + " statement LIKE '%DELETE FROM job_attempt_crashes%'";

  @Test
  @DisplayName(
      "After 20 batches the stale-crash DELETE has no cached plan on the connection, and the crash"
          + " rows are still exactly each job's current crashes")
  void staleCrashDeleteIsPlannedEachTime(Infra infra) {
    io.jobwatch.testing.Database db = infra.newDatabase();
    try (Database database =
        Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 1))) {
      assertThat(database.migrate()).isPositive();
      // One connection throughout: prepared statements belong to the connection.
      database
          .jdbi()
          .useHandle(
              handle -> {
                for (int i = 0; i < BATCHES; i++) {
                  List<String> jobs = new ArrayList<>();
                  List<JobsTable.Crash> crashes = new ArrayList<>();
                  for (int j = 0; j < JOBS_PER_BATCH; j++) {
                    String job = "job-" + i + "-" + j;
                    jobs.add(job);
                    crashes.add(new JobsTable.Crash(job, 1, "s", "task"));
                  }
                  if (i > 0) {
                    // The previous batch's first job: its crash is now blamed on the platform.
                    String again = "job-" + (i - 1) + "-0";
                    jobs.add(again);
                    crashes.add(new JobsTable.Crash(again, 1, "s", "platform"));
                    // and its second one no longer crashed (a requeue explained it away).
                    jobs.add("job-" + (i - 1) + "-1");
                  }
                  handle.useTransaction(h -> JobsTable.recordCrashes(h, jobs, crashes));
                }

                assertThat(handle.createQuery(PREPARED_DELETES).mapTo(Long.class).one())
                    .as(
                        "server-side prepared statements of the stale-crash DELETE, of %s",
                        handle
                            .createQuery(
                                "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements")
                            .mapToMap()
                            .list())
                    .isZero();
                Map<String, String> stored = crashes(handle);
                assertThat(stored)
                    .as("one row per crashed job, with its latest blame")
                    .hasSize(BATCHES * JOBS_PER_BATCH - (BATCHES - 1))
                    .containsEntry("job-0-0", "platform")
                    .doesNotContainKey("job-0-1")
                    .containsEntry("job-0-2", "task")
                    .containsEntry("job-19-1", "task");
                assertThat(totals(handle))
                    .as("job_crashes totals follow the rows")
                    .containsEntry("platform", (long) (BATCHES - 1))
                    .containsEntry("task", (long) (stored.size() - (BATCHES - 1)));
              });
    }
  }

  private static Map<String, String> crashes(Handle handle) {
    Map<String, String> blames = new HashMap<>();
    handle
        .createQuery("SELECT job_id, blame FROM job_attempt_crashes")
        .map((rs, ctx) -> Map.entry(rs.getString("job_id"), rs.getString("blame")))
        .forEach(entry -> blames.put(entry.getKey(), entry.getValue()));
    return blames;
  }

  private static Map<String, Long> totals(Handle handle) {
    Map<String, Long> totals = new HashMap<>();
    handle
        .createQuery("SELECT blame, crashes FROM job_crashes WHERE service = 's'")
        .map((rs, ctx) -> Map.entry(rs.getString("blame"), rs.getLong("crashes")))
        .forEach(entry -> totals.put(entry.getKey(), entry.getValue()));
    return totals;
  }
}
