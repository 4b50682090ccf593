package io.jobwatch.core.monitor;

import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.monitor.MonitorChange.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.assertj.core.api.Assertions;

/** The laws of {@link MonitorFold}: arrival order and duplication do not change the state. */
class MonitorFoldProperties {
  private static final Instant T0 = Instant.parse("2026-06-10T10:00:00Z");

  /**
   * Any order and duplication, each job's attempts in order as the pipeline observes them (a job
   * row's attempt only grows; observations of one attempt in any order), folds to the same state.
   */
  @Property(tries = 500)
  @Label("Any permutation and duplication of monitor events and runs folds to the same state")
  void anyPermutationAndDuplicationFoldsToTheSameState(
      @ForAll("inputs") List<Object> inputs,
      @ForAll Random random,
      @ForAll @IntRange(min = 0, max = 3) int maxCopies) {
    List<Object> replayed = new ArrayList<>();
    for (Object input : inputs) {
      for (int copies = 1 + random.nextInt(maxCopies + 1); copies > 0; copies--) {
        replayed.add(input);
      }
    }
    Collections.shuffle(replayed, random);
    attemptsInOrder(replayed);
    List<Object> once = new ArrayList<>(inputs);
    attemptsInOrder(once);

    Assertions.assertThat(MonitorFixtures.fold(replayed)).isEqualTo(MonitorFixtures.fold(once));
  }

  /**
   * Any order at all, even an earlier attempt of a job observed after a later one (the pipeline
   * never does that: a job row's attempt only grows): the runs are the same. The times merged by
   * maximum may then differ (an earlier attempt seen after a later one changes nothing), and with
   * them the closing of anonymous runs, so this law is about the kept runs of jobs.
   */
  @Property(tries = 500)
  @Label("Any permutation and duplication of attempts of jobs keeps the same runs")
  void anyPermutationOfAttemptsKeepsTheSameRuns(
      @ForAll("attemptInputs") List<Object> inputs,
      @ForAll Random random,
      @ForAll @IntRange(min = 0, max = 3) int maxCopies) {
    List<Object> replayed = new ArrayList<>();
    for (Object input : inputs) {
      for (int copies = 1 + random.nextInt(maxCopies + 1); copies > 0; copies--) {
        replayed.add(input);
      }
    }
    Collections.shuffle(replayed, random);
    MonitorState expected = MonitorFixtures.fold(inputs);
    MonitorState actual = MonitorFixtures.fold(replayed);
    if (expected == null) {
      Assertions.assertThat(actual).isNull();
      return;
    }

    Assertions.assertThat(actual.recentRuns()).isEqualTo(expected.recentRuns());
    Assertions.assertThat(actual.openRuns()).isEqualTo(expected.openRuns());
  }

