package io.jobwatch.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.jobwatch.core.JobEvent;
import io.jobwatch.core.stage.StageObservation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scheduler mappings of docs/publishing.md ("Mapping your scheduler"), played as their
 * publishers send them: each folds to the row the page promises, in one fold and one event per
 * batch through the planner alike.
 */
@DisplayName("Scheduler mappings of docs/publishing.md")
class SchedulerMappingsTest {

  private static final Instant BASE = Instant.parse("2026-11-22T10:00:00Z");
  private static final String JOB = "4242_7";

  private static Instant t(double seconds) {
    return BASE.plusMillis(Math.round(seconds * 1000));
  }

  private static JobEvent event(String id, double at, JobChange change) {
    return new JobEvent(id, t(at), JOB, null, change);
  }

  private static JobEvent submitted(String runner) {
    return new JobEvent(
        "sub", t(0), JOB, "blast", new JobChange.Submitted(runner, null, null, null, Map.of()));
  }

  private static JobEvent started(String id, double at, String runner, int attempt) {
    return event(id, at, new JobChange.Started(runner, attempt, "node-" + attempt, null));
  }

  private static JobEvent finished(String id, double at, int attempt, int exitCode) {
    return event(id, at, new JobChange.Finished(null, attempt, exitCode));
  }

  private static JobEvent crashed(
      String id, double at, int attempt, Blame blame, String cause, String details) {
    return event(id, at, new JobChange.Crashed(null, attempt, blame, cause, details, false));
  }

  /** The full fold, checked against the planner fed one event per batch in the given order. */
  private static JobFold.Result fold(JobEvent... events) {
    JobFold.Result result = JobFold.fold(List.of(events));
    PlannerModel planner = new PlannerModel(4);
    for (JobEvent event : events) {
      planner.deliver(List.of(event));
    }
    assertThat(planner.row(JOB)).as("incremental row").isEqualTo(result.row());
    assertThat(planner.crashRows(JOB)).as("incremental crash rows").isEqualTo(result.crashes());
    return result;
  }

  @ParameterizedTest(name = "Slurm State {0}, ExitCode {1}: exit_code {2} reads {3}")
  @CsvSource({
    "COMPLETED, 0:0, 0, SUCCEEDED,",
    "FAILED, 1:0, 1, FAILED,",
    "FAILED, 0:9, 137, CRASHED, signal_9",
    "FAILED, 0:15, 143, CRASHED, signal_15",
  })
  @DisplayName("Slurm: a finished job's ExitCode r:s is exit_code r, or 128 + s when s is not 0")
  void slurmExitCodePairs(String state, String pair, int exitCode, JobState row, String cause) {
    JobFold.Result result =
        fold(submitted("slurm"), started("s1", 1, "slurm", 1), finished("f1", 9, 1, exitCode));

    assertThat(result.row().state()).isEqualTo(row);
    assertThat(result.row().exitCode()).isEqualTo(exitCode);
    assertThat(result.row().cause()).isEqualTo(cause);
  }

  @Test
  @DisplayName(
      "Slurm CANCELLED by uid (ExitCode 0:15) is job.cancelled: a cancel, not a crash by signal")
  void slurmCancelledIsNotACrash() {
    JobFold.Result result =
        fold(
            submitted("slurm"),
            started("s1", 1, "slurm", 1),
            event("c", 9, new JobChange.Cancelled("cancelled by uid 1001")));

    assertThat(result.row().state()).isEqualTo(JobState.CANCELLED);
    assertThat(result.crashes()).isEmpty();
  }

  @ParameterizedTest(name = "Slurm {0}: job.crashed blame {1} cause {2}")
  @CsvSource({
    "TIMEOUT, TASK, timeout",
    "OUT_OF_MEMORY, TASK, oom",
    "NODE_FAIL, PLATFORM, node_fail",
  })
  @DisplayName("Slurm TIMEOUT, OUT_OF_MEMORY and NODE_FAIL are crashes with the documented blame")
  void slurmCrashStates(String state, Blame blame, String cause) {
    JobFold.Result result =
        fold(
            submitted("slurm"),
            started("s1", 1, "slurm", 1),
            crashed("c1", 9, 1, blame, cause, state));

    assertThat(result.row().state()).isEqualTo(JobState.CRASHED);
    assertThat(result.row().blame()).isEqualTo(blame);
    assertThat(result.row().cause()).isEqualTo(cause);
    assertThat(result.crashes()).isEqualTo(Map.of(1, blame));
  }

  @Test
  @DisplayName("Slurm BOOT_FAIL (blame platform, cause not_started) is a start error of slurm")
  void slurmBootFailIsAStartError() {
    JobFold.Result result =
        fold(
            submitted("slurm"),
            event("q1", 0.5, new JobChange.Queued("slurm", 1)),
            crashed("c1", 9, 1, Blame.PLATFORM, "not_started", "BOOT_FAIL"));

    assertThat(result.row().state()).isEqualTo(JobState.CRASHED);
    assertThat(result.stageEvidence())
        .filteredOn(observation -> !observation.ok())
        .extracting(o -> o.key().runner(), o -> o.key().stage(), StageObservation::errorClass)
        .containsExactly(tuple("slurm", "start", "NotStarted"));
  }

