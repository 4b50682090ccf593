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
      "Slurm: a job that starts as sbatch returns (sacct's Start in whole seconds, before the"
          + " runner's job.queued stamped by its millisecond clock in that second) still proves"
          + " the submit stage; a job.queued in a later second is history")
  void slurmQueuedWithinTheSecondOfAWholeSecondStart() {
    JobFold.Result immediate =
        fold(
            submitted(null),
            started("s1", 5, "slurm", 1),
            event("q1", 5.7, new JobChange.Queued("slurm", 1)),
            finished("f1", 9, 1, 0));
    JobFold.Result late =
        fold(
            submitted(null),
            started("s1", 5, "slurm", 1),
            event("q1", 6.1, new JobChange.Queued("slurm", 1)),
            finished("f1", 9, 1, 0));

    assertThat(immediate.row().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(immediate.row().startedAt()).isEqualTo(t(5));
    assertThat(immediate.ignoredEventIds()).isEmpty();
    assertThat(immediate.stageEvidence())
        .extracting(o -> o.eventId(), o -> o.key().runner(), o -> o.key().stage(), o -> o.ok())
        .containsExactlyInAnyOrder(
            tuple("s1", "slurm", "start", true), tuple("q1", "slurm", "submit", true));
    assertThat(late.row()).isEqualTo(immediate.row());
    assertThat(late.ignoredEventIds()).containsExactly("q1");
    assertThat(late.stageEvidence()).extracting(o -> o.key().stage()).containsExactly("start");
  }

  @Test
  @DisplayName(
      "Grid Engine: a job killed at h_rt (exit 137) explained as a task timeout; Eqw (the"
          + " shepherd could not start it) a start error, run again as attempt 2 once cleared;"
          + " qdel with the kill's 137 after it a cancel")
  void gridEngine() {
    JobFold.Result hardRuntime =
        fold(
            submitted("sge"),
            started("s1", 1, "sge", 1),
            finished("f1", 3600, 1, 137),
            crashed("c1", 3600, 1, Blame.TASK, "timeout", "h_rt exceeded"));
    JobFold.Result errorState =
        fold(
            submitted("sge"),
            event("q1", 0.5, new JobChange.Queued("sge", 1)),
            crashed("c1", 2, 1, Blame.PLATFORM, "not_started", "Eqw: can't chdir"),
            event("rq", 600, new JobChange.Requeued(2, "qmod -cj")),
            started("s2", 610, "sge", 2),
            finished("f2", 620, 2, 0));
    JobFold.Result deleted =
        fold(
            submitted("sge"),
            started("s1", 1, "sge", 1),
            event("c", 9, new JobChange.Cancelled("qdel")),
            finished("f1", 10, 1, 137));

    assertThat(hardRuntime.row().state()).isEqualTo(JobState.CRASHED);
    assertThat(hardRuntime.row().exitCode()).isEqualTo(137);
    assertThat(hardRuntime.row().cause()).isEqualTo("timeout");
    assertThat(hardRuntime.crashes()).isEqualTo(Map.of(1, Blame.TASK));
    assertThat(errorState.row().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(errorState.crashes()).isEqualTo(Map.of(1, Blame.PLATFORM));
    assertThat(errorState.stageEvidence())
        .extracting(StageObservation::eventId, o -> o.key().stage(), StageObservation::ok)
        .containsExactlyInAnyOrder(
            tuple("q1", "submit", true), tuple("c1", "start", false), tuple("s2", "start", true));
    assertThat(deleted.row().state()).isEqualTo(JobState.CANCELLED);
    assertThat(deleted.crashes()).isEmpty();
    assertThat(deleted.ignoredEventIds()).containsExactly("f1");
  }

  @Test
  @DisplayName(
      "Kubernetes: a Job deleted while its pod runs is a cancel; the pod's SIGTERM exit 143,"
          + " stamped in whole seconds within the deletion's second, changes nothing")
  void kubernetesJobDeleted() {
    JobFold.Result result =
        fold(
            submitted("kubernetes"),
            started("s1", 1, "kubernetes", 1),
            finished("f1", 30, 1, 143),
            event("c", 30.4, new JobChange.Cancelled("deleted")));

    assertThat(result.row().state()).isEqualTo(JobState.CANCELLED);
    assertThat(result.row().blame()).isNull();
    assertThat(result.crashes()).isEmpty();
  }

  @Test
  @DisplayName(
      "Slurm: a job that fails between two polls in the second sbatch returned (sacct's End in"
          + " whole seconds, no job.started, before the runner's job.queued in that second) still"
          + " proves the submit stage, as a job.queued stamped in the end's very instant does")
  void slurmQueuedWithinTheSecondOfAWholeSecondEndWithoutStart() {
    JobChange.Queued sbatchReturned = new JobChange.Queued("slurm", 1);
    JobFold.Result sameInstant =
        fold(
            submitted(null),
            event("f1", 5, new JobChange.Finished("slurm", 1, 127)),
            event("q1", 5, sbatchReturned));
    JobFold.Result withinTheSecond =
        fold(
            submitted(null),
            event("f1", 5, new JobChange.Finished("slurm", 1, 127)),
            event("q1", 5.7, sbatchReturned));
    JobFold.Result bootFail =
        fold(
            submitted(null),
            event(
                "c1",
                5,
                new JobChange.Crashed(
                    "slurm", 1, Blame.PLATFORM, "not_started", "BOOT_FAIL", false)),
            event("q1", 5.7, sbatchReturned));

    assertThat(sameInstant.ignoredEventIds()).isEmpty();
    for (Map.Entry<String, JobFold.Result> end :
        Map.of("f1", withinTheSecond, "c1", bootFail).entrySet()) {
      JobFold.Result result = end.getValue();
      assertThat(result.row().state()).isEqualTo(JobState.CRASHED);
      assertThat(result.row().startedAt()).isNull();
      assertThat(result.row().finishedAt()).isEqualTo(t(5));
      assertThat(result.ignoredEventIds()).as(end.getKey()).isEmpty();
      assertThat(result.stageEvidence())
          .as(end.getKey())
          .extracting(o -> o.eventId(), o -> o.key().runner(), o -> o.key().stage(), o -> o.ok())
          .containsExactlyInAnyOrder(
              tuple(end.getKey(), "slurm", "start", false), tuple("q1", "slurm", "submit", true));
    }
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

  @Test
  @DisplayName(
      "Kubernetes: an OOMKilled container (exit 137, reason OOMKilled) restarted by backoffLimit"
          + " or restartPolicy OnFailure is a task crash of attempt 1, the new pod attempt 2")
  void kubernetesOomKilledThenRetried() {
    JobFold.Result result =
        fold(
            submitted("kubernetes"),
            started("s1", 1, "kubernetes", 1),
            finished("f1", 9, 1, 137),
            crashed("c1", 9, 1, Blame.TASK, "oom", "OOMKilled"),
            event("rq", 10, new JobChange.Requeued(2, "backoffLimit")),
            started("s2", 12, "kubernetes", 2),
            finished("f2", 20, 2, 0));

    assertThat(result.row().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(result.row().attempt()).isEqualTo(2);
    assertThat(result.crashes()).isEqualTo(Map.of(1, Blame.TASK));
    assertThat(result.ignoredEventIds()).isEmpty();
  }

  @Test
  @DisplayName(
      "Kubernetes: a pod evicted (node drain, preemption) is a platform crash; one that a"
          + " podFailurePolicy Ignore retries is job.requeued alone and counts no crash")
  void kubernetesDisruption() {
    JobFold.Result evicted =
        fold(
            submitted("kubernetes"),
            started("s1", 1, "kubernetes", 1),
            crashed("c1", 9, 1, Blame.PLATFORM, "evicted", "DisruptionTarget"),
            event("rq", 10, new JobChange.Requeued(2, "evicted")));
    JobFold.Result ignored =
        fold(
            submitted("kubernetes"),
            started("s1", 1, "kubernetes", 1),
            event("rq", 10, new JobChange.Requeued(2, "disruption ignored")),
            started("s2", 12, "kubernetes", 2));

    assertThat(evicted.row().state()).isEqualTo(JobState.QUEUED);
    assertThat(evicted.crashes()).isEqualTo(Map.of(1, Blame.PLATFORM));
    assertThat(ignored.row().state()).isEqualTo(JobState.RUNNING);
    assertThat(ignored.row().attempt()).isEqualTo(2);
    assertThat(ignored.crashes()).isEmpty();
  }

  @Test
  @DisplayName(
      "Kubernetes: a Job suspended while its pod runs is requeued and waiting (suspended), and"
          + " runs again as attempt 2 when resumed; one created suspended just waits")
  void kubernetesSuspend() {
    JobFold.Result suspended =
        fold(
            submitted("kubernetes"),
            started("s1", 1, "kubernetes", 1),
            event("rq", 5, new JobChange.Requeued(2, "suspended")),
            event("w", 5, new JobChange.Waiting("suspended")));
    JobFold.Result resumed =
        fold(
            submitted("kubernetes"),
            started("s1", 1, "kubernetes", 1),
            event("rq", 5, new JobChange.Requeued(2, "suspended")),
            event("w", 5, new JobChange.Waiting("suspended")),
            event("q", 60, new JobChange.Queued("kubernetes", null)),
            started("s2", 61, "kubernetes", 2));
    JobFold.Result createdSuspended =
        fold(submitted("kubernetes"), event("w", 1, new JobChange.Waiting("suspended")));

    assertThat(suspended.row().state()).isEqualTo(JobState.WAITING);
    assertThat(suspended.row().waitingReason()).isEqualTo("suspended");
    assertThat(suspended.crashes()).isEmpty();
    assertThat(resumed.row().state()).isEqualTo(JobState.RUNNING);
    assertThat(resumed.row().attempt()).isEqualTo(2);
    assertThat(createdSuspended.row().state()).isEqualTo(JobState.WAITING);
  }

  @Test
  @DisplayName(
      "Kubernetes: activeDeadlineSeconds (DeadlineExceeded) is a fatal task timeout; an image"
          + " that never pulled until the Job gave up is a start error of the runner")
  void kubernetesDeadlineAndImagePull() {
    JobFold.Result deadline =
        fold(
            submitted("kubernetes"),
            started("s1", 1, "kubernetes", 1),
            event(
                "c1",
                9,
                new JobChange.Crashed(null, 1, Blame.TASK, "timeout", "DeadlineExceeded", true)));
    JobFold.Result neverPulled =
        fold(
            submitted("kubernetes"),
            event("q1", 0.5, new JobChange.Queued("kubernetes", 1)),
            crashed("c1", 9, 1, Blame.PLATFORM, "not_started", "ImagePullBackOff"));

    assertThat(deadline.row().state()).isEqualTo(JobState.CRASHED);
    assertThat(deadline.row().fatal()).isTrue();
    assertThat(deadline.crashes()).isEqualTo(Map.of(1, Blame.TASK));
    assertThat(neverPulled.stageEvidence())
        .filteredOn(observation -> !observation.ok())
        .extracting(o -> o.key().runner(), o -> o.key().stage())
        .containsExactly(tuple("kubernetes", "start"));
  }

  @Test
  @DisplayName(
      "Airflow: a sensor rescheduled or a task deferred keeps its try running (the resumed try's"
          + " job.started is history); up_for_retry is job.requeued{try_number}; a task cleared"
          + " after it succeeded runs again as the next try")
  void airflowTries() {
    JobFold.Result rescheduled =
        fold(
            submitted("airflow"),
            started("s1", 1, "airflow", 1),
            event("st", 2, new JobChange.Status(1, null, null, "up_for_reschedule", null)),
            started("s1b", 300, "airflow", 1),
            finished("f1", 310, 1, 0));
    JobFold.Result retried =
        fold(
            submitted("airflow"),
            started("s1", 1, "airflow", 1),
            event("e1", 2, new JobChange.Status(1, "AirflowException: boom", null, null, null)),
            finished("f1", 3, 1, 1),
            event("rq", 3, new JobChange.Requeued(2, "up_for_retry")),
            event("w", 3, new JobChange.Waiting("retry_delay")),
            started("s2", 303, "airflow", 2));
    JobFold.Result cleared =
        fold(
            submitted("airflow"),
            started("s1", 1, "airflow", 1),
            finished("f1", 9, 1, 0),
            event("rq", 86400, new JobChange.Requeued(2, "cleared")),
            started("s2", 86410, "airflow", 2),
            finished("f2", 86420, 2, 1));

    assertThat(rescheduled.row().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(rescheduled.row().startedAt()).isEqualTo(t(1));
    assertThat(rescheduled.ignoredEventIds()).containsExactly("s1b");
    assertThat(retried.row().state()).isEqualTo(JobState.RUNNING);
    assertThat(retried.row().attempt()).isEqualTo(2);
    assertThat(retried.row().runtime().error()).isNull();
    assertThat(cleared.row().state()).isEqualTo(JobState.FAILED);
    assertThat(cleared.row().attempt()).isEqualTo(2);
    assertThat(cleared.ignoredEventIds()).isEmpty();
  }

  @Test
  @DisplayName(
      "Airflow: skipped and upstream_failed are cancels that never started; a zombie is a"
          + " platform crash")
  void airflowNeverRanAndZombie() {
    JobFold.Result upstreamFailed =
        fold(submitted("airflow"), event("c", 5, new JobChange.Cancelled("upstream_failed")));
    JobFold.Result zombie =
        fold(
            submitted("airflow"),
            started("s1", 1, "airflow", 1),
            crashed("z", 600, 1, Blame.PLATFORM, "zombie", "worker died"));

    assertThat(upstreamFailed.row().state()).isEqualTo(JobState.CANCELLED);
    assertThat(upstreamFailed.row().startedAt()).isNull();
    assertThat(upstreamFailed.crashes()).isEmpty();
    assertThat(zombie.row().state()).isEqualTo(JobState.CRASHED);
    assertThat(zombie.crashes()).isEqualTo(Map.of(1, Blame.PLATFORM));
    assertThat(zombie.stageEvidence()).allMatch(StageObservation::ok);
  }

  @Test
  @DisplayName(
      "CI: a job cancelled by a newer push is cancelled even when the runner reports the"
          + " killed step after it; a self-hosted runner that lost its connection is a platform"
          + " crash, re-run as the next run_attempt")
  void ciRunners() {
    JobFold.Result superseded =
        fold(
            submitted("github-actions"),
            started("s1", 1, "github-actions", 1),
            event("c", 30, new JobChange.Cancelled("superseded")),
            finished("f1", 31, 1, 130));
    JobFold.Result lost =
        fold(
            submitted("github-actions"),
            started("s1", 1, "github-actions", 1),
            crashed("c1", 600, 1, Blame.PLATFORM, "runner_lost", "lost communication"),
            event("rq", 900, new JobChange.Requeued(2, "re-run")),
            started("s2", 910, "github-actions", 2));

    assertThat(superseded.row().state()).isEqualTo(JobState.CANCELLED);
    assertThat(superseded.row().exitCode()).isNull();
    assertThat(superseded.crashes()).isEmpty();
    assertThat(lost.row().state()).isEqualTo(JobState.RUNNING);
    assertThat(lost.crashes()).isEqualTo(Map.of(1, Blame.PLATFORM));
  }

  @Test
  @DisplayName(
      "systemd: a service that never ran its command (status 203/EXEC, 217/USER) sent as"
          + " job.crashed not_started is a start error of the runner, not the task's failure")
  void systemdSetupFailure() {
    JobFold.Result result =
        fold(
            submitted("systemd"),
            started("s1", 1, "systemd", 1),
            crashed("c1", 1.2, 1, Blame.PLATFORM, "not_started", "status=203/EXEC"));

    assertThat(result.row().state()).isEqualTo(JobState.CRASHED);
    assertThat(result.stageEvidence())
        .filteredOn(observation -> !observation.ok())
        .extracting(o -> o.key().runner(), o -> o.key().stage(), StageObservation::errorClass)
        .containsExactly(tuple("systemd", "start", "NotStarted"));
    assertThat(result.stageEvidence()).filteredOn(StageObservation::ok).isEmpty();
  }
}
