package io.jobwatch.core.job;

import io.jobwatch.core.JobEvent;
import io.jobwatch.core.stage.StageObservation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds every event of one job into its current row. The result depends only on the set of events:
 * they are de-duplicated by id and put in fold order (attempt first, then event time, see {@link
 * #foldOrder}), so any permutation or duplication of a job's events gives the same row. Stateless
 * and thread-safe.
 */
public final class JobFold {

  private JobFold() {}

  /**
   * The outcome of a fold.
   *
   * @param ignoredEventIds events that changed nothing but the history (older attempt, runtime
   *     status of a job that was not running, lifecycle after a terminal state)
   * @param stageEvidence stage outcomes the applied events prove, such as a {@code start} error for
   *     an exit code of 127; empty when the job's service or runner is unknown
   * @param crashes the attempts that ended crashed, with their blame; a requeue does not erase
   *     them, so every crashed attempt is counted once
   * @param priorSuccess the latest attempt before the row's that finished, when it succeeded
   *     ({@link JobFoldState.Memory#priorSuccess}); null otherwise
   */
  public record Result(
      JobRow row,
      Set<String> ignoredEventIds,
      List<StageObservation> stageEvidence,
      Map<Integer, Blame> crashes,
      JobFoldState.PriorSuccess priorSuccess) {}

  /** Folds the given events, which must all belong to one job and be at least one. */
  public static Result fold(List<JobEvent> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a job fold needs at least one event");
    }
    return foldAll(events.get(0).jobId(), events).result();
  }

  /**
   * A fold of the given events (duplicates by id skipped) from nothing, in fold order, left open so
   * that its state can be stored.
   */
  public static Folding foldAll(String jobId, Collection<JobEvent> events) {
    Map<String, JobEvent> unique = new LinkedHashMap<>();
    for (JobEvent event : events) {
      unique.putIfAbsent(event.id(), event);
    }
    AttemptTimeline timeline = AttemptTimeline.of(unique.values());
    Folding job = Folding.start(jobId);
    for (JobEvent event : foldOrder(unique.values(), timeline)) {
      job.apply(event, FoldKey.of(event, timeline.attemptOf(event)));
    }
    return job;
  }

  /**
   * Attempts come first, then event time: every event of attempt n+1, the {@code job.requeued} that
   * opens it included, follows every event of attempt n, whatever the clocks of their publishers
   * say. Within an attempt its opening {@code job.requeued} comes first, then event time, lifecycle
   * rank and id. An event that names no attempt ({@code job.submitted}, {@code job.waiting}, {@code
   * job.cancelled}, {@code job.queued} without one) belongs to the attempt in force at its time:
   * the highest attempt named by any event of the job at or before that time, else 1, where a
   * {@code job.requeued} of the very instant of a {@code job.cancelled} does not count for it (the
   * cancel ranks first: a restart stamped in one instant cancels attempt n, then opens n+1); {@code
   * job.submitted} always belongs to attempt 1.
   */
  static List<JobEvent> foldOrder(Collection<JobEvent> events) {
    return foldOrder(events, AttemptTimeline.of(events));
  }

  /** The events in fold order, their attempts taken from {@code timeline}. */
  public static List<JobEvent> foldOrder(Collection<JobEvent> events, AttemptTimeline timeline) {
    Map<JobEvent, FoldKey> keys = new IdentityHashMap<>();
    for (JobEvent event : events) {
      keys.put(event, FoldKey.of(event, timeline.attemptOf(event)));
    }
    List<JobEvent> ordered = new ArrayList<>(events);
    ordered.sort(Comparator.comparing(keys::get));
    return ordered;
  }

  static int lifecycleRank(JobChange change) {
    if (change instanceof JobChange.Submitted) {
      return 0;
    } else if (change instanceof JobChange.Queued) {
      return 1;
    } else if (change instanceof JobChange.Waiting) {
      return 2;
    } else if (change instanceof JobChange.Started) {
      return 3;
    } else if (change instanceof JobChange.Status) {
      return 4;
    } else if (change instanceof JobChange.Finished) {
      return 5;
    } else if (change instanceof JobChange.Crashed) {
      return 6;
    } else if (change instanceof JobChange.Cancelled) {
      return 7;
    } else if (change instanceof JobChange.Requeued) {
      return 8;
    }
    throw new IllegalStateException("unknown job change " + change.getClass().getName());
  }

  /**
   * One job's fold in progress: started from nothing or resumed from a stored {@link JobFoldState},
   * fed events in fold order. Not thread-safe.
   */
  public static final class Folding {
    private final String jobId;
    private final Set<String> ignored = new HashSet<>();
    private final List<JobFoldState.Evidence> evidence = new ArrayList<>();
    private final Map<Integer, Blame> crashes = new java.util.TreeMap<>();
    private final Map<Integer, Instant> attemptStarts = new java.util.TreeMap<>();
    private long folded;
    private FoldKey last;
    private AttemptTimeline timeline = AttemptTimeline.EMPTY;
    private Instant lastDerivedTime;
    private String service;
    private String runner;
    private String monitor;
    private JobState state;
    private int attempt = 1;
    private Integer exitCode;
    private Blame blame;
    private String cause;
    private String details;
    private boolean fatal;
    private RuntimeStatus runtime = RuntimeStatus.EMPTY;
    private String host;
    private String waitingReason;
    private String triggerJson;
    private Map<String, String> labels = Map.of();
    private List<JobChange.Dependency> dependsOn = List.of();
    private Instant submittedAt;
    private Instant startedAt;
    private Instant finishedAt;
    private Instant latestApplied;
    private Integer latestAppliedAttempt;
    private Instant latestSeen;

    /**
     * The {@code start} evidence of the current attempt: its success, withdrawn if it exits 126 or
     * 127, then the error that replaced it (given a runner later if none was known at the exit).
     */
    private JobFoldState.Evidence startEvidence;

    /** The latest time of the evidence of earlier attempts (in fold order); null in attempt 1. */
    private Instant evidenceFloor;

    /** The latest finished attempt before the current one, when it succeeded. */
    private JobFoldState.PriorSuccess priorSuccess;

    /** The current attempt crashed by a signal only, so a crash report may still explain it. */
    private boolean crashUnexplained;

    private Folding(String jobId) {
      this.jobId = jobId;
    }

    /** A fold of job {@code jobId} that has folded nothing yet. */
    public static Folding start(String jobId) {
      return new Folding(jobId);
    }

    /** A fold that goes on from {@code stored}. */
    public static Folding resume(JobFoldState stored) {
      Folding job = new Folding(stored.jobId());
      JobFoldState.Position position = stored.position();
      job.folded = position.folded();
      job.last = position.last();
      job.timeline = position.timeline();
      job.lastDerivedTime = position.lastDerivedTime();
      job.attemptStarts.putAll(position.attemptStarts());
      JobFoldState.Memory memory = stored.memory();
      job.service = memory.service();
      job.runner = memory.runner();
      job.monitor = memory.monitor();
      job.state = memory.state();
      job.attempt = memory.attempt();
      job.exitCode = memory.exitCode();
      job.blame = memory.blame();
      job.cause = memory.cause();
      job.details = memory.details();
      job.fatal = memory.fatal();
      job.runtime = memory.runtime();
      job.host = memory.host();
      job.waitingReason = memory.waitingReason();
      job.triggerJson = memory.triggerJson();
      job.labels = memory.labels();
      job.dependsOn = memory.dependsOn();
      job.submittedAt = memory.submittedAt();
      job.startedAt = memory.startedAt();
      job.finishedAt = memory.finishedAt();
      job.latestApplied = memory.latestApplied();
      job.latestSeen = memory.latestSeen();
      job.evidence.addAll(memory.evidence());
      job.startEvidence = memory.startEvidence();
      job.crashUnexplained = memory.crashUnexplained();
      job.crashes.putAll(memory.crashes());
      job.evidenceFloor = memory.evidenceFloor();
      job.priorSuccess = memory.priorSuccess();
      // States stored before the field: their latest applied event is taken as the current
      // attempt's.
      job.latestAppliedAttempt =
          memory.latestAppliedAttempt() != null ? memory.latestAppliedAttempt() : memory.attempt();
      return job;
    }

    /** Where this fold stands, to be stored. */
    public JobFoldState state() {
      return new JobFoldState(
          jobId,
          new JobFoldState.Position(folded, last, timeline, lastDerivedTime, attemptStarts),
          new JobFoldState.Memory(
              service,
              runner,
              monitor,
              state,
              attempt,
              exitCode,
              blame,
              cause,
              details,
              fatal,
              runtime,
              host,
              waitingReason,
              triggerJson,
              labels,
              dependsOn,
              submittedAt,
              startedAt,
              finishedAt,
              latestApplied,
              latestSeen,
              evidence,
              startEvidence,
              crashUnexplained,
              crashes,
              evidenceFloor,
              latestAppliedAttempt,
              priorSuccess));
    }

    /** How many events this fold has folded, those of the state it resumed included. */
    public long folded() {
      return folded;
    }

    /**
     * Folds the next event; {@code key} is its place in fold order, after every event folded so
     * far. Returns whether it applied (false: it is ignored).
     */
    public boolean apply(JobEvent event, FoldKey key) {
      if (!event.jobId().equals(jobId)) {
        throw new IllegalArgumentException(
            "event " + event.id() + " is for job " + event.jobId() + ", not " + jobId);
      }
      if (last != null && !key.isAfter(last)) {
        throw new IllegalArgumentException(
            "event " + event.id() + " does not follow " + last.id() + " in fold order");
      }
      if (last != null && key.attempt() > last.attempt()) {
        // The first event of a later attempt in fold order: its evidence comes after all so far
        // that is observed (evidence without a runner never is, and an earlier attempt's never
        // gets one).
        for (JobFoldState.Evidence earlier : evidence) {
          if (earlier.runner() != null
              && (evidenceFloor == null || earlier.time().isAfter(evidenceFloor))) {
            evidenceFloor = earlier.time();
          }
        }
      }
      folded++;
      last = key;
      timeline = timeline.with(List.of(event));
      attemptStarts.merge(key.attempt(), event.time(), (a, b) -> a.isBefore(b) ? a : b);
      if (event.change().attemptOrNull() == null
          && !(event.change() instanceof JobChange.Submitted)
          && (lastDerivedTime == null || event.time().isAfter(lastDerivedTime))) {
        lastDerivedTime = event.time();
      }
      if (service == null && event.service() != null) {
        service = event.service();
      }
      boolean applied = applyChange(event);
      if (!applied) {
        // An ignored event (a late report) changes nothing, not even this.
        ignored.add(event.id());
      } else if (latestAppliedAttempt == null || key.attempt() > latestAppliedAttempt) {
        // The row's time is its latest attempt's: an older attempt's event arriving late (folded
        // before the requeue, attempts first) changes nothing the row shows, updated_at included.
        latestApplied = event.time();
        latestAppliedAttempt = key.attempt();
      } else if (latestApplied == null || event.time().isAfter(latestApplied)) {
        latestApplied = event.time();
      }
      if (latestSeen == null || event.time().isAfter(latestSeen)) {
        latestSeen = event.time();
      }
      return applied;
    }

    private boolean applyChange(JobEvent event) {
      JobChange change = event.change();
      if (change instanceof JobChange.Submitted submitted) {
        return submit(event, submitted);
      } else if (change instanceof JobChange.Requeued requeued) {
        return requeue(requeued);
      } else if (change instanceof JobChange.Cancelled) {
        return cancel(event);
      }
      Integer eventAttempt = change.attemptOrNull();
      if (eventAttempt != null && eventAttempt != attempt) {
        return false;
      }
      if (change instanceof JobChange.Queued queued) {
        return queue(event, queued);
      } else if (change instanceof JobChange.Waiting waiting) {
        return await(waiting);
      } else if (change instanceof JobChange.Started started) {
        return start(event, started);
      } else if (change instanceof JobChange.Status status) {
        return report(event, status);
      } else if (change instanceof JobChange.Finished finished) {
        return finish(event, finished);
      } else if (change instanceof JobChange.Crashed crashed) {
        return crash(event, crashed);
      }
      throw new IllegalStateException("unknown job change " + change.getClass().getName());
    }

    private boolean isOpen() {
      return state == null || !state.isTerminal();
    }

    private boolean isPending() {
      return state == null || state.isPending();
    }

    private boolean submit(JobEvent event, JobChange.Submitted submitted) {
      if (submittedAt != null) {
        return false;
      }
      submittedAt = event.time();
      learnRunner(submitted.runner());
      monitor = monitor == null ? submitted.monitor() : monitor;
      dependsOn = submitted.dependsOn();
      triggerJson = submitted.triggerJson();
      labels = submitted.labels();
      if (state == null) {
        state = JobState.SUBMITTED;
      }
      return true;
    }

    private boolean queue(JobEvent event, JobChange.Queued queued) {
      if (!isPending()) {
        return queuedInTheInstantOfTheStart(event, queued);
      }
      state = JobState.QUEUED;
      waitingReason = null;
      if (queued.runner() != null) {
        runner = queued.runner();
        evidence.add(evidenceOk(event, "submit"));
      }
      return true;
    }

    /**
     * A start stamped in whole seconds (a runner reading sacct's Start) stands for its whole
     * second: a {@code job.queued} stamped later in it with a finer clock (the runner's own when
     * sbatch returned, the job started at once) is of that instant, where it ranks before the
     * start. It changes nothing the start has not replaced (state, runner), but it proves the
     * submission. An attempt that ended with no start reported (it failed between two polls) left
     * pending at its end: the same holds within the second of an end stamped in whole seconds, and
     * the runner it names is then learnt as the end's would be.
     */
    private boolean queuedInTheInstantOfTheStart(JobEvent event, JobChange.Queued queued) {
      Instant leftPending = startedAt != null ? startedAt : finishedAt;
      if (leftPending == null || !inTheInstantOf(event, leftPending)) {
        return false;
      }
      if (startedAt == null) {
        learnRunner(queued.runner());
      }
      if (queued.runner() != null) {
        evidence.add(
            new JobFoldState.Evidence(
                event.id(), evidenceTime(event), queued.runner(), "submit", true, null, null));
      }
      return true;
    }

    private boolean await(JobChange.Waiting waiting) {
      if (!isPending()) {
        return false;
      }
      state = JobState.WAITING;
      waitingReason = waiting.reason();
      return true;
    }

    private boolean start(JobEvent event, JobChange.Started started) {
      if (!isOpen()) {
        // The attempt already ended (a skewed clock put its start after the exit): the start
        // changes nothing, but it still names the runner an exit 126/127 needs for its error.
        learnRunner(started.runner());
        return false;
      }
      if (state == JobState.RUNNING) {
        return false;
      }
      state = JobState.RUNNING;
      waitingReason = null;
      startedAt = event.time();
      runner = started.runner() != null ? started.runner() : runner;
      host = started.host();
      monitor = monitor == null ? started.monitor() : monitor;
      startEvidence = evidenceOk(event, "start");
      evidence.add(startEvidence);
      return true;
    }

    /**
     * A status counts while the attempt runs, and in the instant it ended. An end stamped in whole
     * seconds (a runner reading sacct's End, a shell's {@code date +%s}) stands for its whole
     * second: a status the task stamped later in it, with a finer clock, is of that instant (the
     * last error a task reports just before it exits), as a cancel is for a signal exit.
     */
    private boolean report(JobEvent event, JobChange.Status status) {
      if (state != JobState.RUNNING && !ranAndEndedInTheInstantOf(event)) {
        return false;
      }
      runtime = runtime.with(status, event.time());
      return true;
    }

    private boolean ranAndEndedInTheInstantOf(JobEvent event) {
      return state != null
          && state.isTerminal()
          && startedAt != null
          && finishedAt != null
          && inTheInstantOf(event, finishedAt);
    }

    private boolean finish(JobEvent event, JobChange.Finished finished) {
      ExitCodes.Verdict verdict = ExitCodes.classify(finished.exitCode());
      if (!end(event, verdict.state())) {
        return false;
      }
      learnRunner(finished.runner());
      int code = finished.exitCode();
      exitCode = code;
      if (ExitCodes.neverStarted(code)) {
        crashWith(
            verdict.blame(), verdict.cause(), "exit code " + code + ": the command never ran");
        failStart(
            event, "job " + jobId + " exited " + code + " right after a successful submission");
      } else if (verdict.state() == JobState.CRASHED) {
        crashWith(
            verdict.blame(), verdict.cause(), "killed by signal " + ExitCodes.killedBySignal(code));
        crashUnexplained = true;
      }
      return true;
    }

    /**
     * A cancel ends an open attempt; one stamped in the instant of a kill by signal that no crash
     * report explained is what sent that signal (scancel, a CI cancel: the runner reports the
     * SIGTERM's 143 within the cancel's second), so the attempt is cancelled, not crashed. An exit
     * stamped in whole seconds (a runner whose clock gives seconds only) stands for its whole
     * second: a cancel stamped later in it, by a publisher with a finer clock, is of its instant.
     */
    private boolean cancel(JobEvent event) {
      if (crashUnexplained && state == JobState.CRASHED && inTheInstantOf(event, finishedAt)) {
        crashUnexplained = false;
        crashes.remove(attempt);
        state = JobState.CANCELLED;
        blame = null;
        cause = null;
        details = null;
        return true;
      }
      return end(event, JobState.CANCELLED);
    }

    /** {@code event} is stamped at {@code end}, or within its second if that is a whole one. */
    private static boolean inTheInstantOf(JobEvent event, Instant end) {
      return event.time().equals(end)
          || (end.getNano() == 0 && event.time().getEpochSecond() == end.getEpochSecond());
    }

    private boolean crash(JobEvent event, JobChange.Crashed crashed) {
      if (crashUnexplained && state == JobState.CRASHED) {
        // A crash report explains a kill by signal of the same attempt, even when it comes later:
        // it says who is to blame, the exit code only that something killed the process.
        crashUnexplained = false;
        learnRunner(crashed.runner());
        crashWith(crashed.blame(), crashed.cause(), crashed.details());
        fatal = crashed.fatal();
        return true;
      }
      if (!end(event, JobState.CRASHED)) {
        return false;
      }
      learnRunner(crashed.runner());
      crashWith(crashed.blame(), crashed.cause(), crashed.details());
      fatal = crashed.fatal();
      if (crashed.blame() == Blame.PLATFORM && ExitCodes.NOT_STARTED.equals(crashed.cause())) {
        // The publisher's way of saying exit 126/127 where no process could exit (a pod that
        // never pulled its image): the runner failed to start the job.
        failStart(
            event,
            "job "
                + jobId
                + " never started (job.crashed, blame platform)"
                + (crashed.details() == null ? "" : ": " + crashed.details()));
      }
      return true;
    }

    /**
     * The attempt never really ran, so its {@code job.started} proved nothing: its {@code start}
     * success is replaced by one error of the job's runner.
     */
    private void failStart(JobEvent event, String message) {
      evidence.remove(startEvidence);
      startEvidence = evidenceError(event, "start", "NotStarted", message);
      evidence.add(startEvidence);
    }

    /**
     * A runner named by an applied event that does not decide the runner ({@code job.submitted},
     * {@code job.finished}, {@code job.crashed}) or by a {@code job.started} ignored because its
     * attempt had ended: taken only when no runner is known (an applied {@code job.queued} or
     * {@code job.started} names the runner, the latest wins), and then also by the current
     * attempt's {@code start} evidence that had none, such as the error of an exit 126/127.
     */
    private void learnRunner(String named) {
      if (runner != null || named == null) {
        return;
      }
      runner = named;
      if (startEvidence != null && startEvidence.runner() == null) {
        int at = evidence.indexOf(startEvidence);
        startEvidence = startEvidence.withRunner(named);
        evidence.set(at, startEvidence);
      }
    }

    private void crashWith(Blame crashBlame, String crashCause, String crashDetails) {
      crashes.put(attempt, crashBlame);
      state = JobState.CRASHED;
      blame = crashBlame;
      cause = crashCause;
      details = crashDetails;
    }

    private boolean end(JobEvent event, JobState terminal) {
      if (!isOpen()) {
        return false;
      }
      state = terminal;
      finishedAt = event.time();
      waitingReason = null;
      return true;
    }

    private JobFoldState.Evidence evidenceOk(JobEvent event, String stage) {
      return new JobFoldState.Evidence(
          event.id(), evidenceTime(event), runner, stage, true, null, null);
    }

    private JobFoldState.Evidence evidenceError(
        JobEvent event, String stage, String errorClass, String message) {
      return new JobFoldState.Evidence(
          event.id(), evidenceTime(event), runner, stage, false, errorClass, message);
    }

    /**
     * Attempts come first for stage evidence too: evidence of this attempt timed at or before
     * evidence of an earlier one (a runner's clock behind another's) is observed just after it, so
     * an exit 127 of attempt 1 never reads as the stage's latest word after attempt 2 started.
     */
    private Instant evidenceTime(JobEvent event) {
      return evidenceFloor == null || event.time().isAfter(evidenceFloor)
          ? event.time()
          : evidenceFloor.plusNanos(1);
    }

    private boolean requeue(JobChange.Requeued requeued) {
      if (requeued.attempt() <= attempt) {
        return false;
      }
      if (state == JobState.SUCCEEDED && finishedAt != null) {
        priorSuccess = new JobFoldState.PriorSuccess(attempt, startedAt, finishedAt);
      } else if (state != null && state.isTerminal() && state != JobState.CANCELLED) {
        // A failure after the success: the success no longer stands for the job. An attempt
        // requeued before it ended, or cancelled, had no outcome and leaves it standing.
        priorSuccess = null;
      }
      attempt = requeued.attempt();
      state = JobState.QUEUED;
      exitCode = null;
      blame = null;
      cause = null;
      details = null;
      fatal = false;
      runtime = RuntimeStatus.EMPTY;
      host = null;
      waitingReason = null;
      startedAt = null;
      finishedAt = null;
      startEvidence = null;
      crashUnexplained = false;
      return true;
    }

    /**
     * The job as folded so far; {@code ignoredEventIds} are the events this fold ignored since it
     * started or resumed.
     */
    public Result result() {
      JobRow row =
          new JobRow(
              jobId,
              service,
              runner,
              monitor,
              state == null ? JobState.SUBMITTED : state,
              attempt,
              exitCode,
              blame,
              cause,
              details,
              fatal,
              runtime,
              host,
              waitingReason,
              triggerJson,
              labels,
              dependsOn,
              submittedAt,
              startedAt,
              finishedAt,
              latestApplied != null ? latestApplied : latestSeen);
      List<StageObservation> observations = new ArrayList<>();
      if (service != null) {
        for (JobFoldState.Evidence pending : evidence) {
          if (pending.runner() != null && !ignored.contains(pending.eventId())) {
            observations.add(pending.observe(service, jobId));
          }
        }
      }
      return new Result(
          row, Set.copyOf(ignored), List.copyOf(observations), Map.copyOf(crashes), priorSuccess);
    }
  }
}
