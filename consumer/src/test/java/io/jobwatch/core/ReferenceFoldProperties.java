package io.jobwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.job.BatchPlanner;
import io.jobwatch.core.job.Blame;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.job.JobRow;
import io.jobwatch.core.job.JobState;
import io.jobwatch.core.job.PlannerModel;
import io.jobwatch.core.job.ReferenceJobFold;
import io.jobwatch.core.stage.ErrorClassifier;
import io.jobwatch.core.stage.ReferenceStageFold;
import io.jobwatch.core.stage.StageFold;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import io.jobwatch.core.stage.StagePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Issue 9 point 8: the real folds compared with deliberately simple reference folds on generated
 * histories, so the real folds are not their own oracles. Histories include attempts whose events
 * are skewed before their requeue, timestamps far in the future, and stage histories longer than
 * the window.
 */
@Label("Real folds against the reference folds")
class ReferenceFoldProperties {

  private static final StageKey START = Events.stage("start");
  private static final StageKey SUBMIT = Events.stage("submit");

  @Property(tries = 1000)
  @Label("The job fold agrees with the reference fold on skewed histories")
  void jobFoldAgreesWithReference(@ForAll("skewedHistories") List<JobEvent> events) {
    JobFold.Result real = JobFold.fold(events);
    ReferenceJobFold.Outcome expected = ReferenceJobFold.fold(events);
    JobRow row = real.row();

    Statistics.label("state").collect(row.state());
    Statistics.label("attempt").collect(row.attempt());
    assertThat(row.state()).as("state").isEqualTo(expected.state());
    assertThat(row.attempt()).as("attempt").isEqualTo(expected.attempt());
    assertThat(row.runner()).as("runner").isEqualTo(expected.runner());
    assertThat(row.exitCode()).as("exit code").isEqualTo(expected.exitCode());
    assertThat(row.blame()).as("blame").isEqualTo(expected.blame());
    assertThat(row.cause()).as("cause").isEqualTo(expected.cause());
    assertThat(row.startedAt()).as("started_at").isEqualTo(expected.startedAt());
    assertThat(row.finishedAt()).as("finished_at").isEqualTo(expected.finishedAt());
    assertThat(row.runtime().errorSummary()).as("runtime error").isEqualTo(expected.runtimeError());
    assertThat(real.ignoredEventIds()).as("ignored").isEqualTo(expected.ignored());
    assertThat(real.crashes()).as("crashes").isEqualTo(expected.crashes());
    assertThat(evidence(real.stageEvidence())).as("evidence").isEqualTo(expected.evidence());
  }

