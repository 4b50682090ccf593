package io.jobwatch.core.job;

import static io.jobwatch.core.Events.cancelled;
import static io.jobwatch.core.Events.crashed;
import static io.jobwatch.core.Events.finished;
import static io.jobwatch.core.Events.queued;
import static io.jobwatch.core.Events.requeued;
import static io.jobwatch.core.Events.started;
import static io.jobwatch.core.Events.submitted;
import static io.jobwatch.core.Events.submittedWith;
import static io.jobwatch.core.Events.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.jobwatch.core.Events;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.Severity;
import io.jobwatch.core.stage.ErrorClassifier;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Job lifecycle")
class JobLifecycleTest {

  private static final StageKey SUBMIT = Events.stage("submit");
  private static final StageKey START = Events.stage("start");

  private static JobFold.Result fold(JobEvent... events) {
    return JobFold.fold(List.of(events));
  }

  @Test
  @DisplayName("Exit code 0 is succeeded, with its times, runner and host")
  void exitZeroSucceeds() {
    JobFold.Result result =
        fold(submitted("s", 0), queued("q", 1), started("r", 2, 1), finished("f", 9, 1, 0));
    JobRow row = result.row();

    assertThat(row.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(row.exitCode()).isZero();
    assertThat(row.blame()).isNull();
    assertThat(row.cause()).isNull();
    assertThat(row.service()).isEqualTo("blast");
    assertThat(row.runner()).isEqualTo("slurm");
    assertThat(row.host()).isEqualTo("node-7");
    assertThat(row.attempt()).isEqualTo(1);
    assertThat(row.submittedAt()).isEqualTo(t(0));
    assertThat(row.startedAt()).isEqualTo(t(2));
    assertThat(row.finishedAt()).isEqualTo(t(9));
    assertThat(row.updatedAt()).isEqualTo(t(9));
    assertThat(row.reusable()).isTrue();
    assertThat(result.ignoredEventIds()).isEmpty();
  }

  @Test
  @DisplayName(
      "updated_at is the latest applied event's time: a late report after the end, ignored, leaves it")
  void ignoredLateStatusLeavesUpdatedAt() {
    JobFold.Result result =
        fold(
            submitted("s", 0),
            started("r", 1, 1),
            finished("f", 2, 1, 0),
            Events.error("late-status", 9, 1, "disk full"));
    JobRow row = result.row();

    assertThat(result.ignoredEventIds()).containsExactly("late-status");
    assertThat(row.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(row.runtime()).isEqualTo(RuntimeStatus.EMPTY);
    assertThat(row.updatedAt()).isEqualTo(t(2));
  }

  @ParameterizedTest(name = "exit code {0}")
  @ValueSource(ints = {126, 127})
  @DisplayName(
      "Exit codes 126 and 127 crash on the platform as not_started and count as a start error")
  void notStartedIsAPlatformCrashAndAStartError(int exitCode) {
    JobFold.Result result = fold(submitted("s", 0), queued("q", 1), finished("f", 5, 1, exitCode));
    JobRow row = result.row();

    assertThat(row.state()).isEqualTo(JobState.CRASHED);
    assertThat(row.exitCode()).isEqualTo(exitCode);
    assertThat(row.blame()).isEqualTo(Blame.PLATFORM);
    assertThat(row.cause()).isEqualTo("not_started");
    assertThat(row.finishedAt()).isEqualTo(t(5));
    assertThat(result.stageEvidence())
        .extracting(StageObservation::key, StageObservation::ok, StageObservation::time)
        .containsExactly(tuple(SUBMIT, true, t(1)), tuple(START, false, t(5)));
    StageObservation startError = result.stageEvidence().get(1);
    assertThat(startError.eventId()).isEqualTo("f");
    assertThat(startError.jobId()).isEqualTo("job-1");
    assertThat(startError.explicitSeverity()).isNull();
    assertThat(ErrorClassifier.defaults().classify(startError.errorClass()))
        .isEqualTo(Severity.ERROR);
  }

  @Test
  @DisplayName("Exit code 137 crashes with blame unknown and cause signal_9, with no stage error")
  void killedBySignal() {
    JobFold.Result result = fold(submitted("s", 0), started("r", 2, 1), finished("f", 5, 1, 137));

    assertThat(result.row().state()).isEqualTo(JobState.CRASHED);
    assertThat(result.row().blame()).isEqualTo(Blame.UNKNOWN);
    assertThat(result.row().cause()).isEqualTo("signal_9");
    assertThat(result.row().exitCode()).isEqualTo(137);
    assertThat(result.stageEvidence()).extracting(StageObservation::ok).containsOnly(true);
  }

  @ParameterizedTest
  @ValueSource(ints = {-9, -15, -1, -64})
  @DisplayName("Python's negative returncode -n crashes like 128 + n: blame unknown, signal_n")
  void negativeReturnCodeIsTheSignal(int code) {
    JobFold.Result result = fold(submitted("s", 0), started("r", 2, 1), finished("f", 5, 1, code));

    assertThat(result.row().state()).isEqualTo(JobState.CRASHED);
    assertThat(result.row().blame()).isEqualTo(Blame.UNKNOWN);
    assertThat(result.row().cause()).isEqualTo("signal_" + -code);
    assertThat(result.row().exitCode()).isEqualTo(code);
    assertThat(result.row().details()).isEqualTo("killed by signal " + -code);
    assertThat(result.stageEvidence()).extracting(StageObservation::ok).containsOnly(true);
  }

  @ParameterizedTest
  @ValueSource(ints = {-65, -100, 128, 193, 255})
  @DisplayName("Outside 128 + 1..64 and -1..-64, a non-zero exit code is failed")
  void otherCodesFail(int code) {
    JobFold.Result result = fold(submitted("s", 0), started("r", 2, 1), finished("f", 5, 1, code));

    assertThat(result.row().state()).isEqualTo(JobState.FAILED);
    assertThat(result.row().cause()).isNull();
  }

  @Test
  @DisplayName("Exit code 1 is failed and gives no error evidence, only the start success")
  void exitOneFails() {
    JobFold.Result result = fold(submitted("s", 0), started("r", 2, 1), finished("f", 5, 1, 1));

    assertThat(result.row().state()).isEqualTo(JobState.FAILED);
    assertThat(result.row().exitCode()).isEqualTo(1);
    assertThat(result.row().blame()).isNull();
    assertThat(result.row().cause()).isNull();
    assertThat(result.row().reusable()).isFalse();
    assertThat(result.stageEvidence())
        .extracting(StageObservation::key, StageObservation::ok, StageObservation::eventId)
        .containsExactly(tuple(START, true, "r"));
  }

  @Test
  @DisplayName(
      "A job.crashed with a null blame is blamed on unknown and keeps cause, details, fatal")
  void crashWithNullBlame() {
    JobFold.Result result =
        fold(
            submitted("s", 0),
            started("r", 2, 1),
            crashed("c", 5, 1, null, "oom", "rss 64 GiB > limit", true));
    JobRow row = result.row();

    assertThat(row.state()).isEqualTo(JobState.CRASHED);
    assertThat(row.blame()).isEqualTo(Blame.UNKNOWN);
    assertThat(row.cause()).isEqualTo("oom");
    assertThat(row.details()).isEqualTo("rss 64 GiB > limit");
    assertThat(row.fatal()).isTrue();
    assertThat(row.exitCode()).isNull();
    assertThat(row.finishedAt()).isEqualTo(t(5));
  }

  @Test
  @DisplayName(
      "A job.started listed after job.finished but earlier in time leaves the job finished")
  void lateArrivingStartEarlierInTime() {
    JobFold.Result result = fold(submitted("s", 0), finished("f", 9, 1, 0), started("r", 2, 1));

    assertThat(result.row().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(result.row().startedAt()).isEqualTo(t(2));
    assertThat(result.row().finishedAt()).isEqualTo(t(9));
    assertThat(result.ignoredEventIds()).isEmpty();
  }

  @Test
  @DisplayName("A job.started later in time than job.finished does not reopen the job")
  void startAfterFinishDoesNotReopen() {
    JobFold.Result result = fold(submitted("s", 0), finished("f", 9, 1, 0), started("r", 12, 1));

    assertThat(result.row().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(result.row().finishedAt()).isEqualTo(t(9));
    assertThat(result.row().startedAt()).isNull();
    assertThat(result.ignoredEventIds()).containsExactly("r");
    assertThat(result.stageEvidence()).isEmpty();
  }

  @Test
  @DisplayName(
      "After job.requeued attempt 2, late events of attempt 1 change nothing in the row; they"
          + " fold into attempt 1 (issue 9: attempts before timestamps), so only what attempt 1"
          + " could not take is ignored")
  void olderAttemptIsIgnored() {
    JobFold.Result result =
        fold(
            submitted("s", 0),
            started("r1", 1, 1),
            requeued("rq", 5, 2),
            Events.error("late-status", 6, 1, "disk full"),
            finished("late-finish", 7, 1, 1),
            crashed("late-crash", 8, 1, Blame.TASK, "oom", null, false),
            started("r2", 10, 2));
    JobRow row = result.row();

    assertThat(row.state()).isEqualTo(JobState.RUNNING);
    assertThat(row.attempt()).isEqualTo(2);
    assertThat(row.startedAt()).isEqualTo(t(10));
    assertThat(row.exitCode()).isNull();
    assertThat(row.blame()).isNull();
    assertThat(row.runtime()).isEqualTo(RuntimeStatus.EMPTY);
    assertThat(row.updatedAt()).isEqualTo(t(10));
    // Attempt 1 was running: its status applies, its exit 1 ends it as failed, and the crash
    // report after that end changes nothing.
    assertThat(result.ignoredEventIds()).containsExactly("late-crash");
    assertThat(result.crashes()).isEmpty();
  }

  @Test
  @DisplayName("A job.requeued with an attempt that is not higher is ignored")
  void requeueOfSameAttemptIsIgnored() {
    JobFold.Result result = fold(submitted("s", 0), finished("f", 5, 1, 1), requeued("rq", 6, 1));

    assertThat(result.row().state()).isEqualTo(JobState.FAILED);
    assertThat(result.ignoredEventIds()).containsExactly("rq");
  }

  @Test
  @DisplayName("A requeue of a terminal job reopens it as queued for the new attempt")
  void requeueReopensTerminalJob() {
    JobFold.Result result =
        fold(
            submitted("s", 0),
            started("r", 1, 1),
            crashed("c", 4, 1, Blame.THIRD_PARTY, "network", "mirror down", true),
            requeued("rq", 6, 2));
    JobRow row = result.row();

    assertThat(row.state()).isEqualTo(JobState.QUEUED);
    assertThat(row.attempt()).isEqualTo(2);
    assertThat(row.blame()).isNull();
    assertThat(row.cause()).isNull();
    assertThat(row.details()).isNull();
    assertThat(row.fatal()).isFalse();
    assertThat(row.startedAt()).isNull();
    assertThat(row.finishedAt()).isNull();
    assertThat(row.submittedAt()).isEqualTo(t(0));
    assertThat(result.ignoredEventIds()).isEmpty();
  }

  @Test
  @DisplayName("The trigger JSON and labels of job.submitted are kept verbatim")
  void triggerAndLabelsKept() {
    String trigger = "{\"message_id\": \"m-42\", \"queue\": \"blast-requests\"}";
    JobFold.Result result =
        fold(
            submittedWith("s", 0, trigger, Map.of("team", "genomics", "priority", "high")),
            started("r", 1, 1),
            finished("f", 3, 1, 0));

    assertThat(result.row().triggerJson()).isEqualTo(trigger);
    assertThat(result.row().labels())
        .containsExactlyInAnyOrderEntriesOf(Map.of("team", "genomics", "priority", "high"));
  }

  @Test
  @DisplayName("Cancelled is terminal: later start, finish and cancel change nothing")
  void cancelledIsTerminal() {
    JobFold.Result result =
        fold(
            submitted("s", 0),
            queued("q", 1),
            cancelled("c", 2),
            started("r", 3, 1),
            finished("f", 4, 1, 0),
            cancelled("c2", 5));

    assertThat(result.row().state()).isEqualTo(JobState.CANCELLED);
    assertThat(result.row().state().isTerminal()).isTrue();
    assertThat(result.row().finishedAt()).isEqualTo(t(2));
    assertThat(result.row().exitCode()).isNull();
    assertThat(result.ignoredEventIds()).containsExactlyInAnyOrder("r", "f", "c2");
  }
}
