package io.jobwatch.core.stage;

import static io.jobwatch.core.Events.failure;
import static io.jobwatch.core.Events.ok;
import static io.jobwatch.core.Events.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.Events;
import io.jobwatch.core.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The stage severity the alerting series show as of the judgement instant while a backlog drains.
 */
class StageJudgementTest {
  private static final StageKey START = Events.stage("start");
  private static final StagePolicy POLICY = StagePolicy.defaults();

  @Test
  @DisplayName(
      "A run of errors that began after the judgement instant shows ok: its recovery may still"
          + " sit in the unread backlog")
  void runAfterTheJudgementInstantShowsOk() {
    StageHealth stage =
        fold(
            failure("e1", 20, START, "ConnectionError"),
            failure("e2", 21, START, "ConnectionError"),
            failure("e3", 22, START, "ConnectionError"));
    assertThat(stage.severity()).isEqualTo(Severity.ERROR);

    assertThat(StageJudgement.severityAt(stage, t(10), POLICY)).isEqualTo(Severity.OK);
  }

  @Test
  @DisplayName("A stage in error since before the judgement instant shows error: it pages")
  void errorSinceBeforeTheJudgementInstantStands() {
    StageHealth stage =
        fold(
            failure("e1", 20, START, "ConnectionError"),
            failure("e2", 21, START, "ConnectionError"),
            failure("e3", 22, START, "ConnectionError"));

    assertThat(StageJudgement.severityAt(stage, t(22), POLICY)).isEqualTo(Severity.ERROR);
    assertThat(StageJudgement.severityAt(stage, t(30), POLICY)).isEqualTo(Severity.ERROR);
  }

  @Test
  @DisplayName(
      "A run that began before the judgement instant shows what it had reached by then: warning"
          + " after one of three errors, fatal once a fatal error came")
  void runThatBeganBeforeShowsWhatItHadReached() {
    StageHealth errors =
        fold(
            failure("e1", 20, START, "ConnectionError"),
            failure("e2", 21, START, "ConnectionError"),
            failure("e3", 22, START, "ConnectionError"));
    assertThat(StageJudgement.severityAt(errors, t(20), POLICY)).isEqualTo(Severity.WARNING);

    StageHealth fatal =
        fold(
            failure("e1", 20, START, "ConnectionError"),
            failure("e2", 21, START, "ConnectionError"),
            failure("e3", 22, START, "ConnectionError"),
            failure("f", 23, START, "KeyError"));
    assertThat(fatal.severity()).isEqualTo(Severity.FATAL);
    assertThat(StageJudgement.severityAt(fatal, t(22), POLICY)).isEqualTo(Severity.ERROR);
  }

  @Test
  @DisplayName(
      "A failure that a success already read ended after the judgement instant is no page, though"
          + " a new run began since")
  void aRecoveryAlreadyReadEndsTheEarlierRun() {
    StageHealth stage =
        fold(
            failure("f", 10, START, "KeyError"),
            ok("ok", 15, START),
            failure("e1", 20, START, "ConnectionError"),
            failure("e2", 21, START, "ConnectionError"),
            failure("e3", 22, START, "ConnectionError"));

    assertThat(StageJudgement.severityAt(stage, t(12), POLICY)).isEqualTo(Severity.OK);
  }

  @Test
  @DisplayName(
      "Errors before the judgement instant, a fatal one after it and more than a window's worth"
          + " of errors since: the failure before W still pages")
  void aFullWindowKeepsTheStoredSeverity() {
    List<StageObservation> observations = new ArrayList<>();
    observations.add(failure("e1", 1, START, "ConnectionError"));
    observations.add(failure("e2", 2, START, "ConnectionError"));
    observations.add(failure("e3", 3, START, "ConnectionError"));
    observations.add(failure("f", 20, START, "KeyError"));
    for (int i = 0; i < 40; i++) {
      observations.add(failure("later" + i, 21 + i, START, "ConnectionError"));
    }
    StageHealth stage = StageFold.apply(null, START, observations, POLICY);
    assertThat(stage.severity()).isEqualTo(Severity.FATAL);
    assertThat(stage.since()).isAfter(t(10));

    assertThat(StageJudgement.severityAt(stage, t(10), POLICY)).isEqualTo(Severity.FATAL);
  }

  @Test
  @DisplayName(
      "A stage with a long history of successes whose errors began after the judgement instant"
          + " shows ok: its full window still holds the recovery before W")
  void aLongOkHistoryStillAnchorsTheReplay() {
    List<StageObservation> observations = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      observations.add(ok("ok" + i, i, START));
    }
    observations.add(failure("e1", 200, START, "ConnectionError"));
    observations.add(failure("e2", 201, START, "ConnectionError"));
    observations.add(failure("e3", 202, START, "ConnectionError"));
    StageHealth stage = StageFold.apply(null, START, observations, POLICY);
    assertThat(stage.severity()).isEqualTo(Severity.ERROR);
    assertThat(stage.recent()).hasSize(POLICY.window());