  @Property(tries = 500)
  @Label(
      "Issue 11.3: folding incrementally from stored fold states and snapshots, over any arrival"
          + " order, batching and duplication, stores the reference rows, outcomes, crash rows and"
          + " evidence")
  void incrementalFoldingAgreesWithReference(
      @ForAll("jobGroups") List<List<JobEvent>> jobs,
      @ForAll @IntRange(min = 1, max = 4) int snapshotEvery,
      @ForAll("forgetting") int forgetAfterBatch,
      @ForAll Random random) {
    List<JobEvent> all = new ArrayList<>();
    jobs.forEach(all::addAll);
    Collections.shuffle(all, random);
    PlannerModel model = new PlannerModel(snapshotEvery);
    int from = 0;
    int batches = 0;
    while (from < all.size()) {
      int to = Math.min(all.size(), from + 1 + random.nextInt(4));
      List<JobEvent> batch = new ArrayList<>(all.subList(from, to));
      if (random.nextInt(4) == 0) {
        batch.add(all.get(random.nextInt(to))); // a redelivery, of this batch or an earlier one
      }
      model.deliver(batch);
      from = to;
      if (++batches == forgetAfterBatch) {
        model.forgetStates(); // a database migrated from before fold states
      }
    }

    Statistics.label("refolds from a snapshot")
        .collect(model.refolds(BatchPlanner.Refold.SNAPSHOT) > 0);
    Statistics.label("refolds from the start")
        .collect(model.refolds(BatchPlanner.Refold.START) > 0);
    Set<String> expectedEvidence = new TreeSet<>();
    for (List<JobEvent> job : jobs) {
      String jobId = job.get(0).jobId();
      ReferenceJobFold.Outcome expected = ReferenceJobFold.fold(job);
      JobRow row = model.row(jobId);
      assertThat(row.state()).as("state").isEqualTo(expected.state());
      assertThat(row.attempt()).as("attempt").isEqualTo(expected.attempt());
      assertThat(row.runner()).as("runner").isEqualTo(expected.runner());
      assertThat(row.exitCode()).as("exit code").isEqualTo(expected.exitCode());
      assertThat(row.blame()).as("blame").isEqualTo(expected.blame());
      assertThat(row.cause()).as("cause").isEqualTo(expected.cause());
      assertThat(row.startedAt()).as("started_at").isEqualTo(expected.startedAt());
      assertThat(row.finishedAt()).as("finished_at").isEqualTo(expected.finishedAt());
      assertThat(row.runtime().errorSummary())
          .as("runtime error")
          .isEqualTo(expected.runtimeError());
      assertThat(model.ignored(jobId)).as("stored as ignored").isEqualTo(expected.ignored());
      assertThat(model.crashRows(jobId)).as("crash rows").isEqualTo(expected.crashes());
      if (model.state(jobId) != null) { // null only when forgotten after the last batch
        assertThat(model.state(jobId).position().folded())
            .as("events folded")
            .isEqualTo(job.size());
      }
      expectedEvidence.addAll(expected.evidence());
    }
    assertThat(model.evidence().values())
        .as("evidence added once, withdrawn once")
        .allMatch(count -> count == 0 || count == 1);
    List<StageObservation> standing = new ArrayList<>();
    model
        .evidence()
        .forEach(
            (observation, count) -> {
              if (count == 1) {
                standing.add(observation);
              }
            });
    assertThat(evidence(standing)).as("standing evidence").isEqualTo(expectedEvidence);
  }

