package io.jobwatch.core.monitor;

import static io.jobwatch.core.monitor.MonitorFixtures.event;
import static io.jobwatch.core.monitor.MonitorFixtures.every;
import static io.jobwatch.core.monitor.MonitorFixtures.failed;
import static io.jobwatch.core.monitor.MonitorFixtures.fold;
import static io.jobwatch.core.monitor.MonitorFixtures.running;
import static io.jobwatch.core.monitor.MonitorFixtures.succeeded;
import static io.jobwatch.core.monitor.MonitorFixtures.utc;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.MonitorEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 14.3: too short, too often, N failures in a row, and a start grace apart from runtime. */
class MonitorRulesTest {
  private static final Instant T0 = utc("2026-06-10T00:00:00Z");

  private static Instant at(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  /** Hourly, 10 minutes grace, declared at T0 with the given rules. */
  private static MonitorEvent hourly(MonitorRules rules) {
    return event(
        T0,
        new MonitorChange.Declared("storage", every("PT1H"), Duration.ofMinutes(10), null, rules));
  }

  private static MonitorStatus status(Instant now, Object... inputs) {
    return MonitorEvaluator.evaluate(fold(inputs), now).status();
  }

  @Test
  @DisplayName("min_runtime: a success shorter than it is down, one as long as it is up")
  void tooShortSuccessIsFailed() {
    MonitorEvent declared = hourly(new MonitorRules(Duration.ofMinutes(5), null, 1, 1, null, null));

    assertThat(status(at(61), declared, succeeded(at(60), at(60).plusSeconds(2))))
        .isEqualTo(MonitorStatus.DOWN);
    assertThat(status(at(66), declared, succeeded(at(60), at(65)))).isEqualTo(MonitorStatus.UP);
    MonitorState shortOnly = fold(declared, succeeded(at(60), at(60).plusSeconds(2)));
    assertThat(MonitorEvaluator.consecutiveFailures(shortOnly)).isEqualTo(1);
  }

  @Test
  @DisplayName("min_runtime with failure_threshold 3: a too short success is one tolerated failure")
  void tooShortSuccessIsAToleratedFailure() {
    MonitorEvent declared = hourly(new MonitorRules(Duration.ofMinutes(5), null, 3, 1, null, null));
    MonitorState state =
        fold(declared, succeeded(at(50), at(56)), succeeded(at(110), at(110).plusSeconds(1)));

    // failure_threshold 3 tolerates the short run, and it restarts the clock as a run on time.
    MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, at(111));
    assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
    assertThat(MonitorEvaluator.consecutiveFailures(state)).isEqualTo(1);
  }

  @Test
  @DisplayName("failure_threshold 3: two failures in a row are up, the third is down")
  void downAfterNFailuresInARow() {
    MonitorEvent declared = hourly(new MonitorRules(null, null, 3, 1, null, null));
    MonitorRun ok = succeeded(at(59), at(60));
    MonitorRun fail1 = failed(at(119), at(120));
    MonitorRun fail2 = failed(at(179), at(180));
    MonitorRun fail3 = failed(at(239), at(240));

    assertThat(status(at(181), declared, ok, fail1, fail2)).isEqualTo(MonitorStatus.UP);
    assertThat(status(at(241), declared, ok, fail1, fail2, fail3)).isEqualTo(MonitorStatus.DOWN);
    assertThat(MonitorEvaluator.consecutiveFailures(fold(declared, ok, fail1, fail2, fail3)))
        .isEqualTo(3);
  }

  @Test
  @DisplayName("failure_threshold 1 (the default) keeps today's rule: one failed run is down")
  void defaultThresholdIsOne() {
    MonitorEvent declared = hourly(MonitorRules.DEFAULT);

    assertThat(status(at(61), declared, failed(at(59), at(60)))).isEqualTo(MonitorStatus.DOWN);
  }

  @Test
  @DisplayName("recovery_threshold 2: down by failures stays down after one success, up after two")
  void recoveryNeedsMSuccesses() {
    MonitorEvent declared = hourly(new MonitorRules(null, null, 2, 2, null, null));
    List<Object> inputs =
        List.of(
            declared,
            failed(at(59), at(60)),
            failed(at(119), at(120)),
            succeeded(at(179), at(180)));

    assertThat(status(at(181), inputs.toArray())).isEqualTo(MonitorStatus.DOWN);
    List<Object> recovered = new ArrayList<>(inputs);
    recovered.add(succeeded(at(239), at(240)));
    assertThat(status(at(241), recovered.toArray())).isEqualTo(MonitorStatus.UP);
  }

