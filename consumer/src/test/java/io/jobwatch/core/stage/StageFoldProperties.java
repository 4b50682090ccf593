package io.jobwatch.core.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.Events;
import io.jobwatch.core.Severity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/** The laws of the stage fold: batching and order within the window do not change the record. */
@Label("Stage fold laws")
class StageFoldProperties {

  private static final StageKey START = Events.stage("start");

  @Property(tries = 1000)
  @Label(
      "Any permutation split into any batches gives the severity, counts and run of applying all at once")
  void batchingDoesNotChangeSeverityOrCounts(
      @ForAll("observationLists") List<StageObservation> observations,
      @ForAll("policies") StagePolicy policy,
      @ForAll Random random) {
    StageHealth allAtOnce = StageFold.apply(null, START, observations, policy);
    StageHealth batched = inRandomBatches(observations, policy, random);

    Statistics.label("severity").collect(allAtOnce.severity());
    assertThat(batched.severity()).isEqualTo(allAtOnce.severity());
    assertThat(batched.errorCount()).isEqualTo(allAtOnce.errorCount());
    assertThat(batched.okCount()).isEqualTo(allAtOnce.okCount());
    assertThat(batched.consecutiveErrors()).isEqualTo(allAtOnce.consecutiveErrors());
    assertThat(batched.lastOkAt()).isEqualTo(allAtOnce.lastOkAt());
    assertThat(batched.lastErrorAt()).isEqualTo(allAtOnce.lastErrorAt());
    assertThat(batched.recent()).isEqualTo(allAtOnce.recent());
  }

  @Property(tries = 1000)
  @Label("Any permutation split into any batches gives the since of applying all at once")
  void batchingDoesNotChangeSince(
      @ForAll("observationLists") List<StageObservation> observations,
      @ForAll("policies") StagePolicy policy,
      @ForAll Random random) {
    StageHealth allAtOnce = StageFold.apply(null, START, observations, policy);
    StageHealth batched = inRandomBatches(observations, policy, random);

    assertThat(batched.since()).isEqualTo(allAtOnce.since());
  }

  private static StageHealth inRandomBatches(
      List<StageObservation> observations, StagePolicy policy, Random random) {
    List<StageObservation> shuffled = new ArrayList<>(observations);
    Collections.shuffle(shuffled, random);
    StageHealth health = null;
    int from = 0;
    while (from < shuffled.size()) {
      int to = from + 1 + random.nextInt(shuffled.size() - from);
      health = StageFold.apply(health, START, shuffled.subList(from, to), policy);
      from = to;
    }
    return health;
  }

  /**
   * Up to 30 observations (shorter than the window of 32) at times 0 to 15 s; unique ids. Each list
   * draws its own share of successes, so all-ok and all-error lists are common too.
   */
  @Provide
  Arbitrary<List<StageObservation>> observationLists() {
    return drawObservations();
  }

  /** The lists {@link #observationLists} draws, for the other stage properties. */
  static Arbitrary<List<StageObservation>> drawObservations() {
    Arbitrary<Integer> seconds = Arbitraries.integers().between(0, 15);
    Arbitrary<String> failure =
        Arbitraries.of(
            "ConnectionError",
            "CalledProcessError",
            "ValueError",
            "explicit-warning",
            "explicit-error",
            "explicit-fatal");
    return Arbitraries.of(0, 1, 3, 10)
        .flatMap(
            okWeight ->
                Combinators.combine(
                        Arbitraries.frequencyOf(
                            Tuple.of(okWeight, Arbitraries.just("ok")), Tuple.of(3, failure)),
                        seconds)
                    .as((kind, at) -> Tuple.of(kind, at))
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(30)
                    .withSizeDistribution(RandomDistribution.biased()))
        .map(
            specs -> {
              List<StageObservation> observations = new ArrayList<>();
              for (int i = 0; i < specs.size(); i++) {
                observations.add(observation("o" + i, specs.get(i).get1(), specs.get(i).get2()));
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

  private static StageObservation observation(String id, String kind, int at) {
    switch (kind) {
      case "ok":
        return Events.ok(id, at, START);
      case "explicit-warning":
        return Events.failure(id, at, START, "ValueError", Severity.WARNING);
      case "explicit-error":
        return Events.failure(id, at, START, "ValueError", Severity.ERROR);
      case "explicit-fatal":
        return Events.failure(id, at, START, "ConnectionError", Severity.FATAL);
      default:
        return Events.failure(id, at, START, kind);
    }
  }
}
