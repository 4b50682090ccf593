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
    Copy copy = new Copy(this);
    copy.team = declared.team();
    copy.schedule = declared.schedule();
    copy.grace = declared.grace();
    copy.maxRuntime = declared.maxRuntime();
    copy.declaredAt = declaredAt;
    copy.retired = retiredNow;
    copy.rules = declared.rules();
    return copy.build();
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
    Copy copy = new Copy(this);
    copy.scheduleDeclarations = declarations;
    copy.scheduleReplacedAt = replacedAt;
    return copy.build();
  }

  /** This state paused or resumed at {@code changedAt}. */
  MonitorState withPause(boolean pausedNow, Instant changedAt) {
    Copy copy = new Copy(this);
    copy.paused = pausedNow;
    copy.pausedChangedAt = changedAt;
    return copy.build();
  }

  /** This state with another retirement. */
  MonitorState withRetirement(boolean retiredNow, Instant retiredAtNow) {
    Copy copy = new Copy(this);
    copy.retired = retiredNow;
    copy.retiredAt = retiredAtNow;
    return copy.build();
  }

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

  /**
   * This state with other run facts; {@code lastStartAt} (the latest start of a finished run or of
   * an open one) and {@code lastSeenAt} are derived.
   */
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
    Copy copy = new Copy(this);
    copy.lastStartAt = start;
    copy.lastSuccessAt = success;
    copy.lastFailureAt = failure;
    copy.lastFinishAt = finish;
    copy.lastRunDuration = runDuration;
    copy.lastSeenAt = start == null || finish != null && finish.isAfter(start) ? finish : start;
    copy.recentRuns = runs;
    copy.lastFinishedStartAt = finishedStart;
    copy.openRuns = open;
    return copy.build();
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

  /** A copy of a state to change some components of: the withers' one list of all of them. */
  private static final class Copy {
    private String monitor;
    private String team;
    private Schedule schedule;
    private Duration grace;
    private Duration maxRuntime;
    private Instant declaredAt;
    private boolean paused;
    private Instant pausedChangedAt;
    private boolean retired;
    private Instant retiredAt;
    private Instant lastStartAt;
    private Instant lastSuccessAt;
    private Instant lastFailureAt;
    private Instant lastFinishAt;
    private Duration lastRunDuration;
    private Instant lastSeenAt;
    private MonitorRules rules;
    private List<FinishedRun> recentRuns;
    private Instant lastFinishedStartAt;
    private List<OpenRun> openRuns;
    private List<Instant> scheduleDeclarations;
    private Instant scheduleReplacedAt;

    private Copy(MonitorState state) {
      monitor = state.monitor;
      team = state.team;
      schedule = state.schedule;
      grace = state.grace;
      maxRuntime = state.maxRuntime;
      declaredAt = state.declaredAt;
      paused = state.paused;
      pausedChangedAt = state.pausedChangedAt;
      retired = state.retired;
      retiredAt = state.retiredAt;
      lastStartAt = state.lastStartAt;
      lastSuccessAt = state.lastSuccessAt;
      lastFailureAt = state.lastFailureAt;
      lastFinishAt = state.lastFinishAt;
      lastRunDuration = state.lastRunDuration;
      lastSeenAt = state.lastSeenAt;
      rules = state.rules;
      recentRuns = state.recentRuns;
      lastFinishedStartAt = state.lastFinishedStartAt;
      openRuns = state.openRuns;
      scheduleDeclarations = state.scheduleDeclarations;
      scheduleReplacedAt = state.scheduleReplacedAt;
    }

    private MonitorState build() {
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
          scheduleDeclarations,
          scheduleReplacedAt);
    }
  }
}
