package io.jobwatch.core;

import static io.jobwatch.core.Events.cancelled;
import static io.jobwatch.core.Events.failure;
import static io.jobwatch.core.Events.finished;
import static io.jobwatch.core.Events.ok;
import static io.jobwatch.core.Events.requeued;
import static io.jobwatch.core.Events.started;
import static io.jobwatch.core.Events.submitted;
import static io.jobwatch.core.Events.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.stage.StageFold;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import io.jobwatch.core.stage.StagePolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 points 3 and 7: lifecycle-derived stage evidence follows the job's current fold, so a
 * start that turned out never to run, or an event a late earlier one made inapplicable, stops
 * counting as a success.
 */
@DisplayName("Stage evidence from lifecycle events (issue 9)")
@Label("Stage evidence from lifecycle events (issue 9)")
class StageEvidenceTest {

  private static final StageKey START = Events.stage("start");

  private static List<JobEvent> startedThenNotFound(String job, long at) {
    return List.of(
        submitted(job + "-s", at, job, List.of()),
        started(job + "-r", at + 1, job, 1),
        finished(job + "-f", at + 2, job, 1, 127));
  }

  @Test
  @DisplayName(
      "Three jobs that report job.started and exit 127 put start in error, even when every start"
          + " arrives before every exit")
  void threeStartedThenNotFoundAreAnError() {
    PipelineModel pipeline = new PipelineModel(StagePolicy.defaults());
    List<JobEvent> a = startedThenNotFound("a", 0);
    List<JobEvent> b = startedThenNotFound("b", 10);
    List<JobEvent> c = startedThenNotFound("c", 20);

    pipeline.deliverOneByOne(List.of(a.get(0), b.get(0), c.get(0), a.get(1), b.get(1), c.get(1)));
    assertThat(pipeline.stage(START).severity()).isEqualTo(Severity.OK);
    assertThat(pipeline.stage(START).okCount()).isEqualTo(3);
    pipeline.deliverOneByOne(List.of(a.get(2), b.get(2), c.get(2)));

    StageHealth start = pipeline.stage(START);
    assertThat(start.severity()).isEqualTo(Severity.ERROR);
    assertThat(start.since()).isEqualTo(t(22));
    assertThat(start.consecutiveErrors()).isEqualTo(3);
    assertThat(start.okCount()).isZero();
    assertThat(start.errorCount()).isEqualTo(3);
    assertThat(start.lastOkAt()).isNull();
    assertThat(start.recent())
        .extracting(StageHealth.Mark::eventId)
        .containsExactly("a-f", "b-f", "c-f");
  }

  @Property(tries = 300)
  @Label(
      "However three started-then-127 jobs interleave and batch, start ends in error since the"
          + " third exit")
  void anyInterleavingEndsInError(@ForAll Random random) {
    List<JobEvent> all = new ArrayList<>();
    all.addAll(startedThenNotFound("a", 0));
    all.addAll(startedThenNotFound("b", 10));
    all.addAll(startedThenNotFound("c", 20));
    Collections.shuffle(all, random);
    PipelineModel pipeline = new PipelineModel(StagePolicy.defaults());
    int from = 0;
    while (from < all.size()) {
      int to = from + 1 + random.nextInt(all.size() - from);
      pipeline.deliver(all.subList(from, to));
      from = to;
    }

    StageHealth start = pipeline.stage(START);
    assertThat(start.severity()).isEqualTo(Severity.ERROR);
    assertThat(start.since()).isEqualTo(t(22));
    assertThat(start.okCount()).isZero();
    assertThat(start.errorCount()).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "A late job.cancelled timed before job.started makes the start inapplicable: its success"
          + " is withdrawn from the stage")
  void lateEarlierCancelWithdrawsTheStartSuccess() {
    PipelineModel pipeline = new PipelineModel(StagePolicy.defaults());
    pipeline.deliver(List.of(submitted("s", 0), started("r", 5, 1)));
    assertThat(pipeline.stage(START).okCount()).isEqualTo(1);

    pipeline.deliver(List.of(cancelled("c", 3)));

    assertThat(pipeline.job(Events.JOB).ignoredEventIds()).containsExactly("r");
    StageHealth start = pipeline.stage(START);
    assertThat(start.okCount()).isZero();
    assertThat(start.recent()).isEmpty();
    assertThat(start.lastOkAt()).isNull();
  }

