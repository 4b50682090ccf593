package io.jobwatch.core.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides the {@link MonitorStatus} of a monitor at a given instant. Pure and stateless (time is an
 * input), safe to call from any thread.
 *
 * <p>Rules, in this order:
 *
 * <ol>
 *   <li>Never declared (no schedule): not evaluated, {@link #evaluate} returns null, whatever pause
 *       or retirement it saw: without a team there is nobody to report to.
 *   <li>Retired: {@code RETIRED}. Paused: {@code PAUSED}. Neither has an expected time or deadline,
 *       so neither can alert.
 *   <li>{@code expectedAt} is the first scheduled time strictly after the base: the last success
 *       among the recent runs, or the declaration time if none; a resume later than that base
 *       restarts the clock from the resume, so a resumed monitor is not down the moment it is
 *       resumed, and so does a declaration that changed the schedule ({@link
 *       MonitorState#scheduleChangedAt}). {@code deadline} is {@code expectedAt} plus grace (a
 *       missing grace is zero).
 *   <li>{@code DOWN}: {@code failure_threshold} finished runs in a row failed (1 by default: the
 *       last run failed; a success shorter than {@code min_runtime} counts as failed; after that,
 *       down until {@code recovery_threshold} successes in a row), or {@code now} is after the
 *       deadline, or with {@code start_grace} no run started by {@code expectedAt + start_grace}; a
 *       monitor that never ran is down too once its first deadline passes.
 *   <li>{@code OVERRUN}: an open run ({@link MonitorState#runningSince}) has run longer than max
 *       runtime (only when max runtime is declared), and the monitor is not down.
 *   <li>{@code TOO_OFTEN}: more than {@code max_runs} runs finished within the {@code period}
 *       ending at {@code now}.
 *   <li>{@code LATE}: {@code now} is after {@code expectedAt}.
 *   <li>{@code NEW}: it never ran (no start, no finish, no retry seen requeued).
 *   <li>Otherwise {@code UP}.
 * </ol>
 *
 * <p>"After" is strict: at exactly the deadline a monitor is still late, not down. An expected time
 * or deadline later than {@link MonitorLimits#LATEST} (year 9999) is "never" (null).
 */
public final class MonitorEvaluator {
  private MonitorEvaluator() {}

  /** The evaluation of {@code state} at {@code now}; null if the monitor was never declared. */
  public static MonitorEvaluation evaluate(MonitorState stored, Instant now) {
    return evaluate(stored, now, false);
  }

  /**
   * The evaluation of {@code state} at {@code now}, the judgement instant; null if the monitor was
   * never declared. While {@code behind} (a backlog drains: {@code now} is the stream's watermark,
   * {@link MonitorClock}), a run that finished after {@code now} has been read ahead of the rest of
   * the stream: a failure among them makes the monitor down only once the judgement reaches it,
   * since the success after it may still be unread (on another partition: each run is a job). A
   * success read after {@code now} still counts, so the judgement is never worse than the runs
   * read. Caught up, every run read counts, also one timed ahead of the clock.
   */
  public static MonitorEvaluation evaluate(MonitorState stored, Instant now, boolean behind) {
    if (!stored.isDeclared()) {
      return null;
    }
    MonitorState state = judged(stored);
    if (state.retired()) {
      return new MonitorEvaluation(MonitorStatus.RETIRED, null, null, state.lastSeenAt());
    }
    if (state.paused()) {
      return new MonitorEvaluation(MonitorStatus.PAUSED, null, null, state.lastSeenAt());
    }
    Instant expectedAt = MonitorSchedules.nextAfter(state.schedule(), base(state));
    if (expectedAt != null && expectedAt.isAfter(MonitorLimits.LATEST)) {
      expectedAt = null;
    }
    Duration grace = state.grace() == null ? Duration.ZERO : state.grace();
    Instant deadline = MonitorLimits.plusOrNever(expectedAt, grace);
    return new MonitorEvaluation(
        status(state, now, behind, expectedAt, deadline), expectedAt, deadline, state.lastSeenAt());
  }

  /**
   * Failed runs since the last counted success, newest first: a failure, or with {@code
   * min_runtime} a success shorter than it. A job counts once, by its latest attempt (earlier ones
   * are superseded in the recent runs). Without recent runs (rows older than them, or only a retry
   * still open), 1 if the last run failed, else 0 ({@link MonitorState#lastRunFailed}).
   */
  public static int consecutiveFailures(MonitorState stored) {
    MonitorState state = judged(stored);
    if (state.recentRuns().isEmpty()) {
      return lastRunFailedSinceRestart(state) ? 1 : 0;
    }
    return streak(state, 0, true);
  }

  /**
   * {@code state} without the success of a job's earlier attempt kept while its re-run is open
   * (docs/monitors.md, "Runs") when, with {@code min_runtime}, that success was too short: it
   * counts as failed, so the re-run is a retry of a failed run and, like a retry of a failure,
   * supersedes it until it ends. A success long enough stands; a re-run cancelled leaves no open
   * run, and the short success is the job's outcome again. Judged here, not in the fold, because a
   * later declaration may change {@code min_runtime}.
   */
  private static MonitorState judged(MonitorState state) {
    if (state.rules().minRuntime() == null) {
      return state;
    }
    List<FinishedRun> judged = new ArrayList<>(state.recentRuns().size());
    for (FinishedRun run : state.recentRuns()) {
      if (!(tooShort(state, run) && reRunOpen(state, run))) {
        judged.add(run);
      }
    }
    return judged.size() == state.recentRuns().size()
        ? state
        : state.withRunLists(List.copyOf(judged), state.openRuns());
  }

  /** Whether a later attempt of {@code run}'s job is open (seen requeued or started). */
  private static boolean reRunOpen(MonitorState state, FinishedRun run) {
    for (OpenRun open : state.openRuns()) {
      if (run.jobId() != null
          && run.jobId().equals(open.jobId())
          && open.attempt() > run.attempt()) {
        return true;
      }
    }
    return false;
  }

  /**
   * When the monitor was restarted: resumed (and not paused again), or retired and re-activated by
   * a later declaration (then the retirement is the boundary: the fold keeps only the latest
   * declaration, so a later re-declaration, such as a changed grace, must not move it and forget a
   * failure that pages); null if never. Runs that finished until then do not make it down: they
   * failed before the pause or retirement that silenced them. The clock restarts too ({@link
   * #base}).
   */
  private static Instant restartedAt(MonitorState state) {
    Instant restart = null;
    Instant declaredAt = state.declaredAt();
    if (state.retiredAt() != null && declaredAt != null && declaredAt.isAfter(state.retiredAt())) {
      restart = state.retiredAt();
    }
    Instant resumedAt = state.paused() ? null : state.pausedChangedAt();
    if (resumedAt != null && (restart == null || resumedAt.isAfter(restart))) {
      restart = resumedAt;
    }
    return restart;
  }

  private static boolean lastRunFailedSinceRestart(MonitorState state) {
    Instant restart = restartedAt(state);
    return state.lastRunFailed() && (restart == null || state.lastFailureAt().isAfter(restart));
  }

  private static MonitorStatus status(
      MonitorState state, Instant now, boolean behind, Instant expectedAt, Instant deadline) {
    // Down before overrun: a run that hangs past the deadline pages (down), and a page never
    // turns into the overrun ticket while nothing has succeeded.
    if (failing(state) && (!behind || failingBy(state, now))
        || deadline != null && now.isAfter(deadline)
        || notStarted(state, now, expectedAt)) {
      return MonitorStatus.DOWN;
    }
    if (overran(state, now)) {
      return MonitorStatus.OVERRUN;
    }
    if (tooOften(state, now)) {
      return MonitorStatus.TOO_OFTEN;
    }
    if (expectedAt != null && now.isAfter(expectedAt)) {
      return MonitorStatus.LATE;
    }
    if (state.lastStartAt() == null && state.lastFinishAt() == null && state.openRuns().isEmpty()) {
      return MonitorStatus.NEW;
    }
    return MonitorStatus.UP;
  }

  /**
   * Down by failures: the newest runs are at least {@code failure_threshold} failures, or fewer
   * than {@code recovery_threshold} successes right after at least that many failures.
   */
  private static boolean failing(MonitorState state) {
    MonitorRules rules = state.rules();
    if (state.recentRuns().isEmpty()) {
      return lastRunFailedSinceRestart(state) && rules.failureThreshold() == 1;
    }
    int failures = streak(state, 0, true);
    if (failures > 0) {
      return failures >= rules.failureThreshold();
    }
    int successes = streak(state, 0, false);
    return successes < rules.recoveryThreshold()
        && streak(state, successes, true) >= rules.failureThreshold();
  }

  /**
   * Down by failures as of {@code at}, judged on the recent runs that had finished by then. With
   * none, it had not failed yet, unless the kept runs are as many as the fold keeps: then the runs
   * before {@code at} may have been dropped, and the runs read decide. A row without recent runs
   * (judged from its times) and a judgement before anything was read ({@link
   * MonitorClock#NOTHING_READ}) are judged on what was read as well.
   */
  private static boolean failingBy(MonitorState state, Instant at) {
    List<FinishedRun> runs = state.recentRuns();
    if (runs.isEmpty() || !at.isAfter(MonitorClock.NOTHING_READ)) {
      return true;
    }
    List<FinishedRun> byThen = new ArrayList<>(runs.size());
    for (FinishedRun run : runs) {
      if (!run.finishedAt().isAfter(at)) {
        byThen.add(run);
      }
    }
    if (byThen.size() == runs.size()) {
      return true;
    }
    if (byThen.isEmpty()) {
      return runs.size() >= FinishedRun.KEPT;
    }
    return failing(state.withRunLists(List.copyOf(byThen), state.openRuns()));
  }

  /**
   * How many runs from index {@code from} on are failed (or all succeeded) in a row, counting only
   * runs that finished after the last restart ({@link #restartedAt}).
   */
  private static int streak(MonitorState state, int from, boolean failed) {
    List<FinishedRun> runs = state.recentRuns();
    Instant restart = restartedAt(state);
    int count = 0;
    for (int i = from;
        i < runs.size()
            && (restart == null || runs.get(i).finishedAt().isAfter(restart))
            && failed(state, runs.get(i)) == failed;
        i++) {
      count++;
    }
    return count;
  }

  private static boolean failed(MonitorState state, FinishedRun run) {
    return !run.succeeded() || tooShort(state, run);
  }

  private static boolean tooShort(MonitorState state, FinishedRun run) {
    Duration minRuntime = state.rules().minRuntime();
    Duration duration = run.duration();
    return minRuntime != null && duration != null && duration.compareTo(minRuntime) < 0;
  }

  /** With a start grace: no run started after the base, and the grace after expectedAt passed. */
  private static boolean notStarted(MonitorState state, Instant now, Instant expectedAt) {
    Instant startBy = MonitorLimits.plusOrNever(expectedAt, orZero(state.rules().startGrace()));
    if (state.rules().startGrace() == null || startBy == null || !now.isAfter(startBy)) {
      return false;
    }
    return state.lastStartAt() == null || !state.lastStartAt().isAfter(base(state));
  }

  /**
   * More than {@code maxRuns} runs finished within the period that ends at {@code now}, counting
   * only runs that finished after the last restart ({@link #restartedAt}): a monitor paused for
   * running too often and resumed once its crontab is fixed is judged by its runs from then on.
   */
  private static boolean tooOften(MonitorState state, Instant now) {
    MonitorRules rules = state.rules();
    if (rules.maxRuns() == null) {
      return false;
    }
    Instant restart = restartedAt(state);
    Instant window = now.minus(rules.runsPeriod());
    Instant from = restart != null && restart.isAfter(window) ? restart : window;
    long runs =
        state.recentRuns().stream()
            .filter(run -> run.finishedAt().isAfter(from) && !run.finishedAt().isAfter(now))
            .count();
    return runs > rules.maxRuns();
  }

  /**
   * The longest-running open run that started after the last restart has run longer than max
   * runtime: one that hung before a pause or retirement (killed without a finish) does not make the
   * resumed or re-activated monitor overrun at once; its next run or deadline judges it.
   */
  private static boolean overran(MonitorState state, Instant now) {
    Instant since = state.runningSince(restartedAt(state));
    return state.maxRuntime() != null
        && since != null
        && Duration.between(since, now).compareTo(state.maxRuntime()) > 0;
  }

  private static Duration orZero(Duration duration) {
    return duration == null ? Duration.ZERO : duration;
  }

  /**
   * The last success that counts (with {@code min_runtime}, the newest recent success that was long
   * enough), or the declaration; a later resume restarts the clock, and so does a declaration that
   * re-activates a retired monitor.
   */
  private static Instant base(MonitorState state) {
    Instant success = countedSuccess(state);
    if (state.rules().failureThreshold() > 1 && !state.recentRuns().isEmpty()) {
      // Tolerated failures are runs on schedule: the clock restarts from the latest of any run.
      Instant latestRun = state.recentRuns().get(0).finishedAt();
      success = success == null || latestRun.isAfter(success) ? latestRun : success;
    }
    Instant base = success != null ? success : firstDeclared(state);
    Instant declaredAt = state.declaredAt();
    if (state.retiredAt() != null
        && declaredAt != null
        && declaredAt.isAfter(state.retiredAt())
        && declaredAt.isAfter(base)) {
      base = declaredAt; // re-activated: its last success, months old, is no deadline
    }
    Instant scheduleChangedAt = state.scheduleChangedAt();
    if (scheduleChangedAt != null && scheduleChangedAt.isAfter(base)) {
      // A changed schedule is judged from its declaration, not as if it had always been in force:
      // moved from 03:00 to 05:00 at 14:00, it is next expected tomorrow at 05:00, not today.
      base = scheduleChangedAt;
    }
    Instant resumedAt = state.pausedChangedAt();
    if (resumedAt != null && resumedAt.isAfter(base)) {
      return resumedAt;
    }
    return base;
  }

  /**
   * When the schedule in force was first declared (the earliest of {@link
   * MonitorState#scheduleDeclarations}): a monitor that never ran is judged from there, so that
   * re-declaring the same schedule (a deploy) does not move the deadline it missed. Kept
   * declarations without the one in force (a row written before V26, or by an older jar rolled back
   * on the V26 schema, which writes neither column) judge from the latest, as before.
   */
  private static Instant firstDeclared(MonitorState state) {
    List<Instant> declarations = state.scheduleDeclarations();
    return declarations.contains(state.declaredAt()) ? declarations.get(0) : state.declaredAt();
  }

  /**
   * The newest success in the recent runs (with {@code min_runtime}, long enough), not the latest
   * success time: that one may belong to an attempt a retry superseded. A row that keeps no runs
   * judges from the latest success time ({@link MonitorState#judgedFromTimes}).
   */
  private static Instant countedSuccess(MonitorState state) {
    if (state.recentRuns().isEmpty()) {
      return state.judgedFromTimes() ? state.lastSuccessAt() : null;
    }
    for (FinishedRun run : state.recentRuns()) {
      if (run.succeeded() && !tooShort(state, run)) {
        return run.finishedAt();
      }
    }
    return null;
  }
}
