package io.jobwatch.core.job;

import static io.jobwatch.core.Events.BASE;
import static io.jobwatch.core.Events.JOB;
import static io.jobwatch.core.Events.RUNNER;
import static io.jobwatch.core.Events.cancelled;
import static io.jobwatch.core.Events.crashed;
import static io.jobwatch.core.Events.finished;
import static io.jobwatch.core.Events.requeued;
import static io.jobwatch.core.Events.started;
import static io.jobwatch.core.Events.status;
import static io.jobwatch.core.Events.submitted;
import static io.jobwatch.core.Events.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.jobwatch.core.Events;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 9: the fold rules that must hold on unclean streams (points 1, 3, 4 and 7). */
@DisplayName("Fold edges (issue 9)")
class FoldEdgesTest {

  private static final StageKey START = Events.stage("start");

  private static JobFold.Result fold(JobEvent... events) {
    return JobFold.fold(List.of(events));
  }

  private static Instant at(String clock) {
    return Instant.parse("2026-11-22T" + clock + "Z");
  }

  private static JobEvent event(String id, Instant time, JobChange change) {
    return new JobEvent(id, time, JOB, null, change);
  }

  @Nested
  @DisplayName("1. Attempts order before timestamps")
  class AttemptsFirst {

    @Test
    @DisplayName(
        "A runner's job.started of attempt 2 timed 50 ms before the scheduler's job.requeued still"
            + " runs attempt 2, and its later status and exit apply")
    void skewedStartOfTheNextAttemptApplies() {
      JobFold.Result result =
          fold(
              new JobEvent(
                  "s",
                  at("09:59:00"),
                  JOB,
                  Events.SERVICE,
                  new JobChange.Submitted(null, null, null, null, Map.of())),
              event("r1", at("09:59:10"), new JobChange.Started(RUNNER, 1, "node-1", null)),
              event("f1", at("10:00:00"), new JobChange.Finished(1, 137)),
              event("rq", at("10:00:05.000"), new JobChange.Requeued(2, "node lost")),
              event("r2", at("10:00:04.950"), new JobChange.Started(RUNNER, 2, "node-2", null)),
              event("st", at("10:00:06"), new JobChange.Status(2, "disk full", null, null, null)),
              event("f2", at("10:00:09"), new JobChange.Finished(2, 0)));
      JobRow row = result.row();

      assertThat(row.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(row.attempt()).isEqualTo(2);
      assertThat(row.startedAt()).isEqualTo(at("10:00:04.950"));
      assertThat(row.finishedAt()).isEqualTo(at("10:00:09"));
      assertThat(row.exitCode()).isZero();
      assertThat(row.host()).isEqualTo("node-2");
      assertThat(row.runtime().error()).isEqualTo("disk full");
      assertThat(row.updatedAt()).isEqualTo(at("10:00:09"));
      assertThat(result.ignoredEventIds()).isEmpty();
      assertThat(result.crashes()).isEqualTo(Map.of(1, Blame.UNKNOWN));
    }

    @Test
    @DisplayName(
        "Events of attempt 1 timed after the requeue still belong to attempt 1: they end it, and"
            + " leave the row of attempt 2 untouched")
    void lateEventsOfTheOlderAttemptStayInTheirAttempt() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              started("r1", 1, 1),
              requeued("rq", 5, 2),
              finished("late-finish", 7, 1, 137),
              started("r2", 10, 2));

      assertThat(result.row().state()).isEqualTo(JobState.RUNNING);
      assertThat(result.row().attempt()).isEqualTo(2);
      assertThat(result.row().exitCode()).isNull();
      assertThat(result.row().blame()).isNull();
      assertThat(result.ignoredEventIds()).isEmpty();
      assertThat(result.crashes()).isEqualTo(Map.of(1, Blame.UNKNOWN));
    }

