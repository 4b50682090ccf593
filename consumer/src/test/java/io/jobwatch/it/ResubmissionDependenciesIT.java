package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static io.jobwatch.it.Envelopes.dependency;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A job submitted twice (two event ids, two times: a scheduler that re-sends its submission with
 * other dependencies) waits on what its submission in force declares, the earliest one, whatever
 * the order the two arrive in: the brief's "any permutation of a job's events folds to the same
 * row" holds for its dependency edges too. The edges of a submission that an earlier-timed one
 * arriving later displaces go, and a changed {@code accept} is taken.
 */
@WithInfra
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResubmissionDependenciesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private Harness harness;
  private JobwatchApp app;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  @BeforeAll
  void start(Infra infra) {
    harness = new Harness(infra, 1);
    app = harness.startApp();
    Harness.await("the consumer", WAIT, app::isReady);
  }

  @AfterAll
  void stop() {
    app.close();
    harness.close();
  }

  private Instant minutesAgo(long minutes) {
    return now.minus(Duration.ofMinutes(minutes));
  }

  private String submit(String job, Instant at, Object... dependencies) {
    return harness.applyLifecycle(
        "job.submitted",
        at,
        dependencies.length == 0
            ? data("job_id", job, "service", "resub")
            : data("job_id", job, "service", "resub", "depends_on", List.of(dependencies)));
  }

  private List<String> edges(String job) {
    List<String> result = new ArrayList<>();
    for (Map<String, Object> row :
        harness.rows(
            "SELECT depends_on, array_to_string(accept, ',') AS accept, status FROM job_waits"
                + " WHERE job_id = :p0 ORDER BY depends_on",
            job)) {
      result.add(row.get("depends_on") + "[" + row.get("accept") + "] " + row.get("status"));
    }
    return result;
  }

  @Test
  @DisplayName("Other dependencies: the earliest submission's, in either arrival order")
  void otherDependsOnInEitherOrder() {
    submit("late-first", minutesAgo(30), dependency("x"));
    String displacing = submit("late-first", minutesAgo(40), dependency("y"));
    String first = submit("early-first", minutesAgo(40), dependency("y"));
    String ignored = submit("early-first", minutesAgo(30), dependency("x"));

    assertThat(harness.outcome(displacing)).isEqualTo("applied");
    assertThat(harness.outcome(first)).isEqualTo("applied");
    assertThat(harness.outcome(ignored)).isEqualTo("ignored");
    // y was never seen, and the job was submitted more than stuck_after (10 min) ago: unknown.
    assertThat(edges("early-first")).containsExactly("y[succeeded] unknown");
    assertThat(edges("late-first")).isEqualTo(edges("early-first"));
  }

  @Test
  @DisplayName("Another accept for the same dependency, and no dependencies at all")
  void changedAcceptAndNoDependencies() {
    submit("dep", minutesAgo(50));
    harness.applyLifecycle(
        "job.finished", minutesAgo(45), data("job_id", "dep", "attempt", 1, "exit_code", 1));
    submit("accept-late-first", minutesAgo(30), dependency("dep"));
    submit("accept-late-first", minutesAgo(40), dependency("dep", "succeeded", "failed"));
    submit("accept-early-first", minutesAgo(40), dependency("dep", "succeeded", "failed"));
    submit("accept-early-first", minutesAgo(30), dependency("dep"));
    assertThat(edges("accept-early-first")).containsExactly("dep[succeeded,failed] satisfied");
    assertThat(edges("accept-late-first")).isEqualTo(edges("accept-early-first"));

    submit("none-late-first", minutesAgo(30), dependency("x"));
    submit("none-late-first", minutesAgo(40));
    assertThat(edges("none-late-first")).isEmpty();
    assertThat(harness.job("none-late-first").get("state")).isEqualTo("submitted");
  }

  private void submitInCycleService(String job, Instant at, String dependency) {
    harness.applyLifecycle(
        "job.submitted",
        at,
        data(
            "job_id",
            job,
            "service",
            "resub-cycle",
            "depends_on",
            List.of(dependency(dependency))));
  }

  @Test
  @DisplayName(
      "Through Kafka and /metrics: a cycle of submitted jobs counts in jobwatch_jobs_unsatisfiable"
          + " with the job waiting on it; an earlier submission in force that drops the edge"
          + " closing the cycle clears them all")
  void aCycleIsUnsatisfiableUntilAResubmissionBreaksIt() {
    submitInCycleService("cycle-a", minutesAgo(20), "cycle-b");
    submitInCycleService("cycle-b", minutesAgo(20), "cycle-c");
    submitInCycleService("cycle-c", minutesAgo(20), "cycle-a");
    submitInCycleService("after-cycle", minutesAgo(20), "cycle-a");
    app.refreshState();
    assertThat(
            Scrape.metrics(app.httpPort())
                .value("jobwatch_jobs_unsatisfiable", "service", "resub-cycle"))
        .isEqualTo(4.0);
    assertThat(edges("cycle-c")).containsExactly("cycle-a[succeeded] invalid");
    assertThat(edges("after-cycle")).containsExactly("cycle-a[succeeded] unsatisfiable");

    // The scheduler's submission of cycle-c in force (earlier) waits on a job that runs instead.
    harness.applyLifecycle(
        "job.submitted", minutesAgo(30), data("job_id", "upstream", "service", "resub-cycle"));
    harness.applyLifecycle(
        "job.started", minutesAgo(29), data("job_id", "upstream", "runner", "r1", "attempt", 1));
    submitInCycleService("cycle-c", minutesAgo(25), "upstream");
    app.refreshState();
    assertThat(
            Scrape.metrics(app.httpPort())
                .samples("jobwatch_jobs_unsatisfiable", "service", "resub-cycle"))
        .isEmpty();
    assertThat(edges("cycle-c")).containsExactly("upstream[succeeded] waiting");
    assertThat(edges("cycle-a")).containsExactly("cycle-b[succeeded] waiting");
  }
}