    assertThat(StageJudgement.severityAt(stage, t(150), POLICY)).isEqualTo(Severity.OK);
  }

  @Test
  @DisplayName(
      "A judgement instant before anything was read (a partition never read) shows the stored"
          + " severity, not ok for every stage")
  void nothingReadShowsTheStoredSeverity() {
    StageHealth stage =
        fold(
            failure("e1", 20, START, "ConnectionError"),
            failure("e2", 21, START, "ConnectionError"),
            failure("e3", 22, START, "ConnectionError"));

    assertThat(StageJudgement.severityAt(stage, Instant.EPOCH, POLICY)).isEqualTo(Severity.ERROR);
  }

  @Test
  @DisplayName("Without a judgement instant (every partition caught up) the stored severity shows")
  void caughtUpShowsTheStoredSeverity() {
    StageHealth stage = fold(failure("e1", 20, START, "KeyError"));

    assertThat(StageJudgement.severityAt(stage, null, POLICY)).isEqualTo(Severity.FATAL);
  }

  @Property(tries = 2000)
  @Label(
      "As of W a stage shows the severity the time-ordered replay of its observations had at W,"
          + " or ok if that replay is ok at any moment after W")
  void matchesTheReplayAtTheJudgementInstant(
      @ForAll("observationLists") List<StageObservation> observations,
      @ForAll("policies") StagePolicy policy,
      @ForAll @IntRange(min = -1, max = 16) int judgedAt) {
    StageHealth stage = StageFold.apply(null, START, observations, policy);
    Severity judged = StageJudgement.severityAt(stage, t(judgedAt), policy);

    Severity replayed = reference(observations, t(judgedAt), policy);
    if (knowable(observations, t(judgedAt), policy)) {
      assertThat(judged).isEqualTo(replayed);
    } else {
      // The window lost what began the run: the replay's answer or, unknown, everything read.
      assertThat(judged)
          .isIn(replayed, ReferenceStageFold.fold(sorted(observations), policy).severity());
    }
  }

  /**
   * Whether the record can know the stage's state at W (docs/alerts.md): all observations fit in
   * the window, or the window (the latest ones by time) holds M successes in a row at or before W.
   */
  private static boolean knowable(
      List<StageObservation> observations, Instant at, StagePolicy policy) {
    List<StageObservation> sorted = sorted(observations);
    if (sorted.size() < policy.window()) {
      return true;
    }
    int inRow = 0;
    for (StageObservation observation :
        sorted.subList(sorted.size() - policy.window(), sorted.size())) {
      if (observation.time().isAfter(at)) {
        break;
      }
      inRow = observation.ok() ? inRow + 1 : 0;
      if (inRow >= policy.recoveryThreshold()) {
        return true;
      }
    }
    return false;
  }

  private static List<StageObservation> sorted(List<StageObservation> observations) {
    Map<String, StageObservation> unique = new LinkedHashMap<>();
    observations.forEach(observation -> unique.putIfAbsent(observation.eventId(), observation));
    List<StageObservation> sorted = new ArrayList<>(unique.values());
    sorted.sort(
        Comparator.comparing(StageObservation::time).thenComparing(StageObservation::eventId));
    return sorted;
  }

  /**
   * From the rules, not from the record: replay every observation in time order with the plain
   * reference fold; the severity after the last observation at or before W (ok before the first),
   * unless some moment after W shows ok (a recovery later than W).
   */
  private static Severity reference(
      List<StageObservation> observations, Instant at, StagePolicy policy) {
    List<StageObservation> sorted = sorted(observations);
    Severity atW = Severity.OK;
    for (int end = 1; end <= sorted.size(); end++) {
      Severity severity = ReferenceStageFold.fold(sorted.subList(0, end), policy).severity();
      if (!sorted.get(end - 1).time().isAfter(at)) {
        atW = severity;
      } else if (severity == Severity.OK) {
        return Severity.OK;
      }
    }
    return atW;
  }

  private static StageHealth fold(StageObservation... observations) {
    return StageFold.apply(null, START, List.of(observations), POLICY);
  }

  /** As StageFoldProperties draws them: up to 30 observations at times 0 to 15 s. */
  @Provide
  Arbitrary<List<StageObservation>> observationLists() {
    return StageFoldProperties.drawObservations();
  }

  @Provide
  Arbitrary<StagePolicy> policies() {
    // Windows from the smallest allowed to the default: the observation lists overflow the
    // small ones, where the record no longer holds the start of every run.
    return Combinators.combine(
            Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(0, 8))
        .as(
            (errors, recovery, extra) ->
                new StagePolicy(
                    errors,
                    recovery,
                    extra == 8
                        ? StagePolicy.DEFAULT_WINDOW
                        : Math.max(errors, recovery) + 1 + extra,
                    ErrorClassifier.defaults()));
  }
}
