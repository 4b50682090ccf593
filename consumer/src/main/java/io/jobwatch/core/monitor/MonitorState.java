package io.jobwatch.core.monitor;

import io.jobwatch.core.monitor.MonitorChange.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The folded state of one monitor: the declaration in force, pause and retirement, and what its
 * runs reported. Immutable and safe to share between threads; built by {@link MonitorFold} through
 * the withers below, which are the only callers of the canonical constructor besides {@link
 * #unknown} and the store that reads it back.
 *
 * <p>A monitor may report runs before it is declared: {@code team}, {@code schedule}, {@code
 * grace}, {@code maxRuntime} and {@code declaredAt} are then null, {@code rules} the defaults, and
 * the runs are kept.
 *
 * <p>{@code paused} is false when the latest pause is not later than the latest retirement: a
 * retirement ends a pause, also for rows stored before this rule.
 *
 * <p>Two components are derived and kept consistent by {@link MonitorFold}: {@code retired} is true
 * when {@code retiredAt} is set and no declaration in force is later than it; {@code lastSeenAt} is
 * the latest start or finish of any run. {@code recentRuns} holds the latest finished runs with an
 * outcome, newest first, at most {@link FinishedRun#KEPT}, a job's earlier attempts superseded by
 * its latest. {@code openRuns} are the attempts seen started and not finished, and retries seen
 * requeued and not started (no start: never running), at most {@link FinishedRun#KEPT}, latest
 * starts; and anonymous runs that started after {@code lastFinishAt}; only those that started after
 * {@code lastFinishAt}, or attempts that started after {@code lastFinishedStartAt} (overlapping
 * runs), make the monitor running; {@code lastFinishedStartAt} is the latest start of a finished
 * run, and {@code lastStartAt} the later of it and the open runs' starts, so a start that the run's
 * own finish later shows to be wrong (after it) does not stay the last start.
 */
public record MonitorState(
    String monitor,
    String team,
    Schedule schedule,
    Duration grace,
    Duration maxRuntime,
    Instant declaredAt,
    boolean paused,
    Instant pausedChangedAt,
    boolean retired,
    Instant retiredAt,
    Instant lastStartAt,
    Instant lastSuccessAt,
    Instant lastFailureAt,
    Instant lastFinishAt,
    Duration lastRunDuration,
    Instant lastSeenAt,
    MonitorRules rules,
    List<FinishedRun> recentRuns,
    Instant lastFinishedStartAt,
    List<OpenRun> openRuns,
    List<Instant> scheduleDeclarations,
    Instant scheduleReplacedAt) {

  public MonitorState {
    Objects.requireNonNull(monitor, "monitor");
    // A retirement ends a pause: the script is gone for good, and one declared again under its
    // name is watched from the start, not silenced by a pause of its former life. Derived here
    // from the latest pause and the latest retirement, so every order of events agrees.
    paused =
        paused
            && !(retiredAt != null
                && pausedChangedAt != null
                && !pausedChangedAt.isAfter(retiredAt));
    rules = rules == null ? MonitorRules.DEFAULT : rules;
    recentRuns = recentRuns == null ? List.of() : List.copyOf(recentRuns);
    openRuns = openRuns == null ? List.of() : List.copyOf(openRuns);
    scheduleDeclarations =
        scheduleDeclarations == null ? List.of() : List.copyOf(scheduleDeclarations);
  }

  /** A monitor nothing is known about yet. */
  public static MonitorState unknown(String monitor) {
    return new MonitorState(
        monitor,
        null,
        null,
        null,
        null,
        null,
        false,
        null,
        false,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        MonitorRules.DEFAULT,
        List.of(),
        null,
        List.of(),
        List.of(),
        null);
  }

  /** This state under another declaration (made at {@code declaredAt}). */
  MonitorState withDeclaration(
      MonitorChange.Declared declared, Instant declaredAt, boolean retiredNow) {
    return new MonitorState(
        monitor,
        declared.team(),
        declared.schedule(),
        declared.grace(),
        declared.maxRuntime(),
        declaredAt,
        paused,
        pausedChangedAt,
        retiredNow,
        retiredAt,
        lastStartAt,
        lastSuccessAt,
        lastFailureAt,
        lastFinishAt,
        lastRunDuration,
        lastSeenAt,
        declared.rules(),
        recentRuns,
        lastFinishedStartAt,
        openRuns,
        scheduleDeclarations,
        scheduleReplacedAt);
  }

  /**
   * When the schedule in force took over from another one: its first declaration after {@link
   * #scheduleReplacedAt}, the latest declaration of another schedule; that one itself when none of
   * the schedule in force is known after it (declared in the same instant); null when no other
   * schedule was ever declared (or the row predates V26): the schedule has always been in force.
   */
  public Instant scheduleChangedAt() {
    if (scheduleReplacedAt == null) {
      return null;
    }
    return scheduleDeclarations.isEmpty() ? scheduleReplacedAt : scheduleDeclarations.get(0);
  }

  /**
   * This state with {@code declarations} (ascending) of the schedule in force after {@code
   * replacedAt}, the latest declaration of another schedule (null: none).
   */
  MonitorState withScheduleChange(List<Instant> declarations, Instant replacedAt) {
    if (declarations.equals(scheduleDeclarations)
        && Objects.equals(replacedAt, scheduleReplacedAt)) {
      return this;
    }
    return new MonitorState(
        monitor,
        team,
        schedule,
        grace,
        maxRuntime,
        declaredAt,
        paused,
        pausedChangedAt,
        retired,
        retiredAt,
        lastStartAt,
        lastSuccessAt,
        lastFailureAt,
        lastFinishAt,
        lastRunDuration,
        lastSeenAt,
        rules,
        recentRuns,
        lastFinishedStartAt,
        openRuns,
        declarations,
        replacedAt);
  }

  /** This state paused or resumed at {@code changedAt}. */
  MonitorState withPause(boolean pausedNow, Instant changedAt) {
    return new MonitorState(
        monitor,
        team,
        schedule,
        grace,
        maxRuntime,
        declaredAt,
        pausedNow,
        changedAt,
        retired,
        retiredAt,
        lastStartAt,
        lastSuccessAt,
        lastFailureAt,
        lastFinishAt,
        lastRunDuration,
        lastSeenAt,
        rules,
        recentRuns,
        lastFinishedStartAt,
        openRuns,
        scheduleDeclarations,
        scheduleReplacedAt);
  }

  /** This state with another retirement. */
  MonitorState withRetirement(boolean retiredNow, Instant retiredAtNow) {
    return new MonitorState(
        monitor,
        team,
        schedule,
        grace,
        maxRuntime,
        declaredAt,
        paused,
        pausedChangedAt,
        retiredNow,
        retiredAtNow,
        lastStartAt,
        lastSuccessAt,
        lastFailureAt,
        lastFinishAt,
        lastRunDuration,
        lastSeenAt,
        rules,
        recentRuns,
        lastFinishedStartAt,
        openRuns,
        scheduleDeclarations,
        scheduleReplacedAt);
  }

  /**
   * This state with other run facts; {@code lastStartAt} (the latest start of a finished run or of
   * an open one) and {@code lastSeenAt} are derived.
   */
  /** The state with other run lists, the run times as they are. */
  MonitorState withRunLists(List<FinishedRun> runs, List<OpenRun> open) {
    return withRuns(
        lastFinishedStartAt,
        lastSuccessAt,
        lastFailureAt,
        lastFinishAt,
        lastRunDuration,
        runs,
        open);
  }

  MonitorState withRuns(
      Instant finishedStart,
      Instant success,
      Instant failure,
      Instant finish,
      Duration runDuration,
      List<FinishedRun> runs,
      List<OpenRun> open) {
    Instant start = finishedStart;
    for (OpenRun run : open) {
      if (isOpen(run, finish, finishedStart) && (start == null || run.startedAt().isAfter(start))) {
        start = run.startedAt();
      }
    }
    Instant seen = start == null || finish != null && finish.isAfter(start) ? finish : start;
    return new MonitorState(
        monitor,
        team,
        schedule,
        grace,
        maxRuntime,
        declaredAt,
        paused,
        pausedChangedAt,
        retired,
        retiredAt,
        start,
        success,
        failure,
        finish,
        runDuration,
        seen,
        rules,
        runs,
        finishedStart,
        open,
        scheduleDeclarations,
        scheduleReplacedAt);
  }

  /** Whether a {@code monitor.declared} event has been folded in. */
  public boolean isDeclared() {
    return schedule != null;
  }

  /**
   * Whether a run is open: seen started, not seen finished, and started after the last finish of
   * any run or, for a job's attempt, after the start of every finished run (a run that started
   * before it and finishes while it runs says nothing about it: cron starts the next run while the
   * previous one still runs).
   */
  public boolean isRunning() {
    return runningSince() != null;
  }

  /**
   * The earliest start of the open runs, null when none is running: a run that hangs while later
   * ones start is still the one that overruns.
   */
  public Instant runningSince() {
    return runningSince(null);
  }

  /**
   * {@link #runningSince()} among the open runs that started after {@code after} (any when null): a
   * run that hung before a restart (a resume, a re-activation) was silenced with the monitor.
   */
  public Instant runningSince(Instant after) {
    Instant since = null;
    for (OpenRun run : openRuns) {
      if (isOpen(run, lastFinishAt, lastFinishedStartAt)
          && (after == null || run.startedAt().isAfter(after))
          && (since == null || run.startedAt().isBefore(since))) {
        since = run.startedAt();
      }
    }
    return since;
  }

  private static boolean isOpen(OpenRun run, Instant lastFinish, Instant lastFinishedStart) {
    Instant start = run.startedAt();
    return start != null
        && (lastFinish == null
            || start.isAfter(lastFinish)
            || run.jobId() != null
                && lastFinishedStart != null
                && start.isAfter(lastFinishedStart));
  }

  /**
   * Whether the latest finished run failed: the newest of {@link #recentRuns} (a job's earlier
   * attempts are superseded by its latest, so a failed attempt retried is not it). Only a row that
   * keeps no runs (stored before recent runs were kept, V8_2, and no identified run seen since)
   * judges from the times: no success at or after the last failure. Those times are maxima over
   * every attempt observed, which depends on batching, so nothing else judges from them.
   */
  public boolean lastRunFailed() {
    if (!recentRuns.isEmpty()) {
      return !recentRuns.get(0).succeeded();
    }
    return judgedFromTimes()
        && lastFailureAt != null
        && (lastSuccessAt == null || lastFailureAt.isAfter(lastSuccessAt));
  }

  /**
   * Whether this row keeps no runs to judge from, so its success and failure times are judged
   * instead: no recent run and no identified open run (a retry superseding the only finished
   * attempts leaves one).
   */
  boolean judgedFromTimes() {
    return recentRuns.isEmpty() && openRuns.stream().allMatch(run -> run.jobId() == null);
  }
}
