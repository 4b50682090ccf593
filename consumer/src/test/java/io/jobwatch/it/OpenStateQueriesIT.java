package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobwatch.app.JobwatchApp;
import io.jobwatch.store.StateQueries;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 11.4: the exporter's refresh reads open or changed state only. Jobs come through Kafka (the
 * writer's path keeps {@code job_counts}), many terminal jobs go straight into the tables as a year
 * of history would, then every refresh query's plan is checked for full scans of the big tables and
 * every exported value against the reference queries of docs/operators.md: a count over {@code
 * jobs}, and the {@code job_waits} / {@code stuck_jobs} views.
 */
@WithInfra
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenStateQueriesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> BIG_TABLES =
      List.of("jobs", "job_dependencies", "job_events", "dead_letters");
  private static final String SERVICE = "open-state";

  private Harness harness;
  private JobwatchApp app;

  @BeforeAll
  void start(Infra infra) {
    harness = new Harness(infra, 2);
    app = harness.startApp();
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  @DisplayName(
      "With 30,000 terminal jobs stored, no refresh query scans jobs, dependencies, events or"
          + " dead letters, and every exported count equals its reference query, also after"
          + " updates, deletes and a truncate")
  void refreshReadsOpenStateAndCountsLikeTheReference() throws Exception {
    Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
    publishOpenJobs(twoHoursAgo);
    storeAYearOfTerminalJobs();

    for (String sql : StateQueries.refreshQueries()) {
      assertThat(fullScans(sql)).as("full scans of big tables in %s", sql).isEmpty();
    }
    // The check sees a full scan where there is one: the count the exporter ran before V14.
    assertThat(fullScans("SELECT service, state, count(*) FROM jobs GROUP BY 1, 2"))
        .containsExactly("jobs");

    Scrape scrape = refreshAndScrape();
    assertCountsMatchReference(scrape);
    // Known values, independent of the views: os-doomed (its dependency failed) and os-chain
    // (waits on os-doomed) can never start; os-typo waits on a job never seen for two hours.
    assertThat(scrape.value("jobwatch_jobs_unsatisfiable", "service", SERVICE)).isEqualTo(2.0);
    assertThat(scrape.value("jobwatch_jobs_stuck_waiting", "service", SERVICE)).isEqualTo(1.0);
    assertThat(scrape.value("jobwatch_jobs", "service", "bulk-0", "state", "succeeded"))
        .isEqualTo(9_000.0);
    assertThat(scrape.value("jobwatch_dead_letters", "topic", "open-state-letters")).isEqualTo(3.0);

    // Retention-like deletes, state changes and a late job.submitted through the consumer.
    harness
        .jdbi()
        .useHandle(
            handle -> {
              handle.execute(
                  "DELETE FROM jobs WHERE job_id LIKE 'bulk-%' AND job_id < 'bulk-01000'");
              handle.execute(
                  "UPDATE jobs SET state = 'failed', service = 'bulk-moved'"
                      + " WHERE job_id BETWEEN 'bulk-02000' AND 'bulk-02499'");
              handle.execute("UPDATE dead_letters SET replayed_at = now() WHERE kafka_offset = 1");
            });
    harness.applyLifecycle(
        "job.finished", Instant.now(), data("job_id", "os-running", "attempt", 1, "exit_code", 0));
    Scrape changed = refreshAndScrape();
    assertCountsMatchReference(changed);
    assertThat(changed.value("jobwatch_jobs", "service", "bulk-moved", "state", "failed"))
        .isEqualTo(500.0);
    assertThat(changed.value("jobwatch_dead_letters", "topic", "open-state-letters"))
        .isEqualTo(2.0);

    harness.jdbi().useHandle(handle -> handle.execute("TRUNCATE jobs"));
    assertThat(refreshAndScrape().samples("jobwatch_jobs")).isEmpty();
  }

  private void publishOpenJobs(Instant at) {
    harness.applyLifecycle(
        "job.submitted", at, data("job_id", "os-failed", "service", SERVICE, "runner", "r1"));
    harness.applyLifecycle(
        "job.started",
        at.plusSeconds(1),
        data("job_id", "os-failed", "runner", "r1", "attempt", 1));
    harness.applyLifecycle(
        "job.finished",
        at.plusSeconds(2),
        data("job_id", "os-failed", "attempt", 1, "exit_code", 1));
    harness.applyLifecycle(
        "job.submitted",
        at.plusSeconds(3),
        data(
            "job_id",
            "os-doomed",
            "service",
            SERVICE,
            "depends_on",
            List.of(Map.of("job_id", "os-failed"))));
    harness.applyLifecycle(
        "job.submitted",
        at.plusSeconds(4),
        data(
            "job_id",
            "os-chain",
            "service",
            SERVICE,
            "depends_on",
            List.of(Map.of("job_id", "os-doomed"))));
    harness.applyLifecycle(
        "job.submitted",
        at.plusSeconds(5),
        data(
            "job_id",
            "os-typo",
            "service",
            SERVICE,
            "depends_on",
            List.of(Map.of("job_id", "os-never-published"))));
    harness.applyLifecycle(
        "job.submitted", at.plusSeconds(6), data("job_id", "os-running", "service", SERVICE));
    harness.applyLifecycle(
        "job.started",
        at.plusSeconds(7),
        data("job_id", "os-running", "runner", "r1", "attempt", 1));
  }

  /** 30,000 terminal jobs in 3 services, a chain of dependencies, 5,000 replayed dead letters. */
  private void storeAYearOfTerminalJobs() {
    harness
        .jdbi()
        .useHandle(
            handle -> {
              handle.execute(
                  """
                  INSERT INTO jobs (job_id, service, state, attempt, submitted_at, finished_at,
                                    updated_at)
                  SELECT 'bulk-' || lpad(n::text, 5, '0'), 'bulk-' || (n % 3),
                         CASE WHEN n % 10 = 0 THEN 'failed' ELSE 'succeeded' END, 1,
                         now() - interval '100 days', now() - interval '99 days',
                         now() - interval '99 days'
                    FROM generate_series(0, 29999) AS n
                  """);
              handle.execute(
                  """
                  INSERT INTO job_dependencies (job_id, depends_on, accept)
                  SELECT 'bulk-' || lpad(n::text, 5, '0'), 'bulk-' || lpad((n - 1)::text, 5, '0'),
                         '{succeeded}'
                    FROM generate_series(1, 29999) AS n
                  """);
              handle.execute(
                  """
                  INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, reason,
                                            replayed_at)
                  SELECT 'open-state-letters', 0, n, 'not JSON',
                         CASE WHEN n > 3 THEN now() END
                    FROM generate_series(1, 5003) AS n
                  """);
              handle.execute("ANALYZE");
            });
  }

  private Scrape refreshAndScrape() {
    app.refreshState();
    return Scrape.metrics(app.httpPort());
  }

  /** Exported job, unsatisfiable, stuck and dead-letter values equal docs/operators.md's SQL. */
  private void assertCountsMatchReference(Scrape scrape) {
    List<Map<String, Object>> jobs =
        harness.rows(
            "SELECT coalesce(service, 'unknown') AS service, state, count(*) AS n"
                + " FROM jobs GROUP BY 1, 2");
    assertThat(jobs).isNotEmpty();
    for (Map<String, Object> row : jobs) {
      assertThat(
              scrape.value(
                  "jobwatch_jobs",
                  "service",
                  (String) row.get("service"),
                  "state",
                  (String) row.get("state")))
          .as("jobs of %s", row)
          .isEqualTo(((Number) row.get("n")).doubleValue());
    }
    // Every state of a service with jobs is there, 0 when it has none (docs/operators.md).
    long services = jobs.stream().map(row -> row.get("service")).distinct().count();
    assertThat(scrape.samples("jobwatch_jobs")).hasSize((int) services * 8);
    assertThat(
            scrape.samples("jobwatch_jobs").stream().filter(sample -> sample.value() != 0).count())
        .isEqualTo(jobs.size());
    assertByService(
        scrape,
        "jobwatch_jobs_unsatisfiable",
        "SELECT coalesce(j.service, 'unknown') AS service, count(DISTINCT w.job_id) AS n"
            + " FROM job_waits w JOIN jobs j ON j.job_id = w.job_id"
            + " WHERE w.job_unsatisfiable GROUP BY 1");
    assertByService(
        scrape,
        "jobwatch_jobs_stuck_waiting",
        "SELECT coalesce(service, 'unknown') AS service, count(*) AS n FROM stuck_jobs GROUP BY 1");
    List<Map<String, Object>> letters =
        harness.rows(
            "SELECT topic, count(*) AS n FROM dead_letters WHERE replayed_at IS NULL GROUP BY 1");
    for (Map<String, Object> row : letters) {
      assertThat(scrape.value("jobwatch_dead_letters", "topic", (String) row.get("topic")))
          .isEqualTo(((Number) row.get("n")).doubleValue());
    }
    assertThat(scrape.samples("jobwatch_dead_letters")).hasSize(letters.size());
  }

  private void assertByService(Scrape scrape, String metric, String reference) {
    List<Map<String, Object>> rows = harness.rows(reference);
    for (Map<String, Object> row : rows) {
      assertThat(scrape.value(metric, "service", (String) row.get("service")))
          .as("%s of %s", metric, row)
          .isEqualTo(((Number) row.get("n")).doubleValue());
    }
    assertThat(scrape.samples(metric)).as(metric).hasSize(rows.size());
  }

  /**
   * The big tables that {@code sql}'s plan reads with a sequential scan, and the functions it calls
   * as a scan (not inlined).
   */
  private List<String> fullScans(String sql) throws Exception {
    String plan =
        harness
            .jdbi()
            .withHandle(
                handle ->
                    handle.createQuery("EXPLAIN (FORMAT JSON) " + sql).mapTo(String.class).one());
    List<String> scanned = new ArrayList<>();
    collectSeqScans(JSON.readTree(plan).get(0).get("Plan"), scanned);
    return scanned;
  }

  private static void collectSeqScans(JsonNode node, List<String> scanned) {
    String relation = node.path("Relation Name").asText("");
    if (node.path("Node Type").asText().equals("Seq Scan") && BIG_TABLES.contains(relation)) {
      scanned.add(relation);
    }
    // A function the planner did not inline (dependency_of, V18) hides what it reads.
    if (node.path("Node Type").asText().equals("Function Scan")) {
      scanned.add("function " + node.path("Function Name").asText());
    }
    for (JsonNode child : node.path("Plans")) {
      collectSeqScans(child, scanned);
    }
  }
}