  @Test
  @DisplayName("start_grace: no start 15 minutes after the expected time is down before grace ends")
  void lateStartIsDown() {
    MonitorEvent declared =
        event(
            T0,
            new MonitorChange.Declared(
                "storage",
                every("PT1H"),
                Duration.ofHours(2),
                null,
                new MonitorRules(null, Duration.ofMinutes(15), 1, 1, null, null)));
    MonitorRun ok = succeeded(at(59), at(60));

    assertThat(status(at(130), declared, ok)).isEqualTo(MonitorStatus.LATE);
    assertThat(status(at(136), declared, ok)).isEqualTo(MonitorStatus.DOWN);
    // Started on time and still running: late, not down, until grace (2 h) has passed.
    assertThat(status(at(136), declared, ok, running(at(125)))).isEqualTo(MonitorStatus.LATE);
    assertThat(status(at(241), declared, ok, running(at(125)))).isEqualTo(MonitorStatus.DOWN);
  }

  @Test
  @DisplayName("max_runs_per_period 2 per hour: a third run within the hour is too often")
  void tooOften() {
    MonitorEvent declared = hourly(new MonitorRules(null, null, 1, 1, 2, Duration.ofHours(1)));
    List<Object> inputs =
        List.of(
            declared,
            succeeded(at(10), at(11)),
            succeeded(at(20), at(21)),
            succeeded(at(30), at(31)));

    assertThat(status(at(32), inputs.toArray())).isEqualTo(MonitorStatus.TOO_OFTEN);
    // An hour after the first of the three, only two remain in the window.
    assertThat(status(at(72), inputs.toArray())).isEqualTo(MonitorStatus.UP);
  }

  @Test
  @DisplayName(
      "max_runs_per_period 1 per day: paused for running too often, crontab fixed and resumed,"
          + " the runs before the pause no longer make it too often; runs after it still do")
  void resumeEndsTooOften() {
    MonitorEvent declared =
        event(
            T0,
            new MonitorChange.Declared(
                "storage",
                every("P1D"),
                Duration.ofMinutes(30),
                null,
                new MonitorRules(null, null, 1, 1, 1, Duration.ofDays(1))));
    // The crontab says every hour instead of every day.
    MonitorRun first = succeeded(at(60), at(61));
    MonitorRun second = succeeded(at(120), at(121));
    assertThat(status(at(122), declared, first, second)).isEqualTo(MonitorStatus.TOO_OFTEN);

    MonitorEvent pause = event(at(130), new MonitorChange.Paused());
    MonitorEvent resume = event(at(150), new MonitorChange.Resumed());
    assertThat(status(at(151), declared, first, second, pause, resume))
        .as("fixed and resumed: judged from its next run")
        .isEqualTo(MonitorStatus.UP);
    assertThat(
            status(
                at(241),
                declared,
                first,
                second,
                pause,
                resume,
                succeeded(at(180), at(181)),
                succeeded(at(240), at(240))))
        .as("still every hour after the resume")
        .isEqualTo(MonitorStatus.TOO_OFTEN);
  }

  @Test
  @DisplayName("the recent runs and the thresholds fold alike in any order and with duplicates")
  void recentRunsAreOrderIndependent() {
    List<Object> inputs = new ArrayList<>();
    inputs.add(hourly(new MonitorRules(Duration.ofMinutes(1), null, 3, 2, 5, Duration.ofHours(2))));
    for (int run = 0; run < FinishedRun.KEPT + 10; run++) {
      inputs.add(
          run % 3 == 0
              ? failed(at(run * 60), at(run * 60 + 2))
              : succeeded(at(run * 60), at(run * 60 + 2)));
    }
    MonitorState inOrder = fold(inputs);
    Random random = new Random(14);
    for (int trial = 0; trial < 20; trial++) {
      List<Object> shuffled = new ArrayList<>(inputs);
      shuffled.addAll(inputs.subList(0, 10));
      Collections.shuffle(shuffled, random);
      assertThat(fold(shuffled)).isEqualTo(inOrder);
    }
    assertThat(inOrder.recentRuns()).hasSize(FinishedRun.KEPT);
  }
}