  /**
   * Puts the observations of each job back in attempt order, in the places its observations hold,
   * as the pipeline observes them (a job row's attempt only grows); observations of one attempt,
   * and of different jobs, keep their shuffled order.
   */
  private static void attemptsInOrder(List<Object> inputs) {
    Map<String, List<Integer>> places = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i) instanceof MonitorRun run && run.jobId() != null) {
        places.computeIfAbsent(run.jobId(), job -> new ArrayList<>()).add(i);
      }
    }
    for (List<Integer> at : places.values()) {
      List<MonitorRun> runs = new ArrayList<>();
      for (int i : at) {
        runs.add((MonitorRun) inputs.get(i));
      }
      runs.sort(Comparator.comparingInt(MonitorRun::attempt));
      for (int k = 0; k < at.size(); k++) {
        inputs.set(at.get(k), runs.get(k));
      }
    }
  }

  @Property(tries = 300)
  @Label("A paused or retired monitor is never late or down, at any time")
  void pausedOrRetiredMonitorsNeverAlert(
      @ForAll("inputs") List<Object> inputs,
      @ForAll @IntRange(min = -2000, max = 20000) int minutes) {
    MonitorState state = MonitorFixtures.fold(inputs);
    if (state == null || !state.isDeclared() || !(state.paused() || state.retired())) {
      return;
    }
    MonitorEvaluation evaluation =
        MonitorEvaluator.evaluate(state, T0.plus(Duration.ofMinutes(minutes)));

    Assertions.assertThat(evaluation.status()).isIn(MonitorStatus.PAUSED, MonitorStatus.RETIRED);
  }

  @Provide
  Arbitrary<List<Object>> inputs() {
    Arbitrary<Object> input = Arbitraries.oneOf(events(), runs());
    return input.list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<Object>> attemptInputs() {
    Arbitrary<Object> input = Arbitraries.oneOf(events(), attempts(), attempts());
    return input.list().ofMaxSize(12);
  }

  /** Few distinct instants, so ties between events are common. */
  private Arbitrary<Instant> times() {
    return Arbitraries.integers()
        .between(0, 12)
        .map(step -> T0.plus(Duration.ofMinutes(10L * step)));
  }

  private Arbitrary<Object> events() {
    Arbitrary<MonitorChange> change =
        Arbitraries.oneOf(
            declarations(),
            Arbitraries.just(new MonitorChange.Paused()),
            Arbitraries.just(new MonitorChange.Resumed()),
            Arbitraries.just(new MonitorChange.Retired()));
    return Combinators.combine(Arbitraries.strings().alpha().ofLength(6), times(), change)
        .as((id, time, what) -> new MonitorEvent(id, time, MonitorFixtures.MONITOR, what));
  }

  private Arbitrary<MonitorChange> declarations() {
    Arbitrary<Schedule> schedule =
        Arbitraries.of(
            new Schedule.Every(Duration.ofHours(1)),
            new Schedule.Every(Duration.ofMinutes(30)),
            new Schedule.Cron("0 3 * * *", ZoneId.of("Europe/Berlin")),
            new Schedule.Cron("0 3 * * *", ZoneId.of("UTC")));
    Arbitrary<MonitorRules> rules =
        Arbitraries.of(
            MonitorRules.DEFAULT,
            new MonitorRules(Duration.ofMinutes(5), null, 3, 2, null, null),
            new MonitorRules(null, Duration.ofMinutes(15), 1, 1, 2, Duration.ofHours(1)));
    return Combinators.combine(
            Arbitraries.of("storage", "search"),
            schedule,
            Arbitraries.of(Duration.ZERO, Duration.ofMinutes(30)),
            Arbitraries.of(Duration.ofHours(2)).injectNull(0.5),
            rules)
        .as(MonitorChange.Declared::new);
  }

  /**
   * Anonymous runs, and observations of a few attempts of a few jobs (merged by identity, a later
   * attempt superseding the earlier ones). As the pipeline observes them, an attempt has one start
   * (known or not yet) and one end; two different starts of one attempt, and a cancelled attempt
   * (no outcome) whose start is timed after its cancellation, are known limits (docs/monitors.md,
   * "Fold rules").
   */
  private Arbitrary<Object> runs() {
    Arbitrary<Instant> maybeTime = times().injectNull(0.2);
    Arbitrary<Object> anonymous =
        Combinators.combine(maybeTime, maybeTime, Arbitraries.of(true, false).injectNull(0.3))
            .filter((start, finish, succeeded) -> start != null || finish != null)
            .as(
                (start, finish, succeeded) ->
                    new MonitorRun(start, finish, finish == null ? null : succeeded));
    return Arbitraries.oneOf(anonymous, attempts());
  }

  /**
   * Observations of up to three attempts of two jobs: a retry requeued and not started yet,
   * started, finished (its start known or not). Each attempt has its fixed start and end, a retry
   * starting after the attempt before it ended; job-2's attempt 2 finishes 2 s before its start (a
   * skewed runner clock).
   */
  private Arbitrary<Object> attempts() {
    return Combinators.combine(
            Arbitraries.of("job-1", "job-2"),
            Arbitraries.integers().between(1, 3),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false))
        .as(
            (job, attempt, knowsStart, knowsFinish, succeeded) -> {
              Instant start =
                  T0.plus(Duration.ofMinutes(20L * (attempt - 1) + (job.equals("job-1") ? 0 : 5)));
              Instant finish =
                  job.equals("job-2") && attempt == 2
                      ? start.minusSeconds(2)
                      : start.plus(Duration.ofMinutes(15));
              if (!knowsStart && !knowsFinish) {
                // not started yet: observed only as a retry (a first attempt is nothing to observe)
                return attempt > 1
                    ? new MonitorRun(job, attempt, null, null, null)
                    : new MonitorRun(job, attempt, start, null, null);
              }
              return new MonitorRun(
                  job,
                  attempt,
                  knowsStart ? start : null,
                  knowsFinish ? finish : null,
                  knowsFinish ? succeeded : null);
            });
  }
}
