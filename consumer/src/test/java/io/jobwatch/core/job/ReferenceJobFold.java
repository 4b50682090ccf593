package io.jobwatch.core.job;

import io.jobwatch.core.JobEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deliberately simple job fold written from the rule tables in docs/operators.md ("Fold rules in
 * detail"), not from JobFold: sort the events, then run a plain state machine whose transitions are
 * a table. Property tests compare it with the real fold, so the real fold is not its own oracle.
 * Keeps only what the tables talk about. Not for production; not thread-safe.
 */
public final class ReferenceJobFold {

  /** What the rule tables decide about a job. */
  public record Outcome(
      JobState state,
      int attempt,
      String runner,
      Integer exitCode,
      Blame blame,
      String cause,
      Instant startedAt,
      Instant finishedAt,
      String runtimeError,
      Set<String> ignored,
      Map<Integer, Blame> crashes,
      Set<String> evidence) {}

  static final List<String> TYPE_ORDER =
      List.of(
          "job.submitted",
          "job.queued",
          "job.waiting",
          "job.started",
          "job.status",
          "job.finished",
          "job.crashed",
          "job.cancelled",
          "job.requeued");

  private static final Set<JobState> PENDING =
      EnumSet.of(JobState.SUBMITTED, JobState.QUEUED, JobState.WAITING);

  /**
   * Table "which event applies in which state" (absent state = nothing seen yet; requeue and
   * submitted are rules of their own).
   */
  private static boolean applies(String type, JobState state) {
    boolean none = state == null;
    boolean pending = none || PENDING.contains(state);
    boolean open = none || !state.isTerminal();
    switch (type) {
      case "job.queued":
      case "job.waiting":
        return pending;
      case "job.started":
        return pending;
      case "job.status":
        return state == JobState.RUNNING;
      case "job.finished":
      case "job.crashed":
      case "job.cancelled":
        return open;
      default:
        throw new IllegalArgumentException(type);
    }
  }

  /**
   * Table "which runner": an applied job.queued that names one and an applied job.started replace
   * the job's runner; an applied job.submitted, job.finished or job.crashed, and a job.started
   * ignored because its attempt had ended, only fill it in when none is known. The start evidence
   * of the current attempt (its success, or the error of an exit 126/127) goes to the runner known
   * when it is produced, else to the first one filled in later in that attempt.
   */
  /** When the attempt left pending: its start, else (no start reported) its end. */
  private static Instant leftPending(Instant startedAt, Instant finishedAt) {
    return startedAt != null ? startedAt : finishedAt;
  }

  private static final class Runners {
    final Set<String> evidence;
    String runner;
    String startEvent;
    String startWithoutRunner;

    Runners(Set<String> evidence) {
      this.evidence = evidence;
    }

    void replace(String named) {
      if (named != null) {
        runner = named;
      }
    }

    void fillIn(String named) {
      if (runner == null && named != null) {
        runner = named;
        if (startWithoutRunner != null) {
          startEvent = startWithoutRunner + " " + runner;
          evidence.add(startEvent);
          startWithoutRunner = null;
        }
      }
    }

    /** The attempt's start evidence, "id start ok" or "id start error", replacing an earlier. */
    void start(String idAndOutcome) {
      if (startEvent != null) {
        evidence.remove(startEvent);
      }
      startEvent = null;
      startWithoutRunner = null;
      if (runner != null) {
        startEvent = idAndOutcome + " " + runner;
        evidence.add(startEvent);
      } else {
        startWithoutRunner = idAndOutcome;
      }
    }

    void newAttempt() {
      startEvent = null;
      startWithoutRunner = null;
    }
  }

  private ReferenceJobFold() {}

  public static Outcome fold(List<JobEvent> events) {
    Map<String, JobEvent> unique = new LinkedHashMap<>();
    events.forEach(event -> unique.putIfAbsent(event.id(), event));
    List<JobEvent> sorted = new ArrayList<>(unique.values());
    sorted.sort(
        Comparator.<JobEvent>comparingInt(event -> attemptOf(event, unique.values()))
            .thenComparingInt(event -> event.change() instanceof JobChange.Requeued ? 0 : 1)
            .thenComparing(JobEvent::time)
            .thenComparingInt(event -> TYPE_ORDER.indexOf(event.type()))
            .thenComparing(JobEvent::id));

    JobState state = null;
    int attempt = 1;
    boolean submitted = false;
    Integer exitCode = null;
    Blame blame = null;
    String cause = null;
    Instant startedAt = null;
    Instant finishedAt = null;
    String runtimeError = null;
    int moreErrors = 0;
    boolean signalUnexplained = false;
    Set<String> ignored = new TreeSet<>();
    Map<Integer, Blame> crashes = new TreeMap<>();
    Set<String> evidence = new TreeSet<>();
    Runners runners = new Runners(evidence);

    for (JobEvent event : sorted) {
      JobChange change = event.change();
      String type = event.type();
      boolean applied;
      if (change instanceof JobChange.Submitted submission) {
        applied = !submitted;
        if (applied) {
          runners.fillIn(submission.runner());
        }
        submitted = true;
        if (applied && state == null) {
          state = JobState.SUBMITTED;
        }
      } else if (change instanceof JobChange.Requeued requeued) {
        applied = requeued.attempt() > attempt;
        if (applied) {
          attempt = requeued.attempt();
          state = JobState.QUEUED;
          exitCode = null;
          blame = null;
          cause = null;
          startedAt = null;
          finishedAt = null;
          runtimeError = null;
          moreErrors = 0;
          signalUnexplained = false;
          runners.newAttempt();
        }
      } else if (change.attemptOrNull() != null && change.attemptOrNull() != attempt) {
        applied = false;
      } else if (change instanceof JobChange.Crashed crashed
          && state == JobState.CRASHED
          && signalUnexplained) {
        // Row "job.crashed after a signal exit of the same attempt": it explains the kill.
        applied = true;
        signalUnexplained = false;
        runners.fillIn(crashed.runner());
        blame = crashed.blame();
        cause = crashed.cause();
        crashes.put(attempt, blame);
      } else if (change instanceof JobChange.Cancelled
          && state == JobState.CRASHED
          && signalUnexplained
          && (event.time().equals(finishedAt)
              || (finishedAt.getNano() == 0
                  && event.time().getEpochSecond() == finishedAt.getEpochSecond()))) {
        // Row "job.cancelled in the instant of a signal exit" (an exit stamped in whole seconds:
        // anywhere in that second): the cancel sent that signal.
        applied = true;
        signalUnexplained = false;
        state = JobState.CANCELLED;
        blame = null;
        cause = null;
        crashes.remove(attempt);
      } else if (change instanceof JobChange.Queued queued
          && state != null
          && !PENDING.contains(state)
          && leftPending(startedAt, finishedAt) != null
          && (event.time().equals(leftPending(startedAt, finishedAt))
              || (leftPending(startedAt, finishedAt).getNano() == 0
                  && event.time().getEpochSecond()
                      == leftPending(startedAt, finishedAt).getEpochSecond()))) {
        // Row "job.queued within the second of a start stamped in whole seconds" (or of the end,
        // when the attempt ended with no start): of that instant, where it ranks first; a submit
        // success that changes nothing else, but names the runner where no start did.
        applied = true;
        if (startedAt == null) {
          runners.fillIn(queued.runner());
        }
        if (queued.runner() != null) {
          evidence.add(event.id() + " submit ok " + queued.runner());
        }
      } else if (change instanceof JobChange.Status status
          && state != null
          && state.isTerminal()
          && startedAt != null
          && finishedAt.getNano() == 0
          && event.time().getEpochSecond() == finishedAt.getEpochSecond()) {
        // Row "job.status within the second of an end stamped in whole seconds, after a start":
        // of the end's instant, so taken.
        applied = true;
        if (status.error() != null && !status.error().isBlank()) {
          if (runtimeError == null) {
            runtimeError = status.error();
          } else {
            moreErrors++;
          }
        }
      } else if (change instanceof JobChange.Started started
          && state != null
          && state.isTerminal()) {
        // Row "job.started after its attempt ended": ignored, yet it may fill in the runner.
        applied = false;
        runners.fillIn(started.runner());
      } else if (!applies(type, state)) {
        applied = false;
      } else {
        applied = true;
        if (change instanceof JobChange.Queued queued) {
          state = JobState.QUEUED;
          if (queued.runner() != null) {
            runners.replace(queued.runner());
            evidence.add(event.id() + " submit ok " + queued.runner());
          }
        } else if (change instanceof JobChange.Waiting) {
          state = JobState.WAITING;
        } else if (change instanceof JobChange.Started started) {
          state = JobState.RUNNING;
          startedAt = event.time();
          runners.replace(started.runner());
          runners.start(event.id() + " start ok");
        } else if (change instanceof JobChange.Status status) {
          // Rule "runtime status": an empty or blank message is no message.
          if (status.error() != null && !status.error().isBlank()) {
            if (runtimeError == null) {
              runtimeError = status.error();
            } else {
              moreErrors++;
            }
          }
        } else if (change instanceof JobChange.Finished finished) {
          finishedAt = event.time();
          exitCode = finished.exitCode();
          runners.fillIn(finished.runner());
          int code = finished.exitCode();
          // The exit-code table.
          if (code == 0) {
            state = JobState.SUCCEEDED;
          } else if (code == 126 || code == 127) {
            state = JobState.CRASHED;
            blame = Blame.PLATFORM;
            cause = "not_started";
            crashes.put(attempt, blame);
            runners.start(event.id() + " start error");
          } else if ((code >= 129 && code <= 192) || (code >= -64 && code <= -1)) {
            state = JobState.CRASHED;
            blame = Blame.UNKNOWN;
            cause = "signal_" + (code > 0 ? code - 128 : -code);
            crashes.put(attempt, blame);
            signalUnexplained = true;
          } else {
            state = JobState.FAILED;
          }
        } else if (change instanceof JobChange.Crashed crashed) {
          state = JobState.CRASHED;
          finishedAt = event.time();
          runners.fillIn(crashed.runner());
          blame = crashed.blame();
          cause = crashed.cause();
          crashes.put(attempt, blame);
          if (blame == Blame.PLATFORM && "not_started".equals(cause)) {
            // Stage evidence: a platform crash report that the job never started is exit 127.
            runners.start(event.id() + " start error");
          }
        } else if (change instanceof JobChange.Cancelled) {
          state = JobState.CANCELLED;
          finishedAt = event.time();
        }
      }
      if (!applied) {
        ignored.add(event.id());
      }
    }
    String error =
        runtimeError == null
            ? null
            : moreErrors == 0
                ? runtimeError
                : runtimeError
                    + " ("
                    + moreErrors
                    + " additional error"
                    + (moreErrors == 1 ? "" : "s")
                    + ")";
    return new Outcome(
        state == null ? JobState.SUBMITTED : state,
        attempt,
        runners.runner,
        exitCode,
        blame,
        cause,
        startedAt,
        finishedAt,
        error,
        ignored,
        crashes,
        evidence);
  }

  /**
   * Table "which attempt an event belongs to": its own; attempt 1 for job.submitted; else the
   * highest attempt any event of the job names at or before its time, else 1, except that for a
   * job.cancelled a job.requeued of exactly its time does not count (rank: cancelled, then
   * requeued).
   */
  public static int attemptOf(JobEvent event, java.util.Collection<JobEvent> all) {
    if (event.change().attemptOrNull() != null) {
      return event.change().attemptOrNull();
    }
    if (event.change() instanceof JobChange.Submitted) {
      return 1;
    }
    int inForce = 1;
    for (JobEvent other : all) {
      Integer named = other.change().attemptOrNull();
      boolean requeueOfTheCancelsInstant =
          event.change() instanceof JobChange.Cancelled
              && other.change() instanceof JobChange.Requeued
              && other.time().equals(event.time());
      if (named != null && !other.time().isAfter(event.time()) && !requeueOfTheCancelsInstant) {
        inForce = Math.max(inForce, named);
      }
    }
    return inForce;
  }
}