  @Test
  @DisplayName(
      "Slurm PREEMPTED and requeued under the same job id: the crash report of attempt 1"
          + " arriving after the requeue and the restart counts against attempt 1 only")
  void slurmPreemptedRequeueWithALateCrashReport() {
    JobFold.Result result =
        fold(
            submitted("slurm"),
            started("s1", 1, "slurm", 1),
            event("rq", 10, new JobChange.Requeued(2, "preempted")),
            started("s2", 12, "slurm", 2),
            crashed("c1", 9, 1, Blame.PLATFORM, "preempted", null));

    assertThat(result.row().state()).isEqualTo(JobState.RUNNING);
    assertThat(result.row().attempt()).isEqualTo(2);
    assertThat(result.row().blame()).isNull();
    assertThat(result.row().host()).isEqualTo("node-2");
    assertThat(result.crashes()).isEqualTo(Map.of(1, Blame.PLATFORM));
    assertThat(result.ignoredEventIds()).isEmpty();
  }

  @Test
  @DisplayName("A held pending job is waiting (held) and queued again on release")
  void heldPendingJob() {
    JobFold.Result held =
        fold(
            submitted("slurm"),
            event("q1", 1, new JobChange.Queued("slurm", 1)),
            event("h", 2, new JobChange.Waiting("held")));
    JobFold.Result released =
        fold(
            submitted("slurm"),
            event("q1", 1, new JobChange.Queued("slurm", 1)),
            event("h", 2, new JobChange.Waiting("held")),
            event("q2", 3, new JobChange.Queued("slurm", null)));

    assertThat(held.row().state()).isEqualTo(JobState.WAITING);
    assertThat(held.row().waitingReason()).isEqualTo("held");
    assertThat(released.row().state()).isEqualTo(JobState.QUEUED);
    assertThat(released.row().waitingReason()).isNull();
  }

  @Test
  @DisplayName(
      "HTCondor hold of a running job: job.requeued{n+1} and job.waiting (held) show it held;"
          + " a job.waiting alone is ignored while the process runs")
  void condorHoldOfARunningJob() {
    JobFold.Result asDocumented =
        fold(
            submitted("condor"),
            started("s1", 1, "condor", 1),
            event("rq", 5, new JobChange.Requeued(2, "held")),
            event("h", 5, new JobChange.Waiting("held")));
    JobFold.Result released =
        fold(
            submitted("condor"),
            started("s1", 1, "condor", 1),
            event("rq", 5, new JobChange.Requeued(2, "held")),
            event("h", 5, new JobChange.Waiting("held")),
            event("q2", 60, new JobChange.Queued(null, null)),
            started("s2", 70, "condor", 2));
    JobFold.Result waitingAlone =
        fold(
            submitted("condor"),
            started("s1", 1, "condor", 1),
            event("h", 5, new JobChange.Waiting("held")));

    assertThat(asDocumented.row().state()).isEqualTo(JobState.WAITING);
    assertThat(asDocumented.row().waitingReason()).isEqualTo("held");
    assertThat(asDocumented.row().attempt()).isEqualTo(2);
    assertThat(released.row().state()).isEqualTo(JobState.RUNNING);
    assertThat(released.row().startedAt()).isEqualTo(t(70));
    assertThat(waitingAlone.row().state()).isEqualTo(JobState.RUNNING);
    assertThat(waitingAlone.ignoredEventIds()).containsExactly("h");
  }

  @Test
  @DisplayName(
      "HTCondor ExitBySignal sent as exit_code 128 + ExitSignal is a crash by that signal, which"
          + " a later job.crashed explains")
  void condorExitBySignal() {
    JobFold.Result bySignal =
        fold(submitted("condor"), started("s1", 1, "condor", 1), finished("f1", 9, 1, 128 + 9));
    JobFold.Result explained =
        fold(
            submitted("condor"),
            started("s1", 1, "condor", 1),
            finished("f1", 9, 1, 128 + 9),
            crashed("c1", 10, 1, Blame.TASK, "oom", "memory limit exceeded"));

    assertThat(bySignal.row().state()).isEqualTo(JobState.CRASHED);
    assertThat(bySignal.row().cause()).isEqualTo("signal_9");
    assertThat(bySignal.row().blame()).isEqualTo(Blame.UNKNOWN);
    assertThat(explained.row().exitCode()).isEqualTo(137);
    assertThat(explained.row().cause()).isEqualTo("oom");
    assertThat(explained.crashes()).isEqualTo(Map.of(1, Blame.TASK));
  }