    @Test
    @DisplayName(
        "A job.cancelled (no attempt) belongs to the attempt in force at its time: before the"
            + " requeue it cannot touch attempt 2")
    void cancelBeforeTheRequeueBelongsToTheOldAttempt() {
      JobFold.Result early =
          fold(
              submitted("s", 0),
              started("r1", 1, 1),
              cancelled("c", 3),
              requeued("rq", 5, 2),
              started("r2", 6, 2));
      JobFold.Result late =
          fold(
              submitted("s", 0),
              started("r1", 1, 1),
              requeued("rq", 5, 2),
              started("r2", 6, 2),
              cancelled("c", 8));

      assertThat(early.row().state()).isEqualTo(JobState.RUNNING);
      assertThat(early.row().attempt()).isEqualTo(2);
      assertThat(early.ignoredEventIds()).isEmpty();
      assertThat(late.row().state()).isEqualTo(JobState.CANCELLED);
      assertThat(late.row().attempt()).isEqualTo(2);
      assertThat(late.row().finishedAt()).isEqualTo(t(8));
    }

    @Test
    @DisplayName(
        "The attempt in force counts any event naming an attempt: a cancel after a skewed"
            + " started{2} but before its requeue cancels attempt 2")
    void attemptInForceFollowsTheEarliestEventOfTheAttempt() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              finished("f1", 2, 1, 1),
              started("r2", 4, 2),
              cancelled("c", 5),
              requeued("rq", 6, 2));

      assertThat(result.row().attempt()).isEqualTo(2);
      assertThat(result.row().state()).isEqualTo(JobState.CANCELLED);
      assertThat(result.row().startedAt()).isEqualTo(t(4));
      assertThat(result.ignoredEventIds()).isEmpty();
    }

    @Test
    @DisplayName(
        "An older attempt's report arriving after the requeue changes nothing the row shows,"
            + " updated_at included")
    void lateReportsOfAnOlderAttemptLeaveUpdatedAt() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              started("r1", 10, 1),
              requeued("rq", 50, 2),
              status("st1", 60, 1, "late error", null, null),
              finished("f1", 70, 1, 0));

      assertThat(result.row().state()).isEqualTo(JobState.QUEUED);
      assertThat(result.row().attempt()).isEqualTo(2);
      assertThat(result.row().exitCode()).isNull();
      assertThat(result.row().runtime().error()).isNull();
      assertThat(result.row().updatedAt()).isEqualTo(t(50));
    }

    @Test
    @DisplayName(
        "job.cancelled and job.requeued{2} of one instant (a scheduler's restart): the cancel ends"
            + " attempt 1, attempt 2 runs and succeeds")
    void restartInOneInstantRunsTheNewAttempt() {
      // Second-resolution timestamps (shell `date -u +%FT%TZ`, many schedulers): the restart
      // sends cancelled and requeued{2} stamped with the same now(); rank puts the cancel first.
      JobFold.Result result =
          fold(
              submitted("s", 0),
              started("r1", 1, 1),
              cancelled("c", 5),
              requeued("rq", 5, 2),
              started("r2", 7, 2),
              finished("f2", 9, 2, 0));

      assertThat(result.row().attempt()).isEqualTo(2);
      assertThat(result.row().state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(result.row().startedAt()).isEqualTo(t(7));
      assertThat(result.row().finishedAt()).isEqualTo(t(9));
      assertThat(result.ignoredEventIds()).isEmpty();
    }

    @Test
    @DisplayName(
        "A job.cancelled a millisecond after job.requeued{2} cancels attempt 2: only a requeue of"
            + " the cancel's very instant is not yet in force")
    void cancelJustAfterTheRequeueCancelsTheNewAttempt() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              started("r1", 1, 1),
              requeued("rq", 5, 2),
              event("c", t(5).plusMillis(1), new JobChange.Cancelled("withdrawn")),
              started("r2", 7, 2));

      assertThat(result.row().attempt()).isEqualTo(2);
      assertThat(result.row().state()).isEqualTo(JobState.CANCELLED);
      assertThat(result.row().finishedAt()).isEqualTo(t(5).plusMillis(1));
      assertThat(result.ignoredEventIds()).containsExactly("r2");
    }

    @Test
    @DisplayName(
        "A job.cancelled of the instant of a job.started{2} belongs to attempt 2 even when the"
            + " requeue shares that instant: started ranks before cancelled")
    void cancelOfTheInstantOfTheNextAttemptsStartCancelsIt() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              started("r1", 1, 1),
              cancelled("c", 5),
              requeued("rq", 5, 2),
              started("r2", 5, 2));

      assertThat(result.row().attempt()).isEqualTo(2);
      assertThat(result.row().state()).isEqualTo(JobState.CANCELLED);
      assertThat(result.ignoredEventIds()).isEmpty();
    }

    @Test
    @DisplayName("Events of an attempt nobody requeued to stay ignored until the requeue arrives")
    void attemptWithoutRequeueIsIgnored() {
      JobFold.Result result = fold(submitted("s", 0), finished("f1", 2, 1, 1), started("r2", 4, 2));

      assertThat(result.row().state()).isEqualTo(JobState.FAILED);
      assertThat(result.row().attempt()).isEqualTo(1);
      assertThat(result.ignoredEventIds()).containsExactly("r2");
    }
  }

  @Nested
  @DisplayName("3. Exit codes as a table")
  class ExitCodeTable {

    @ParameterizedTest(name = "exit {0} -> {1} {2} {3}")
    @CsvSource(
        nullValues = "-",
        value = {
          "0,    SUCCEEDED, -,        -",
          "1,    FAILED,    -,        -",
          "2,    FAILED,    -,        -",
          "125,  FAILED,    -,        -",
          "126,  CRASHED,   PLATFORM, not_started",
          "127,  CRASHED,   PLATFORM, not_started",
          "128,  FAILED,    -,        -",
          "129,  CRASHED,   UNKNOWN,  signal_1",
          "137,  CRASHED,   UNKNOWN,  signal_9",
          "143,  CRASHED,   UNKNOWN,  signal_15",
          "192,  CRASHED,   UNKNOWN,  signal_64",
          "193,  FAILED,    -,        -",
          "255,  FAILED,    -,        -",
          "256,  FAILED,    -,        -",
          "-1,   CRASHED,   UNKNOWN,  signal_1",
          "-9,   CRASHED,   UNKNOWN,  signal_9",
          "-64,  CRASHED,   UNKNOWN,  signal_64",
          "-65,  FAILED,    -,        -",
        })
    @DisplayName("Each exit code ends the attempt as the documented table says")
    void exitCodeTable(int exitCode, JobState state, Blame blame, String cause) {
      JobRow row = fold(submitted("s", 0), started("r", 1, 1), finished("f", 5, 1, exitCode)).row();

      assertThat(row.state()).isEqualTo(state);
      assertThat(row.blame()).isEqualTo(blame);
      assertThat(row.cause()).isEqualTo(cause);
      assertThat(row.exitCode()).isEqualTo(exitCode);
    }

    @ParameterizedTest(name = "exit code {0}")
    @CsvSource({"126", "127"})
    @DisplayName(
        "A job that reported job.started and then exits 126/127 gives one start error and no"
            + " start success")
    void startedThenNotStartedIsOnlyAnError(int exitCode) {
      JobFold.Result result =
          fold(submitted("s", 0), started("r", 1, 1), finished("f", 5, 1, exitCode));

      assertThat(result.stageEvidence())
          .extracting(StageObservation::eventId, StageObservation::key, StageObservation::ok)
          .containsExactly(tuple("f", START, false));
    }

    @Test
    @DisplayName(
        "The start success of an earlier attempt stays when a later attempt exits 127; the later"
            + " attempt's start is an error only")
    void onlyTheFailingAttemptLosesItsStartSuccess() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              started("r1", 1, 1),
              finished("f1", 2, 1, 1),
              requeued("rq", 3, 2),
              started("r2", 4, 2),
              finished("f2", 5, 2, 127));

      assertThat(result.stageEvidence())
          .extracting(StageObservation::eventId, StageObservation::ok)
          .containsExactly(tuple("r1", true), tuple("f2", false));
    }
  }

  @Nested
  @DisplayName("3b. The runner of an exit 126/127 (its start error)")
  class NotStartedRunner {

    private JobEvent submittedWithoutRunner() {
      return new JobEvent(
          "s",
          t(0),
          JOB,
          Events.SERVICE,
          new JobChange.Submitted(null, null, List.of(), null, Map.of()));
    }

    /** job.queued as docs/publishing.md shows it: {job_id, attempt}, no runner. */
    private JobEvent queuedWithoutRunner() {
      return event("q", t(1), new JobChange.Queued(null, 1));
    }

    @Test
    @DisplayName(
        "Exit 127 on a job.finished that names its runner, no other event naming one, is a start"
            + " error of that runner")
    void finishedNamesTheRunnerOfItsStartError() {
      JobFold.Result result =
          fold(
              submittedWithoutRunner(),
              queuedWithoutRunner(),
              event("f", t(30), new JobChange.Finished(RUNNER, 1, 127)));

      assertThat(result.row().state()).isEqualTo(JobState.CRASHED);
      assertThat(result.row().cause()).isEqualTo("not_started");
      assertThat(result.row().runner()).isEqualTo(RUNNER);
      assertThat(result.stageEvidence())
          .extracting(StageObservation::eventId, StageObservation::key, StageObservation::ok)
          .containsExactly(tuple("f", START, false));
    }

    @Test
    @DisplayName(
        "A job.finished's runner only fills in: the runner job.started named keeps the start"
            + " error and the row")
    void finishedDoesNotReplaceTheStartedRunner() {
      JobFold.Result result =
          fold(
              submittedWithoutRunner(),
              event("r", t(2), new JobChange.Started("sge", 1, "node-7", null)),
              event("f", t(5), new JobChange.Finished(RUNNER, 1, 127)));

      assertThat(result.row().runner()).isEqualTo("sge");
      assertThat(result.stageEvidence())
          .extracting(StageObservation::eventId, StageObservation::key, StageObservation::ok)
          .containsExactly(tuple("f", new StageKey(Events.SERVICE, "sge", "start"), false));
    }

    @Test
    @DisplayName(
        "Exit 127 timed a few ms before the runner's job.started (two clocks): the ignored start"
            + " still names the runner of the start error, and changes nothing else")
    void startSkewedAfterTheExitNamesTheRunner() {
      JobFold.Result result =
          fold(
              submittedWithoutRunner(),
              queuedWithoutRunner(),
              event("r", t(5).plusMillis(10), new JobChange.Started(RUNNER, 1, "node-7", null)),
              finished("f", 5, 1, 127));

      assertThat(result.row().state()).isEqualTo(JobState.CRASHED);
      assertThat(result.row().blame()).isEqualTo(Blame.PLATFORM);
      assertThat(result.row().runner()).isEqualTo(RUNNER);
      assertThat(result.row().startedAt()).isNull();
      assertThat(result.row().host()).isNull();
      assertThat(result.row().updatedAt()).isEqualTo(t(5));
      assertThat(result.ignoredEventIds()).containsExactly("r");
      assertThat(result.stageEvidence())
          .extracting(StageObservation::eventId, StageObservation::key, StageObservation::ok)
          .containsExactly(tuple("f", START, false));
    }

    @Test
    @DisplayName(
        "A job.submitted naming the runner, timed after the exit 127, gives the start error its"
            + " runner")
    void submissionAfterTheExitNamesTheRunner() {
      JobFold.Result result =
          fold(
              event("f", t(5), new JobChange.Finished(1, 127)),
              new JobEvent(
                  "s",
                  t(6),
                  JOB,
                  Events.SERVICE,
                  new JobChange.Submitted(RUNNER, null, List.of(), null, Map.of())));

      assertThat(result.row().runner()).isEqualTo(RUNNER);
      assertThat(result.stageEvidence())
          .extracting(StageObservation::eventId, StageObservation::key, StageObservation::ok)
          .containsExactly(tuple("f", START, false));
    }

    @Test
    @DisplayName(
        "A started of another attempt names no runner for this attempt's start error, and a"
            + " requeue leaves an earlier attempt's error without one")
    void onlyTheSameAttemptsStartNamesTheRunner() {
      JobFold.Result result =
          fold(
              submittedWithoutRunner(),
              finished("f1", 5, 1, 127),
              requeued("rq", 6, 2),
              started("r2", 7, 2));

      assertThat(result.row().runner()).isEqualTo(RUNNER);
      assertThat(result.stageEvidence())
          .extracting(StageObservation::eventId, StageObservation::ok)
          .containsExactly(tuple("r2", true));
    }

    @Test
    @DisplayName(
        "A job.crashed names the job's runner when nothing else did, without stage evidence")
    void crashedFillsInTheRunner() {
      JobFold.Result result =
          fold(
              submittedWithoutRunner(),
              event(
                  "c", t(5), new JobChange.Crashed(RUNNER, 1, Blame.PLATFORM, "oom", null, false)));

      assertThat(result.row().runner()).isEqualTo(RUNNER);
      assertThat(result.stageEvidence()).isEmpty();
    }
  }

  @Nested
  @DisplayName("4. Crash numbers agree with the jobs")
  class Crashes {

    @Test
    @DisplayName(
        "A job.crashed timed after exit 137 of the same attempt explains the signal: blame and"
            + " cause move from unknown/signal_9 to the report's")
    void crashReportAfterSignalExitRefinesTheCrash() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              started("r", 1, 1),
              finished("f", 10, 1, 137),
              crashed("c", 15, 1, Blame.THIRD_PARTY, "network", "mirror down", false));
      JobRow row = result.row();

      assertThat(row.state()).isEqualTo(JobState.CRASHED);
      assertThat(row.blame()).isEqualTo(Blame.THIRD_PARTY);
      assertThat(row.cause()).isEqualTo("network");
      assertThat(row.details()).isEqualTo("mirror down");
      assertThat(row.exitCode()).isEqualTo(137);
      assertThat(row.finishedAt()).isEqualTo(t(10));
      assertThat(result.ignoredEventIds()).isEmpty();
      assertThat(result.crashes()).isEqualTo(Map.of(1, Blame.THIRD_PARTY));
    }

    @Test
    @DisplayName("A job.crashed timed before exit 137 wins; the exit changes nothing")
    void crashReportBeforeSignalExitWins() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              started("r", 1, 1),
              finished("f", 10, 1, 137),
              crashed("c", 5, 1, Blame.THIRD_PARTY, "network", null, false));

      assertThat(result.row().blame()).isEqualTo(Blame.THIRD_PARTY);
      assertThat(result.crashes()).isEqualTo(Map.of(1, Blame.THIRD_PARTY));
      assertThat(result.ignoredEventIds()).containsExactly("f");
    }

    @ParameterizedTest(name = "exit {0}")
    @CsvSource({"143", "130", "137", "-15"})
    @DisplayName(
        "A job.cancelled stamped in the very instant of an exit by a signal (scancel, a CI cancel:"
            + " the runner reports the SIGTERM's 143 within the cancel's second) is a cancel, no"
            + " crash; the exit code stays")
    void cancelInTheInstantOfASignalExitIsNoCrash(int exitCode) {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              started("r", 1, 1),
              finished("f", 10, 1, exitCode),
              cancelled("c", 10));
      JobRow row = result.row();

      assertThat(row.state()).isEqualTo(JobState.CANCELLED);
      assertThat(row.blame()).isNull();
      assertThat(row.cause()).isNull();
      assertThat(row.details()).isNull();
      assertThat(row.exitCode()).isEqualTo(exitCode);
      assertThat(row.finishedAt()).isEqualTo(t(10));
      assertThat(row.updatedAt()).isEqualTo(t(10));
      assertThat(result.crashes()).isEmpty();
      assertThat(result.ignoredEventIds()).isEmpty();
    }

    @Test
    @DisplayName(
        "A runner stamping whole seconds reports the cancel's SIGTERM as exit 143 at the start of"
            + " the cancel's second (the scheduler's cancel at 10.700 s, the exit at 10 s): a"
            + " cancel, no crash; an exit stamped in milliseconds keeps its own instant")
    void cancelInTheWholeSecondOfASignalExitIsNoCrash() {
      JobFold.Result wholeSecondExit =
          fold(
              submitted("s", 0),
              started("r", 1, 1),
              finished("f", 10, 1, 143),
              event("c", t(10).plusMillis(700), new JobChange.Cancelled("scancel")));
      JobFold.Result preciseExit =
          fold(
              submitted("s", 0),
              started("r", 1, 1),
              event("f", t(10).plusMillis(300), new JobChange.Finished(null, 1, 143)),
              event("c", t(10).plusMillis(700), new JobChange.Cancelled("scancel")));
      JobFold.Result nextSecond =
          fold(
              submitted("s", 0),
              started("r", 1, 1),
              finished("f", 10, 1, 143),
              event("c", t(11), new JobChange.Cancelled("scancel")));

      JobRow row = wholeSecondExit.row();
      assertThat(row.state()).isEqualTo(JobState.CANCELLED);
      assertThat(row.blame()).isNull();
      assertThat(row.cause()).isNull();
      assertThat(row.exitCode()).isEqualTo(143);
      assertThat(row.finishedAt()).isEqualTo(t(10));
      assertThat(wholeSecondExit.crashes()).isEmpty();
      assertThat(wholeSecondExit.ignoredEventIds()).isEmpty();
      assertThat(preciseExit.row().state()).isEqualTo(JobState.CRASHED);
      assertThat(preciseExit.crashes()).isEqualTo(Map.of(1, Blame.UNKNOWN));
      assertThat(nextSecond.row().state()).isEqualTo(JobState.CRASHED);
      assertThat(nextSecond.crashes()).isEqualTo(Map.of(1, Blame.UNKNOWN));
    }

    @Test
    @DisplayName(
        "In the instant of a signal exit, a crash report that explains it wins over a cancel of"
            + " that instant, and a cancel does not undo a non-signal end of its instant")
    void cancelInTheInstantOfAnExplainedOrOtherEndChangesNothing() {
      JobFold.Result explained =
          fold(
              submitted("s", 0),
              started("r", 1, 1),
              finished("f", 10, 1, 137),
              crashed("oom", 10, 1, Blame.TASK, "oom", null, false),
              cancelled("c", 10));
      JobFold.Result notStarted =
          fold(submitted("s", 0), finished("f", 10, 1, 127), cancelled("c", 10));
      JobFold.Result failed = fold(submitted("s", 0), finished("f", 10, 1, 1), cancelled("c", 10));

      assertThat(explained.row().state()).isEqualTo(JobState.CRASHED);
      assertThat(explained.crashes()).isEqualTo(Map.of(1, Blame.TASK));
      assertThat(explained.ignoredEventIds()).containsExactly("c");
      assertThat(notStarted.row().state()).isEqualTo(JobState.CRASHED);
      assertThat(notStarted.crashes()).isEqualTo(Map.of(1, Blame.PLATFORM));
      assertThat(failed.row().state()).isEqualTo(JobState.FAILED);
    }

    @Test
    @DisplayName(
        "A job.crashed {blame: platform, cause: not_started} (a pod that never pulled its image) is"
            + " a start error of the runner, as exit 127 is, replacing the attempt's start success")
    void platformNotStartedCrashIsAStartError() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              started("r", 1, 1),
              event(
                  "c",
                  t(5),
                  new JobChange.Crashed(
                      null, 1, Blame.PLATFORM, "not_started", "ImagePullBackOff", false)));

      assertThat(result.row().state()).isEqualTo(JobState.CRASHED);
      assertThat(result.row().blame()).isEqualTo(Blame.PLATFORM);
      assertThat(result.row().details()).isEqualTo("ImagePullBackOff");
      assertThat(result.stageEvidence())
          .extracting(
              StageObservation::eventId,
              StageObservation::key,
              StageObservation::ok,
              StageObservation::time,
              StageObservation::errorClass)
          .containsExactly(tuple("c", START, false, t(5), "NotStarted"));
      assertThat(result.stageEvidence().get(0).message()).contains("ImagePullBackOff");
    }

    @Test
    @DisplayName(
        "A not_started crash blamed on the task or on no one, or a platform crash of another"
            + " cause, is no stage evidence: the start success stays")
    void otherCrashReportsAreNoStartError() {
      for (JobChange.Crashed crash :
          List.of(
              new JobChange.Crashed(null, 1, Blame.TASK, "not_started", "no such image", false),
              new JobChange.Crashed(null, 1, Blame.UNKNOWN, "not_started", null, false),
              new JobChange.Crashed(null, 1, Blame.PLATFORM, "oom", null, false))) {
        JobFold.Result result =
            fold(submitted("s", 0), started("r", 1, 1), event("c", t(5), crash));

        assertThat(result.stageEvidence())
            .as("%s", crash)
            .extracting(StageObservation::eventId, StageObservation::ok)
            .containsExactly(tuple("r", true));
      }
    }

    @Test
    @DisplayName(
        "A platform not_started crash report that explains a signal exit (the process ran) is no"
            + " start error")
    void notStartedReportAfterSignalExitIsNoStartError() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              started("r", 1, 1),
              finished("f", 5, 1, 137),
              crashed("c", 6, 1, Blame.PLATFORM, "not_started", null, false));

      assertThat(result.row().cause()).isEqualTo("not_started");
      assertThat(result.stageEvidence())
          .extracting(StageObservation::eventId, StageObservation::ok)
          .containsExactly(tuple("r", true));
    }

    @Test
    @DisplayName("A job.crashed after exit 127 (a known platform crash) does not re-blame it")
    void crashReportAfterNotStartedIsIgnored() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              finished("f", 10, 1, 127),
              crashed("c", 15, 1, Blame.TASK, "oom", null, false));

      assertThat(result.row().blame()).isEqualTo(Blame.PLATFORM);
      assertThat(result.ignoredEventIds()).containsExactly("c");
    }

    @Test
    @DisplayName("A failed attempt (exit 1) is not turned into a crash by a later job.crashed")
    void crashReportAfterFailureIsIgnored() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              finished("f", 10, 1, 1),
              crashed("c", 15, 1, Blame.TASK, "oom", null, false));

      assertThat(result.row().state()).isEqualTo(JobState.FAILED);
      assertThat(result.crashes()).isEmpty();
    }

    @Test
    @DisplayName("Each crashed attempt is reported with the blame its attempt ended with")
    void everyCrashedAttemptKeepsItsBlame() {
      JobFold.Result result =
          fold(
              submitted("s", 0),
              finished("f1", 2, 1, 137),
              requeued("rq2", 3, 2),
              crashed("c2", 4, 2, null, null, null, false),
              requeued("rq3", 5, 3),
              finished("f3", 6, 3, 127));

      assertThat(result.crashes())
          .containsOnly(
              Map.entry(1, Blame.UNKNOWN),
              Map.entry(2, Blame.UNKNOWN),
              Map.entry(3, Blame.PLATFORM));
    }
  }

  @Test
  @DisplayName("Millisecond helper: the base instant is 10:00:00")
  void baseIsTen() {
    assertThat(BASE).isEqualTo(at("10:00:00"));
  }
}
