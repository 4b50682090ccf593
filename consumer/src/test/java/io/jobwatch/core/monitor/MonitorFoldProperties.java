package io.jobwatch.core.monitor;

import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.monitor.MonitorChange.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
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
import net.jqwik.api.constraints.IntRange;
import org.assertj.core.api.Assertions;

/** The laws of {@link MonitorFold}: arrival order and duplication do not change the state. */
class MonitorFoldProperties {
  private static final Instant T0 = Instant.parse("2026-06-10T10:00:00Z");

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

    Assertions.assertThat(MonitorFixtures.fold(replayed)).isEqualTo(MonitorFixtures.fold(inputs));
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
   * Anonymous runs, and observations of a few attempts of a few jobs (merged by identity). As the
   * pipeline observes them, an attempt has one start (known or not yet) and one end; two different
   * starts of one attempt, and a cancelled attempt (no outcome) whose start is timed after its
   * cancellation, are known limits (docs/monitors.md, "Fold rules").
   */
  private Arbitrary<Object> runs() {
    Arbitrary<Instant> maybeTime = times().injectNull(0.2);
    Arbitrary<Object> anonymous =
        Combinators.combine(maybeTime, maybeTime, Arbitraries.of(true, false).injectNull(0.3))
            .filter((start, finish, succeeded) -> start != null || finish != null)
            .as(
                (start, finish, succeeded) ->
                    new MonitorRun(start, finish, finish == null ? null : succeeded));
    Arbitrary<Object> attempts =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false))
            .filter((which, knowsStart, knowsFinish, succeeded) -> knowsStart || knowsFinish)
            .as(
                (which, knowsStart, knowsFinish, succeeded) -> {
                  // each attempt has its fixed start and end, its finish 2 s before its start for
                  // attempt 2 of job-2 (a skewed runner clock)
                  String job = which < 2 ? "job-1" : "job-2";
                  int attempt = which % 2 + 1;
                  Instant start = T0.plus(Duration.ofMinutes(10L * which));
                  Instant finish =
                      which == 3 ? start.minusSeconds(2) : start.plus(Duration.ofMinutes(15));
                  return new MonitorRun(
                      job,
                      attempt,
                      knowsStart ? start : null,
                      knowsFinish ? finish : null,
                      knowsFinish ? succeeded : null);
                });
    return Arbitraries.oneOf(anonymous, attempts);
  }
}