  @Test
  @DisplayName(
      "Celery: attempt is request.retries + 1, a retry is job.requeued{retries + 2}; the retry's"
          + " runtime error does not leak into the attempt that succeeds")
  void celeryRetry() {
    JobFold.Result result =
        fold(
            submitted("celery"),
            started("s1", 1, "celery", 1),
            event("e1", 2, new JobChange.Status(1, "ConnectionError: broker", null, null, null)),
            event("rq", 3, new JobChange.Requeued(2, "retry")),
            event("eta", 3.5, new JobChange.Waiting("eta")),
            started("s2", 63, "celery", 2),
            finished("f2", 70, 2, 0));

    assertThat(result.row().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(result.row().attempt()).isEqualTo(2);
    assertThat(result.row().runtime().error()).isNull();
    assertThat(result.ignoredEventIds()).isEmpty();
  }

  @Test
  @DisplayName(
      "Celery revoke: cancelled while queued or while running; a status sent after the revoke is"
          + " ignored")
  void celeryRevoke() {
    JobFold.Result queued =
        fold(
            submitted("celery"),
            event("q1", 1, new JobChange.Queued("celery", 1)),
            event("c", 5, new JobChange.Cancelled("revoked")));
    JobFold.Result running =
        fold(
            submitted("celery"),
            started("s1", 1, "celery", 1),
            event("c", 5, new JobChange.Cancelled("revoked")),
            event("late", 6, new JobChange.Status(1, "SystemExit", null, null, null)));

    assertThat(queued.row().state()).isEqualTo(JobState.CANCELLED);
    assertThat(queued.row().startedAt()).isNull();
    assertThat(running.row().state()).isEqualTo(JobState.CANCELLED);
    assertThat(running.row().runtime().error()).isNull();
    assertThat(running.ignoredEventIds()).containsExactly("late");
  }

  @Test
  @DisplayName(
      "Nomad/AWS Batch: a re-evaluation's second job.submitted changes nothing; a rescheduled"
          + " allocation is job.requeued{n+1} before its events, which wait for it otherwise")
  void nomadReevaluationAndReschedule() {
    JobFold.Result reevaluated =
        fold(
            submitted("nomad"),
            started("s1", 1, "nomad", 1),
            new JobEvent(
                "sub-again",
                t(5),
                JOB,
                "blast",
                new JobChange.Submitted("nomad", null, null, null, Map.of())));
    JobFold.Result withoutRequeue =
        fold(submitted("nomad"), started("s1", 1, "nomad", 1), started("s2", 20, "nomad", 2));
    JobFold.Result rescheduled =
        fold(
            submitted("nomad"),
            started("s1", 1, "nomad", 1),
            started("s2", 20, "nomad", 2),
            event("rq", 19, new JobChange.Requeued(2, "allocation lost")),
            finished("f2", 30, 2, 0));

    assertThat(reevaluated.row().state()).isEqualTo(JobState.RUNNING);
    assertThat(reevaluated.ignoredEventIds()).containsExactly("sub-again");
    assertThat(withoutRequeue.row().attempt()).isEqualTo(1);
    assertThat(withoutRequeue.ignoredEventIds()).containsExactly("s2");
    assertThat(rescheduled.row().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(rescheduled.row().attempt()).isEqualTo(2);
    assertThat(rescheduled.ignoredEventIds()).isEmpty();
  }

  @ParameterizedTest(name = "shell $? {0}: {1} {2} {3}")
  @CsvSource({
    "124, FAILED, ,",
    "127, CRASHED, PLATFORM, not_started",
    "126, CRASHED, PLATFORM, not_started",
    "137, CRASHED, UNKNOWN, signal_9",
    "143, CRASHED, UNKNOWN, signal_15",
    "-9, CRASHED, UNKNOWN, signal_9",
  })
  @DisplayName(
      "Shell wrappers: timeout's 124 is a failure, 126/127 never started, 128 + n and Python's"
          + " -n a signal")
  void shellWrapperCodes(int exitCode, JobState state, Blame blame, String cause) {
    JobFold.Result result =
        fold(submitted("cron"), started("s1", 1, "cron", 1), finished("f1", 11, 1, exitCode));

    assertThat(result.row().state()).isEqualTo(state);
    assertThat(result.row().blame()).isEqualTo(blame);
    assertThat(result.row().cause()).isEqualTo(cause);
  }

  @Test
  @DisplayName(
      "A Windows exit code outside -64..255 reported as the documented status error and exit 1"
          + " reads failed, the code in runtime_error")
  void windowsExitCode() {
    JobFold.Result result =
        fold(
            submitted("windows"),
            started("s1", 1, "windows", 1),
            event("st", 9, new JobChange.Status(1, "exit code 1603 (0x643)", null, null, null)),
            finished("f1", 9, 1, 1));

    assertThat(result.row().state()).isEqualTo(JobState.FAILED);
    assertThat(result.row().runtime().error()).isEqualTo("exit code 1603 (0x643)");
  }
}
