package io.jobwatch.core;

import static io.jobwatch.core.Events.cancelled;
import static io.jobwatch.core.Events.finished;
import static io.jobwatch.core.Events.needs;
import static io.jobwatch.core.Events.queued;
import static io.jobwatch.core.Events.started;
import static io.jobwatch.core.Events.submitted;
import static io.jobwatch.core.Events.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Dependencies between jobs")
class DependenciesTest {

  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);
  private static final Instant NOW = t(3600);

  /** The jobs table of one test, in insertion order, each row folded from its events. */
  private final Map<String, JobRow> jobs = new LinkedHashMap<>();

  private void job(JobEvent... events) {
    JobRow row = JobFold.fold(List.of(events)).row();
    jobs.put(row.jobId(), row);
  }

  private static JobEvent submittedNeeding(String jobId, JobChange.Dependency... dependencies) {
    return submitted(jobId + "-s", 0, jobId, List.of(dependencies));
  }

  private Map<String, Dependencies.Verdict> evaluate(Instant now) {
    return Dependencies.evaluate(jobs, now, TEN_MINUTES);
  }

  @Test
  @DisplayName("Needing succeeded of a cancelled job is unsatisfiable, and so is its own dependant")
  void cancelledDependencyPropagates() {
    job(submitted("a-s", 0, "a", List.of()), cancelled("a-c", 10, "a"));
    job(submittedNeeding("b", needs("a")));
    job(submittedNeeding("c", needs("b")));

    Map<String, Dependencies.Verdict> verdicts = evaluate(NOW);

    assertThat(verdicts).containsOnlyKeys("b", "c");
    assertThat(verdicts.get("b").unsatisfiable()).isTrue();
    assertThat(verdicts.get("b").edges())
        .extracting(
            Dependencies.Edge::dependsOn,
            Dependencies.Edge::dependencyState,
            Dependencies.Edge::status)
        .containsExactly(tuple("a", JobState.CANCELLED, DependencyStatus.UNSATISFIABLE));
    assertThat(verdicts.get("c").unsatisfiable()).isTrue();
    assertThat(verdicts.get("c").edges())
        .extracting(
            Dependencies.Edge::dependsOn,
            Dependencies.Edge::dependencyState,
            Dependencies.Edge::status)
        .containsExactly(tuple("b", JobState.SUBMITTED, DependencyStatus.UNSATISFIABLE));
    assertThat(verdicts.get("c").waitingOn()).isEmpty();
  }

  @Test
  @DisplayName("With cancelled accepted, a cancelled dependency satisfies the job")
  void acceptedCancelledSatisfies() {
    job(submitted("a-s", 0, "a", List.of()), cancelled("a-c", 10, "a"));
    job(submittedNeeding("b", needs("a", JobState.SUCCEEDED, JobState.CANCELLED)));

    Dependencies.Verdict verdict = evaluate(t(20)).get("b");

    assertThat(verdict.unsatisfiable()).isFalse();
    assertThat(verdict.stuck()).isFalse();
    assertThat(verdict.edges())
        .extracting(Dependencies.Edge::accept, Dependencies.Edge::status)
        .containsExactly(
            tuple(List.of(JobState.SUCCEEDED, JobState.CANCELLED), DependencyStatus.SATISFIED));
  }

  @Test
  @DisplayName("A self-dependency gives an INVALID edge and a job that can never run")
  void selfDependencyIsInvalid() {
    job(submittedNeeding("d", needs("d")));

    Dependencies.Verdict verdict = evaluate(NOW).get("d");

    assertThat(verdict.edges())
        .extracting(
            Dependencies.Edge::jobId, Dependencies.Edge::dependsOn, Dependencies.Edge::status)
        .containsExactly(tuple("d", "d", DependencyStatus.INVALID));
    assertThat(verdict.unsatisfiable()).isTrue();
    assertThat(verdict.stuck()).isFalse();
  }

  @Test
  @DisplayName(
      "A job still pending ten minutes and one second after its last dependency ended is stuck")
  void stuckAfterTenMinutes() {
    job(
        submitted("a-s", 0, "a", List.of()),
        started("a-r", 10, "a", 1),
        finished("a-f", 100, "a", 1, 0));
    job(
        submitted("e-s", 0, "e", List.of()),
        started("e-r", 10, "e", 1),
        finished("e-f", 160, "e", 1, 0));
    job(submittedNeeding("b", needs("a"), needs("e")), queued("b-q", 1, "b"));

    Instant lastEnded = t(160);
    Dependencies.Verdict atNine = evaluate(lastEnded.plus(Duration.ofMinutes(9))).get("b");
    Dependencies.Verdict atTen = evaluate(lastEnded.plus(TEN_MINUTES)).get("b");
    Dependencies.Verdict afterTen = evaluate(lastEnded.plus(TEN_MINUTES).plusSeconds(1)).get("b");
    Dependencies.Verdict tenAfterFirstOnly =
        evaluate(t(100).plus(TEN_MINUTES).plusSeconds(1)).get("b");

    assertThat(atNine.stuck()).isFalse();
    assertThat(atTen.stuck()).isFalse();
    assertThat(afterTen.stuck()).isTrue();
    assertThat(tenAfterFirstOnly.stuck()).isFalse();
    assertThat(afterTen.unsatisfiable()).isFalse();
    assertThat(afterTen.waitingOn()).isEmpty();
  }

  @Test
  @DisplayName("A job that already runs is never stuck, however long ago its dependency ended")
  void runningJobIsNotStuck() {
    job(submitted("a-s", 0, "a", List.of()), finished("a-f", 100, "a", 1, 0));
    job(submittedNeeding("b", needs("a")), started("b-r", 200, "b", 1));

    assertThat(evaluate(t(100_000)).get("b").stuck()).isFalse();
  }

  @Test
  @DisplayName("waitingOn lists the edges still waiting, with the dependency's state")
  void waitingOnListsEdgesWithState() {
    job(submitted("a-s", 0, "a", List.of()), started("a-r", 10, "a", 1));
    job(submitted("f-s", 0, "f", List.of()), finished("f-f", 20, "f", 1, 0));
    job(submittedNeeding("b", needs("a"), needs("f"), needs("ghost", JobState.FAILED)));

    Dependencies.Verdict verdict = evaluate(NOW).get("b");

    assertThat(verdict.waitingOn())
        .extracting(
            Dependencies.Edge::jobId,
            Dependencies.Edge::dependsOn,
            Dependencies.Edge::accept,
            Dependencies.Edge::dependencyState)
        .containsExactly(
            tuple("b", "a", List.of(JobState.SUCCEEDED), JobState.RUNNING),
            tuple("b", "ghost", List.of(JobState.FAILED), null));
    assertThat(verdict.edges()).hasSize(3);
    assertThat(verdict.unsatisfiable()).isFalse();
    assertThat(verdict.stuck()).isFalse();
  }

  @Test
  @DisplayName(
      "Unsatisfiability propagates into a cycle whatever the order the jobs are evaluated in")
  void unsatisfiabilityPropagatesIntoCycleRegardlessOfOrder() {
    job(submittedNeeding("d", needs("e")));
    job(submittedNeeding("e", needs("d"), needs("f")));
    job(submitted("f-s", 0, "f", List.of()), cancelled("f-c", 10, "f"));

    Map<String, Dependencies.Verdict> verdicts = evaluate(NOW);

    assertThat(verdicts.get("e").unsatisfiable()).isTrue();
    assertThat(verdicts.get("d").edges())
        .extracting(Dependencies.Edge::status)
        .containsExactly(DependencyStatus.UNSATISFIABLE);
    assertThat(verdicts.get("d").unsatisfiable()).isTrue();
  }
}