  @Test
  @DisplayName("Withdrawing the success between errors joins them into one run")
  void withdrawingASuccessJoinsTheErrorRuns() {
    StagePolicy policy = StagePolicy.defaults();
    StageHealth health =
        StageFold.apply(
            null,
            START,
            List.of(
                failure("e1", 1, START, "OSError"),
                failure("e2", 2, START, "OSError"),
                ok("o", 3, START),
                failure("e3", 4, START, "OSError")),
            policy);
    assertThat(health.severity()).isEqualTo(Severity.WARNING);

    StageHealth withdrawn =
        StageFold.apply(health, START, List.of(), List.of(ok("o", 3, START)), policy);

    assertThat(withdrawn.severity()).isEqualTo(Severity.ERROR);
    assertThat(withdrawn.since()).isEqualTo(t(4));
    assertThat(withdrawn.consecutiveErrors()).isEqualTo(3);
    assertThat(withdrawn.okCount()).isZero();
    assertThat(withdrawn.errorCount()).isEqualTo(3);
  }

  @Test
  @DisplayName("Withdrawing a success that already left the window takes it out of the counts only")
  void withdrawingAnEvictedSuccessChangesTheCountsOnly() {
    StagePolicy policy = StagePolicy.defaults();
    List<StageObservation> observations = new ArrayList<>();
    observations.add(ok("old", 0, START));
    for (int i = 1; i <= policy.window(); i++) {
      observations.add(failure("e" + i, i, START, "ValueError"));
    }
    StageHealth health = StageFold.apply(null, START, observations, policy);
    assertThat(health.recent()).extracting(StageHealth.Mark::eventId).doesNotContain("old");

    StageHealth withdrawn =
        StageFold.apply(health, START, List.of(), List.of(ok("old", 0, START)), policy);

    assertThat(withdrawn.okCount()).isZero();
    assertThat(withdrawn.errorCount()).isEqualTo(policy.window());
    assertThat(withdrawn.recent()).isEqualTo(health.recent());
    assertThat(withdrawn.severity()).isEqualTo(health.severity());
    assertThat(withdrawn.since()).isEqualTo(health.since());
  }

  @Test
  @DisplayName(
      "Attempts come first for evidence too: attempt 2's start, stamped by a clock behind"
          + " attempt 1's exit 127, is the start stage's latest word")
  void startOfTheNextAttemptFollowsTheExit127OfThePreviousOne() {
    // Runner A's clock is ahead: attempt 1 exits 127 at 20 s by it; attempt 2 is requeued at 15 s
    // and starts at 16 s by runner B's clock (within the skew bound).
    JobFold.Result result =
        JobFold.fold(
            List.of(
                submitted("s", 0),
                started("st1", 10, 1),
                requeued("rq2", 15, 2),
                started("st2", 16, 2),
                finished("f1", 20, 1, 127)));
    assertThat(result.row().attempt()).isEqualTo(2);
    assertThat(result.stageEvidence()).hasSize(2);

    StageHealth start =
        StageFold.apply(
            null, Events.stage("start"), result.stageEvidence(), StagePolicy.defaults());

    assertThat(start.severity()).isEqualTo(Severity.OK);
    assertThat(start.errorCount()).isEqualTo(1);
    assertThat(start.lastOkAt())
        .as("just after the error it follows")
        .isEqualTo(t(20).plusNanos(1));
  }
}