  /** After which batch the model forgets its fold states; mostly never. */
  @Provide
  Arbitrary<Integer> forgetting() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(-1)), Tuple.of(1, Arbitraries.integers().between(1, 6)));
  }

  @Property(tries = 500)
  @Label(
      "Over more than a window of observations in time-ordered batches, the stage fold agrees"
          + " with the windowless reference")
  void stageFoldAgreesWithReferencePastTheWindow(
      @ForAll("longStageHistories") List<StageObservation> observations,
      @ForAll("policies") StagePolicy policy,
      @ForAll Random random) {
    StageHealth real = null;
    int from = 0;
    while (from < observations.size()) {
      int to = Math.min(observations.size(), from + 1 + random.nextInt(8));
      List<StageObservation> batch = new ArrayList<>(observations.subList(from, to));
      Collections.shuffle(batch, random);
      real = StageFold.apply(real, START, batch, policy);
      from = to;
    }
    ReferenceStageFold.Outcome expected = ReferenceStageFold.fold(observations, policy);

    Statistics.label("severity").collect(real.severity());
    assertThat(real.recent()).hasSizeLessThanOrEqualTo(policy.window());
    assertThat(real.severity()).as("severity").isEqualTo(expected.severity());
    assertThat(real.since()).as("since").isEqualTo(expected.since());
    assertThat(real.consecutiveErrors())
        .as("consecutive errors (the window bounds them)")
        .isEqualTo(expected.runErrorsInWindow());
    assertThat(real.okCount()).as("ok count").isEqualTo(expected.okCount());
    assertThat(real.errorCount()).as("error count").isEqualTo(expected.errorCount());
    assertThat(real.lastOkAt()).as("last ok").isEqualTo(expected.lastOkAt());
  }

  @Property(tries = 300)
  @Label(
      "Lifecycle-derived start and submit health, after any interleaving and batching of several"
          + " jobs' events, is the reference fold of the reference evidence")
  void lifecycleStageHealthAgreesWithReference(
      @ForAll("jobGroups") List<List<JobEvent>> jobs, @ForAll Random random) {
    List<JobEvent> all = new ArrayList<>();
    jobs.forEach(all::addAll);
    Collections.shuffle(all, random);
    PipelineModel pipeline = new PipelineModel(StagePolicy.defaults());
    int from = 0;
    while (from < all.size()) {
      int to = Math.min(all.size(), from + 1 + random.nextInt(4));
      pipeline.deliver(all.subList(from, to));
      from = to;
    }

    for (StageKey key : List.of(START, SUBMIT)) {
      List<StageObservation> expectedEvidence = new ArrayList<>();
      for (List<JobEvent> job : jobs) {
        expectedEvidence.addAll(referenceEvidence(job, key));
      }
      StageHealth real = pipeline.stage(key);
      if (expectedEvidence.isEmpty()) {
        assertThat(real == null || real.recent().isEmpty()).as(key + " has no evidence").isTrue();
        continue;
      }
      ReferenceStageFold.Outcome expected =
          ReferenceStageFold.fold(expectedEvidence, StagePolicy.defaults());
      Statistics.label(key.stage() + " severity").collect(real.severity());
      assertThat(real.severity()).as(key + " severity").isEqualTo(expected.severity());
      assertThat(real.since()).as(key + " since").isEqualTo(expected.since());
      assertThat(real.okCount()).as(key + " oks").isEqualTo(expected.okCount());
      assertThat(real.errorCount()).as(key + " errors").isEqualTo(expected.errorCount());
      assertThat(real.lastOkAt()).as(key + " last ok").isEqualTo(expected.lastOkAt());
      assertThat(real.consecutiveErrors())
          .as(key + " consecutive errors")
          .isEqualTo(expected.consecutiveErrors());
    }
  }

  @Property(tries = 200)
  @Label("The reference and the real fold agree on the issue's example at any millisecond skew")
  void skewedStartOfTheNextAttempt(@ForAll @IntRange(min = 1, max = 3_600_000) int skewMillis) {
    Instant requeuedAt = Events.t(100);
    Instant startedAt = requeuedAt.minusMillis(skewMillis);
    List<JobEvent> events =
        List.of(
            Events.submitted("s", 0),
            Events.started("r1", 1, 1),
            new JobEvent("rq", requeuedAt, Events.JOB, null, new JobChange.Requeued(2, null)),
            new JobEvent(
                "r2", startedAt, Events.JOB, null, new JobChange.Started("slurm", 2, null, null)),
            new JobEvent(
                "st",
                requeuedAt.plusSeconds(1),
                Events.JOB,
                null,
                new JobChange.Status(2, "disk full", null, null, null)),
            new JobEvent(
                "f2", requeuedAt.plusSeconds(2), Events.JOB, null, new JobChange.Finished(2, 0)));

    JobRow row = JobFold.fold(events).row();

    assertThat(row.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(row.attempt()).isEqualTo(2);
    assertThat(row.startedAt()).isEqualTo(startedAt);
    assertThat(row.runtime().error()).isEqualTo("disk full");
    assertThat(ReferenceJobFold.fold(events).state()).isEqualTo(JobState.SUCCEEDED);
  }

  private static Set<String> evidence(List<StageObservation> observations) {
    Set<String> described = new TreeSet<>();
    for (StageObservation observation : observations) {
      described.add(
          observation.eventId()
              + " "
              + observation.key().stage()
              + (observation.ok() ? " ok " : " error ")
              + observation.key().runner());
    }
    return described;
  }

  /**
   * The reference evidence of one job for one stage, as observations at their events' times, with
   * the rule "attempts come first" (docs/operators.md, stage evidence): an observation of a later
   * attempt timed at or before one of an earlier attempt is observed 1 ns after the latest of them.
   */
  private static List<StageObservation> referenceEvidence(List<JobEvent> job, StageKey key) {
    record Seen(JobEvent event, int attempt, boolean ofThisStage, boolean ok) {}
    List<Seen> standing = new ArrayList<>();
    for (String described : ReferenceJobFold.fold(job).evidence()) {
      String[] parts = described.split(" ");
      JobEvent event = job.stream().filter(e -> e.id().equals(parts[0])).findFirst().orElseThrow();
      boolean ofThisStage = parts[1].equals(key.stage()) && parts[3].equals(key.runner());
      standing.add(
          new Seen(
              event, ReferenceJobFold.attemptOf(event, job), ofThisStage, parts[2].equals("ok")));
    }
    standing.sort(
        Comparator.comparingInt(Seen::attempt)
            .thenComparing(seen -> seen.event().time())
            .thenComparing(seen -> seen.event().id()));
    List<StageObservation> observations = new ArrayList<>();
    Instant latestOfEarlierAttempts = null;
    Instant latest = null;
    int attempt = 0;
    for (Seen seen : standing) {
      if (seen.attempt() > attempt) {
        latestOfEarlierAttempts = latest;
        attempt = seen.attempt();
      }
      Instant time = seen.event().time();
      if (latestOfEarlierAttempts != null && !time.isAfter(latestOfEarlierAttempts)) {
        time = latestOfEarlierAttempts.plusNanos(1);
      }
      latest = latest == null || time.isAfter(latest) ? time : latest;
      if (!seen.ofThisStage()) {
        continue;
      }
      observations.add(
          seen.ok()
              ? StageObservation.ok(seen.event().id(), time, key)
              : StageObservation.error(
                  seen.event().id(), time, key, "NotStarted", "", seen.event().jobId(), null));
    }
    return observations;
  }

  /**
   * One job: a submission, then 2 to 14 events of attempts 1 to 3. Times are seconds 0 to 20 plus a
   * millisecond skew, and one event in ten is far in the future (a runner with a wrong clock).
   */
  @Provide
  Arbitrary<List<JobEvent>> skewedHistories() {
    return histories(Events.JOB, 14);
  }

  /** Two to six jobs on one service and runner, with up to 6 events each after the submission. */
  @Provide
  Arbitrary<List<List<JobEvent>>> jobGroups() {
    return Arbitraries.integers()
        .between(2, 6)
        .flatMap(
            count -> {
              List<Arbitrary<List<JobEvent>>> jobs = new ArrayList<>();
              for (int i = 0; i < count; i++) {
                jobs.add(histories("job-" + i, 6));
              }
              return Combinators.combine(jobs).as(list -> list);
            });
  }

  private static Arbitrary<List<JobEvent>> histories(String jobId, int maxEvents) {
    Arbitrary<Instant> time =
        Arbitraries.frequencyOf(
            Tuple.of(
                9,
                Combinators.combine(
                        Arbitraries.integers().between(0, 20), Arbitraries.of(0, 0, 0, 1, 50, 999))
                    .as((seconds, millis) -> Events.t(seconds).plusMillis(millis))),
            Tuple.of(
                1,
                Arbitraries.of(Duration.ofHours(1), Duration.ofDays(400))
                    .map(ahead -> Events.t(10).plus(ahead))));
    Arbitrary<JobChange> change =
        Arbitraries.frequencyOf(
            Tuple.of(3, queued()),
            Tuple.of(1, Arbitraries.of("dependencies", "locks").map(JobChange.Waiting::new)),
            Tuple.of(4, started()),
            Tuple.of(3, status()),
            Tuple.of(4, finished()),
            Tuple.of(2, crashed()),
            Tuple.of(1, Arbitraries.just(new JobChange.Cancelled("withdrawn"))),
            Tuple.of(2, attempt().map(a -> (JobChange) new JobChange.Requeued(a, null))));
    Arbitrary<List<Tuple.Tuple2<JobChange, Instant>>> rest =
        Combinators.combine(change, time).as(Tuple::of).list().ofMinSize(1).ofMaxSize(maxEvents);
    return Combinators.combine(Arbitraries.integers().between(0, 20), maybeRunner(0.7), rest)
        .as(
            (submittedAt, submittedRunner, others) -> {
              List<JobEvent> events = new ArrayList<>();
              events.add(
                  new JobEvent(
                      jobId + "-e0",
                      Events.t(submittedAt),
                      jobId,
                      Events.SERVICE,
                      new JobChange.Submitted(submittedRunner, null, null, null, Map.of())));
              for (int i = 0; i < others.size(); i++) {
                events.add(
                    new JobEvent(
                        jobId + "-e" + (i + 1),
                        others.get(i).get2(),
                        jobId,
                        null,
                        others.get(i).get1()));
              }
              return events;
            });
  }

  private static Arbitrary<Integer> attempt() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.just(1)),
        Tuple.of(3, Arbitraries.just(2)),
        Tuple.of(1, Arbitraries.just(3)));
  }

  private static Arbitrary<JobChange> queued() {
    return Combinators.combine(Arbitraries.just("slurm").injectNull(0.3), attempt().injectNull(0.5))
        .as(JobChange.Queued::new);
  }

  private static Arbitrary<JobChange> started() {
    return attempt().map(a -> new JobChange.Started("slurm", a, "node-1", null));
  }

  private static Arbitrary<JobChange> status() {
    return Combinators.combine(attempt(), Arbitraries.of("disk full", "slow").injectNull(0.4))
        .as((a, error) -> new JobChange.Status(a, error, null, null, null));
  }

  /** The runner of the group, or (with probability {@code none}) none. */
  private static Arbitrary<String> maybeRunner(double none) {
    return Arbitraries.just("slurm").injectNull(none);
  }

  private static Arbitrary<JobChange> finished() {
    return Combinators.combine(
            maybeRunner(0.5),
            attempt(),
            Arbitraries.of(0, 1, 2, 126, 127, 128, 129, 137, 143, 192, 193, 255, -1))
        .as(JobChange.Finished::new);
  }

  private static Arbitrary<JobChange> crashed() {
    return Combinators.combine(
            maybeRunner(0.5),
            attempt(),
            Arbitraries.of(Blame.class).injectNull(0.2),
            Arbitraries.of("oom", "network", "not_started"))
        .as(
            (runner, a, blame, cause) ->
                new JobChange.Crashed(runner, a, blame, cause, null, false));
  }

  /**
   * 33 to 120 observations (past the window of 32) in time order, ties included, with long runs of
   * errors and of successes.
   */
  @Provide
  Arbitrary<List<StageObservation>> longStageHistories() {
    Arbitrary<String> kind =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just("ok")),
            Tuple.of(4, Arbitraries.just("ConnectionError")),
            Tuple.of(1, Arbitraries.just("ValueError")),
            Tuple.of(1, Arbitraries.just("explicit-warning")));
    // Runs: each element repeats one kind 1 to 40 times, so runs longer than the window occur;
    // half of them are 1 to 3 long, so successes too few to recover fall inside runs of errors.
    Arbitrary<Integer> runLength =
        Arbitraries.oneOf(
            Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 40));
    Arbitrary<List<String>> runs =
        Combinators.combine(kind, runLength)
            .as((k, length) -> Collections.nCopies(length, k))
            .list()
            .ofMinSize(1)
            .ofMaxSize(24)
            .map(
                lists -> {
                  List<String> flat = new ArrayList<>();
                  lists.forEach(flat::addAll);
                  return flat;
                })
            .filter(flat -> flat.size() > StagePolicy.DEFAULT_WINDOW && flat.size() <= 160);
    return Combinators.combine(runs, Arbitraries.integers().between(0, 2).list().ofSize(160))
        .as(
            (kinds, steps) -> {
              List<StageObservation> observations = new ArrayList<>();
              long at = 0;
              for (int i = 0; i < kinds.size(); i++) {
                at += steps.get(i);
                String id = String.format("o%03d", i);
                observations.add(observation(id, kinds.get(i), at));
              }
              return observations;
            });
  }

  @Provide
  Arbitrary<StagePolicy> policies() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 3))
        .as(
            (errors, recovery) ->
                new StagePolicy(
                    errors, recovery, StagePolicy.DEFAULT_WINDOW, ErrorClassifier.defaults()));
  }

  private static StageObservation observation(String id, String kind, long at) {
    switch (kind) {
      case "ok":
        return Events.ok(id, at, START);
      case "explicit-warning":
        return Events.failure(id, at, START, "ValueError", Severity.WARNING);
      default:
        return Events.failure(id, at, START, kind);
    }
  }
}
