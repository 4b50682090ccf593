package io.jobwatch.core.monitor;

import static io.jobwatch.core.monitor.MonitorFixtures.MONITOR;
import static io.jobwatch.core.monitor.MonitorFixtures.cron;
import static io.jobwatch.core.monitor.MonitorFixtures.declared;
import static io.jobwatch.core.monitor.MonitorFixtures.event;
import static io.jobwatch.core.monitor.MonitorFixtures.every;
import static io.jobwatch.core.monitor.MonitorFixtures.failed;
import static io.jobwatch.core.monitor.MonitorFixtures.fold;
import static io.jobwatch.core.monitor.MonitorFixtures.running;
import static io.jobwatch.core.monitor.MonitorFixtures.succeeded;
import static io.jobwatch.core.monitor.MonitorFixtures.utc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobwatch.core.MonitorEvent;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MonitorFoldTest {
  static final Instant T0 = utc("2026-06-10T10:00:00Z");

  static Instant at(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  @Test
  @DisplayName("A declaration sets team, schedule, grace, max runtime and declaredAt")
  void declarationIsRecorded() {
    MonitorState state =
        fold(declared(at(0), cron("0 3 * * *"), Duration.ofMinutes(30), Duration.ofHours(1)));

    assertThat(state.monitor()).isEqualTo(MONITOR);
    assertThat(state.team()).isEqualTo("storage");
    assertThat(state.schedule()).isEqualTo(cron("0 3 * * *"));
    assertThat(state.grace()).isEqualTo(Duration.ofMinutes(30));
    assertThat(state.maxRuntime()).isEqualTo(Duration.ofHours(1));
    assertThat(state.declaredAt()).isEqualTo(at(0));
    assertThat(state.paused()).isFalse();
    assertThat(state.retired()).isFalse();
  }

  @Test
  @DisplayName("Runs reported before the declaration are kept, and the declaration keeps them")
  void runsBeforeDeclarationAreKept() {
    MonitorState undeclared = fold(succeeded(at(0), at(5)));

    assertThat(undeclared.isDeclared()).isFalse();
    assertThat(undeclared.team()).isNull();
    assertThat(undeclared.lastSuccessAt()).isEqualTo(at(5));

    MonitorState declared =
        MonitorFold.apply(undeclared, declared(at(10), every("PT1H"), Duration.ZERO, null));
    assertThat(declared.lastSuccessAt()).isEqualTo(at(5));
    assertThat(declared.lastRunDuration()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  @DisplayName("The latest declaration by event time wins, whatever the arrival order")
  void latestDeclarationWins() {
    MonitorEvent older = declared(at(0), every("PT1H"), Duration.ZERO, null);
    MonitorEvent newer = declared(at(1), every("PT2H"), Duration.ZERO, null);

    assertThat(fold(older, newer).schedule()).isEqualTo(every("PT2H"));
    assertThat(fold(newer, older).schedule()).isEqualTo(every("PT2H"));
    assertThat(fold(newer, older).declaredAt()).isEqualTo(at(1));
  }

  @Test
  @DisplayName("Two declarations with the same event time settle on the same one in either order")
  void tiedDeclarationsAreDeterministic() {
    MonitorEvent one = declared(at(0), every("PT1H"), Duration.ZERO, null);
    MonitorEvent other = declared(at(0), every("PT2H"), Duration.ZERO, null);

    assertThat(fold(one, other)).isEqualTo(fold(other, one));
  }

  @Test
  @DisplayName("A pause that happened before a resume does not re-pause when it arrives late")
  void latePauseDoesNotWin() {
    MonitorEvent pause = event(at(1), new MonitorChange.Paused());
    MonitorEvent resume = event(at(2), new MonitorChange.Resumed());

    MonitorState state = fold(resume, pause);

    assertThat(state.paused()).isFalse();
    assertThat(state.pausedChangedAt()).isEqualTo(at(2));
    assertThat(fold(pause, resume)).isEqualTo(state);
  }

  @Test
  @DisplayName("A pause after a resume pauses the monitor")
  void laterPauseWins() {
    MonitorState state =
        fold(event(at(3), new MonitorChange.Paused()), event(at(2), new MonitorChange.Resumed()));

    assertThat(state.paused()).isTrue();
    assertThat(state.pausedChangedAt()).isEqualTo(at(3));
  }

  @Test
  @DisplayName("A pause and a resume at the same instant resolve to resumed in either order")
  void resumeWinsTies() {
    MonitorEvent pause = event(at(1), new MonitorChange.Paused());
    MonitorEvent resume = event(at(1), new MonitorChange.Resumed());

    assertThat(fold(pause, resume).paused()).isFalse();
    assertThat(fold(resume, pause).paused()).isFalse();
  }

  @Test
  @DisplayName("A retirement retires a monitor declared before it, even if it arrives first")
  void retirementAfterDeclaration() {
    MonitorEvent declaration = declared(at(0), every("PT1H"), Duration.ZERO, null);
    MonitorEvent retirement = event(at(5), new MonitorChange.Retired());

    MonitorState state = fold(retirement, declaration);

    assertThat(state.retired()).isTrue();
    assertThat(state.retiredAt()).isEqualTo(at(5));
    assertThat(fold(declaration, retirement)).isEqualTo(state);
  }

  @Test
  @DisplayName("A declaration later than the retirement re-activates the monitor")
  void redeclarationReactivates() {
    MonitorState state =
        fold(
            declared(at(0), every("PT1H"), Duration.ZERO, null),
            event(at(5), new MonitorChange.Retired()),
            declared(at(6), every("PT1H"), Duration.ZERO, null));

    assertThat(state.retired()).isFalse();
    assertThat(state.retiredAt()).isEqualTo(at(5));
  }

  @Test
  @DisplayName("A declaration at the very instant of the retirement does not re-activate it")
  void declarationAtRetirementInstantStaysRetired() {
    MonitorState state =
        fold(
            event(at(5), new MonitorChange.Retired()),
            declared(at(5), every("PT1H"), Duration.ZERO, null));

    assertThat(state.retired()).isTrue();
  }

  @Test
  @DisplayName("A retirement without any declaration is kept and retires the monitor")
  void retirementOfUndeclaredMonitor() {
    MonitorState state = fold(event(at(5), new MonitorChange.Retired()));

    assertThat(state.retired()).isTrue();
    assertThat(state.isDeclared()).isFalse();
  }

  @Test
  @DisplayName("Run timestamps merge by maximum, so an older run arriving late changes nothing")
  void runTimestampsMergeByMax() {
    MonitorState state =
        fold(
            succeeded(at(60), at(65)),
            failed(at(120), at(122)),
            succeeded(at(0), at(30)),
            failed(at(10), at(11)));

    assertThat(state.lastStartAt()).isEqualTo(at(120));
    assertThat(state.lastSuccessAt()).isEqualTo(at(65));
    assertThat(state.lastFailureAt()).isEqualTo(at(122));
    assertThat(state.lastFinishAt()).isEqualTo(at(122));
    assertThat(state.lastRunDuration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(state.lastSeenAt()).isEqualTo(at(122));
    assertThat(state.lastRunFailed()).isTrue();
  }

  @Test
  @DisplayName("The last run duration belongs to the run that finished last, not the one seen last")
  void durationOfLatestFinish() {
    MonitorState state = fold(succeeded(at(0), at(50)), succeeded(at(20), at(30)));

    assertThat(state.lastRunDuration()).isEqualTo(Duration.ofMinutes(50));
    assertThat(state.lastStartAt()).isEqualTo(at(20));
  }

  @Test
  @DisplayName("A run first seen running, then finished, is running and then finished")
  void runningThenFinished() {
    MonitorState runningState = fold(running(at(0)));

    assertThat(runningState.isRunning()).isTrue();
    assertThat(runningState.lastSeenAt()).isEqualTo(at(0));
    assertThat(runningState.lastRunDuration()).isNull();

    MonitorState finished = MonitorFold.observeRun(runningState, MONITOR, succeeded(at(0), at(7)));
    assertThat(finished.isRunning()).isFalse();
    assertThat(finished.lastRunDuration()).isEqualTo(Duration.ofMinutes(7));
    assertThat(MonitorFold.observeRun(finished, MONITOR, running(at(0)))).isEqualTo(finished);
  }

  @Test
  @DisplayName(
      "A finished run without an outcome counts as a finish but neither success nor failure")
  void finishWithoutOutcome() {
    MonitorState state = fold(new MonitorRun(at(0), at(3), null));

    assertThat(state.lastFinishAt()).isEqualTo(at(3));
    assertThat(state.lastSuccessAt()).isNull();
    assertThat(state.lastFailureAt()).isNull();
  }

  @Test
  @DisplayName("A finish that precedes its start (skewed clocks) records no duration")
  void skewedRunHasNoDuration() {
    assertThat(fold(succeeded(at(5), at(4))).lastRunDuration()).isNull();
  }

  @Test
  @DisplayName("Folding an event of another monitor into a state is refused")
  void otherMonitorIsRefused() {
    MonitorState state = fold(running(at(0)));
    MonitorEvent other =
        new MonitorEvent("e1", at(1), "another-monitor", new MonitorChange.Paused());

    assertThatThrownBy(() -> MonitorFold.apply(state, other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another-monitor");
  }

  @Test
  @DisplayName("A run needs a start or a finish, and an outcome needs a finish")
  void invalidRunsAreRefused() {
    assertThatThrownBy(() -> new MonitorRun(null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MonitorRun(at(0), null, true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
