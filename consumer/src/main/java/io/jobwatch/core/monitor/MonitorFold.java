package io.jobwatch.core.monitor;

import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.monitor.MonitorChange.Declared;
import io.jobwatch.core.monitor.MonitorChange.Paused;
import io.jobwatch.core.monitor.MonitorChange.Resumed;
import io.jobwatch.core.monitor.MonitorChange.Retired;
import io.jobwatch.core.monitor.MonitorChange.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Folds monitor events and runs into a {@link MonitorState}. Pure and stateless, safe to call from
 * any thread.
 *
 * <p>Every merge is a maximum under a fixed order, so any permutation and any duplication of the
 * same inputs folds to the same state:
 *
 * <ul>
 *   <li>The declaration with the latest event time is in force. Declarations with the same event
 *       time are ordered by their content (team, schedule, grace, max runtime), an arbitrary but
 *       fixed order, so the winner does not depend on arrival.
 *   <li>Pause and resume: the latest by event time wins; on a tie, resume wins, because a monitor
 *       silenced by mistake hides failures, while one left watching by mistake only pages.
 *   <li>{@code retiredAt} is the latest retirement. The monitor is retired unless the declaration
 *       in force is strictly later than that retirement (a re-declaration re-activates it).
 *   <li>Finish, success and failure times merge by maximum; {@code lastRunDuration} belongs to the
 *       run with the latest finish (on an equal finish, the longer duration). {@code recentRuns} is
 *       the union of the finished runs with an outcome, observations of one attempt merged into one
 *       and earlier attempts of a job superseded by its latest, truncated to the newest under a
 *       total order. {@code openRuns} are the runs seen started (or retries seen requeued), neither
 *       seen finished nor superseded nor, anonymous, started at or before the last finish.
 * </ul>
 */
public final class MonitorFold {
  /**
   * How many declarations of the schedule in force the fold keeps (the earliest): enough for every
   * deploy's re-declaration between two changes in practice; past it, a change read late is judged
   * from that change itself.
   */
  static final int SCHEDULE_DECLARATIONS_KEPT = 32;

  private static final Comparator<Instant> NULL_FIRST =
      Comparator.nullsFirst(Comparator.naturalOrder());
  private static final Comparator<Duration> SHORTER_FIRST =
      Comparator.nullsFirst(Comparator.naturalOrder());

  private MonitorFold() {}

  /** The state after {@code event}; {@code stateOrNull} null means nothing is known yet. */
  public static MonitorState apply(MonitorState stateOrNull, MonitorEvent event) {
    MonitorState state = stateOf(stateOrNull, event.monitor());
    MonitorChange change = event.change();
    if (change instanceof Declared declared) {
      return declare(state, declared, event.time());
    }
    if (change instanceof Paused) {
      return pauseOrResume(state, true, event.time());
    }
    if (change instanceof Resumed) {
      return pauseOrResume(state, false, event.time());
    }
    if (change instanceof Retired) {
      return retire(state, event.time());
    }
    throw new IllegalArgumentException("Unknown monitor change: " + change.type());
  }

  /**
   * The state after observing {@code run} of {@code monitor}, declared or not. A job is one run of
   * its monitor and its attempts are retries of that run, whose outcome is the latest attempt's: an
   * observation of a later attempt supersedes every earlier attempt of the job (in the recent and
   * the open runs), and one of an earlier attempt than a kept one changes nothing. Observations of
   * the same attempt are one run: a finished observation closes the open one, a later open
   * observation does not reopen it, and two finished ones merge ({@link FinishedRun#add}).
   */
  public static MonitorState observeRun(MonitorState stateOrNull, String monitor, MonitorRun run) {
    return observeRun(stateOrNull, monitor, run, null);
  }

  /**
   * {@link #observeRun(MonitorState, String, MonitorRun)} with what the job fold knows of the job's
   * earlier attempts: {@code priorSuccessOrNull} is its latest finished attempt before {@code
   * run}'s, when that succeeded. While {@code run} has no outcome (a re-run or a retry queued or
   * running, or cancelled), that success stands for the job in the recent runs, so re-running a job
   * that succeeded does not turn its monitor {@code down} until the re-run itself fails; once
   * {@code run} has an outcome, it alone is the job's. Each observation of a job says which of its
   * earlier attempts stands (one or none), so an earlier observation's is replaced, whatever the
   * batching.
   */
  public static MonitorState observeRun(
      MonitorState stateOrNull, String monitor, MonitorRun run, MonitorRun priorSuccessOrNull) {
    MonitorState state = stateOf(stateOrNull, monitor);
    if (run.jobId() != null) {
      int latest = latestAttempt(state, run.jobId());
      if (latest > run.attempt()) {
        // A retry of this job was seen: an earlier attempt is no longer its outcome.
        return state;
      }
      state = withoutAttemptsBefore(state, run.jobId(), run.attempt());
      if (priorSuccessOrNull != null && run.succeeded() == null) {
        if (!run.jobId().equals(priorSuccessOrNull.jobId())
            || priorSuccessOrNull.attempt() >= run.attempt()
            || !Boolean.TRUE.equals(priorSuccessOrNull.succeeded())) {
          throw new IllegalArgumentException(
              "a prior success must be an earlier attempt of the same job that succeeded");
        }
        state = observeAttempt(state, priorSuccessOrNull);
      }
      if (run.isPendingRetry()) {
        return observePendingRetry(state, run);
      }
    }
    return observeAttempt(state, run);
  }

  /** {@code run} merged into the runs, its job's other attempts already settled by the caller. */
  private static MonitorState observeAttempt(MonitorState state, MonitorRun run) {
    Instant finishedAt = run.finishedAt();
    if (finishedAt == null) {
      return observeOpen(state, run);
    }
    Instant openStart = null;
    for (OpenRun open : state.openRuns()) {
      if (run.jobId() != null && open.isRun(run.jobId(), run.attempt())) {
        openStart = open.startedAt();
      }
    }
    Instant start = FinishedRun.earliestStartNotAfter(finishedAt, run.startedAt(), openStart);
    Instant lastFinishAt = state.lastFinishAt();
    Duration lastRunDuration = state.lastRunDuration();
    // start is never after finishedAt (earliestStartNotAfter).
    Duration duration = start == null ? null : Duration.between(start, finishedAt);
    int order = NULL_FIRST.compare(finishedAt, lastFinishAt);
    if (order > 0) {
      lastFinishAt = finishedAt;
      lastRunDuration = duration;
    } else if (order == 0) {
      lastRunDuration = max(SHORTER_FIRST, lastRunDuration, duration);
    }
    List<OpenRun> openRuns = new ArrayList<>();
    for (OpenRun open : state.openRuns()) {
      if (run.jobId() != null && open.isRun(run.jobId(), run.attempt())) {
        continue;
      } else if (open.jobId() != null || open.startedAt().isAfter(lastFinishAt)) {
        // An attempt is kept until its own finish: the earliest start of it wins, whatever came.
        openRuns.add(open);
      }
    }
    Instant lastFinishedStartAt = max(NULL_FIRST, state.lastFinishedStartAt(), start);
    Instant lastSuccessAt =
        Boolean.TRUE.equals(run.succeeded())
            ? max(NULL_FIRST, state.lastSuccessAt(), finishedAt)
            : state.lastSuccessAt();
    Instant lastFailureAt =
        Boolean.FALSE.equals(run.succeeded())
            ? max(NULL_FIRST, state.lastFailureAt(), finishedAt)
            : state.lastFailureAt();
    List<FinishedRun> recentRuns;
    if (run.succeeded() == null) {
      recentRuns = withoutRun(state.recentRuns(), run);
      for (FinishedRun dropped : state.recentRuns()) {
        // What an earlier batch saw the cancelled attempt end with leaves the times as well.
        if (!recentRuns.contains(dropped)) {
          if (dropped.succeeded() && dropped.finishedAt().equals(lastSuccessAt)) {
            lastSuccessAt = latestFinish(recentRuns, true);
          } else if (!dropped.succeeded() && dropped.finishedAt().equals(lastFailureAt)) {
            lastFailureAt = latestFinish(recentRuns, false);
          }
        }
      }
    } else {
      recentRuns =
          FinishedRun.add(
              state.recentRuns(),
              new FinishedRun(
                  run.jobId(),
                  run.jobId() == null ? null : run.attempt(),
                  start,
                  finishedAt,
                  run.succeeded()));
    }
    return state.withRuns(
        lastFinishedStartAt,
        lastSuccessAt,
        lastFailureAt,
        lastFinishAt,
        lastRunDuration,
        recentRuns,
        openRuns);
  }

  /**
   * {@code runs} without the run of a cancelled attempt: the job fold now ends that attempt by its
   * cancel (timed before the exit, or in the instant of a kill by signal, and read after it), so
   * what an earlier batch saw it end with is no run, as if the cancel had come in the same batch.
   */
  private static List<FinishedRun> withoutRun(List<FinishedRun> runs, MonitorRun cancelled) {
    if (cancelled.jobId() == null) {
      return runs;
    }
    List<FinishedRun> kept = new ArrayList<>(runs.size());
    for (FinishedRun run : runs) {
      if (!run.isRun(cancelled.jobId(), cancelled.attempt())) {
        kept.add(run);
      }
    }
    return kept.size() == runs.size() ? runs : List.copyOf(kept);
  }

  /** The latest finish among {@code runs} that succeeded (or failed); null if none. */
  private static Instant latestFinish(List<FinishedRun> runs, boolean succeeded) {
    Instant latest = null;
    for (FinishedRun run : runs) {
      if (run.succeeded() == succeeded) {
        latest = max(NULL_FIRST, latest, run.finishedAt());
      }
    }
    return latest;
  }

  /** The latest attempt of {@code jobId} kept in the runs, finished or open; 0 if none. */
  private static int latestAttempt(MonitorState state, String jobId) {
    int latest = 0;
    for (FinishedRun kept : state.recentRuns()) {
      if (jobId.equals(kept.jobId())) {
        latest = Math.max(latest, kept.attempt());
      }
    }
    for (OpenRun open : state.openRuns()) {
      if (jobId.equals(open.jobId())) {
        latest = Math.max(latest, open.attempt());
      }
    }
    return latest;
  }

  /**
   * The state without the attempts of {@code jobId} before {@code attempt}, in the recent and the
   * open runs: a job is one run, and its outcome is its latest attempt's. The times merged by
   * maximum keep what those attempts reported (informational: nothing is judged from them while
   * runs are kept, see {@link MonitorState#lastRunFailed}).
   */
  private static MonitorState withoutAttemptsBefore(MonitorState state, String jobId, int attempt) {
    List<FinishedRun> recentRuns = new ArrayList<>(state.recentRuns().size());
    for (FinishedRun kept : state.recentRuns()) {
      if (!jobId.equals(kept.jobId()) || kept.attempt() >= attempt) {
        recentRuns.add(kept);
      }
    }
    List<OpenRun> openRuns = new ArrayList<>(state.openRuns().size());
    for (OpenRun open : state.openRuns()) {
      if (!jobId.equals(open.jobId()) || open.attempt() >= attempt) {
        openRuns.add(open);
      }
    }
    // Most observations remove nothing (a job's first attempt, or its latest seen again).
    return recentRuns.size() == state.recentRuns().size()
            && openRuns.size() == state.openRuns().size()
        ? state
        : state.withRunLists(recentRuns, openRuns);
  }

  /**
   * A retry seen requeued and not started: kept as an open run without a start, which never makes
   * the monitor running, so that an earlier attempt of the job seen later changes nothing. Nothing
   * if the same attempt was seen finished already.
   */
  private static MonitorState observePendingRetry(MonitorState state, MonitorRun run) {
    for (FinishedRun kept : state.recentRuns()) {
      if (kept.isRun(run.jobId(), run.attempt())) {
        return state;
      }
    }
    return state.withRunLists(
        state.recentRuns(),
        OpenRun.add(state.openRuns(), new OpenRun(run.jobId(), run.attempt(), null)));
  }

  /**
   * A run seen started: open unless the same attempt was seen finished (its start may be after its
   * finish when clocks disagree; the job fold then ignores the start, and so does the monitor). An
   * anonymous run is not kept when a finish at or after its start is known.
   */
  private static MonitorState observeOpen(MonitorState state, MonitorRun run) {
    Instant startedAt = run.startedAt();
    if (run.jobId() != null) {
      for (FinishedRun kept : state.recentRuns()) {
        if (kept.isRun(run.jobId(), run.attempt())) {
          // Seen finished already: the start only completes that run, as if it had come first.
          return observeAttempt(
              state,
              new MonitorRun(
                  run.jobId(),
                  run.attempt(),
                  FinishedRun.earliestStartNotAfter(kept.finishedAt(), startedAt, kept.startedAt()),
                  kept.finishedAt(),
                  kept.succeeded()));
        }
      }
    } else if (state.lastFinishAt() != null && !startedAt.isAfter(state.lastFinishAt())) {
      return state;
    }
    List<OpenRun> openRuns =
        OpenRun.add(
            state.openRuns(),
            new OpenRun(run.jobId(), run.jobId() == null ? null : run.attempt(), startedAt));
    return state.withRunLists(state.recentRuns(), openRuns);
  }

  /**
   * The latest declaration wins. The schedule in force is judged from its first declaration after
   * the latest declaration of another schedule (docs/monitors.md, "Changing a schedule"), not as if
   * it had always been in force; re-declaring the same schedule (a {@code monitors apply} of every
   * deploy) moves nothing. The fold keeps the latest declaration of another schedule ({@link
   * MonitorState#scheduleReplacedAt}) and the declarations of the schedule in force after it
   * ({@link MonitorState#scheduleDeclarations}, the earliest {@link #SCHEDULE_DECLARATIONS_KEPT}),
   * so that declarations read in any order fold alike: one of another schedule read late drops
   * those before it.
   */
  private static MonitorState declare(MonitorState state, Declared declared, Instant at) {
    int order = NULL_FIRST.compare(at, state.declaredAt());
    Instant replacedAt = state.scheduleReplacedAt();
    List<Instant> declarations = state.scheduleDeclarations();
    boolean same = state.isDeclared() && sameSchedule(declared.schedule(), state.schedule());
    boolean afterReplaced = replacedAt == null || at.isAfter(replacedAt);
    if (order < 0 || order == 0 && canonical(declared).compareTo(canonical(inForce(state))) <= 0) {
      if (!afterReplaced) {
        return state;
      }
      return same
          ? state.withScheduleChange(withDeclaration(declarations, at), replacedAt)
          : state.withScheduleChange(after(declarations, at), at);
    }
    MonitorState declaredNow =
        state.withDeclaration(declared, at, isRetired(state.retiredAt(), at));
    if (same) {
      return afterReplaced
          ? declaredNow.withScheduleChange(withDeclaration(declarations, at), replacedAt)
          : declaredNow;
    }
    // The schedule in force until now was declared last at the previous declaration's instant.
    Instant previous = state.declaredAt();
    return declaredNow.withScheduleChange(order > 0 ? List.of(at) : List.of(), previous);
  }

  /** {@code declarations} with {@code at} among them, ascending, the earliest ones kept. */
  private static List<Instant> withDeclaration(List<Instant> declarations, Instant at) {
    if (declarations.contains(at)) {
      return declarations;
    }
    List<Instant> merged = new ArrayList<>(declarations);
    merged.add(at);
    merged.sort(Comparator.naturalOrder());
    return merged.size() > SCHEDULE_DECLARATIONS_KEPT
        ? List.copyOf(merged.subList(0, SCHEDULE_DECLARATIONS_KEPT))
        : List.copyOf(merged);
  }

  /** The declarations strictly after {@code at}. */
  private static List<Instant> after(List<Instant> declarations, Instant at) {
    List<Instant> later = new ArrayList<>(declarations.size());
    for (Instant declaration : declarations) {
      if (declaration.isAfter(at)) {
        later.add(declaration);
      }
    }
    return later.size() == declarations.size() ? declarations : List.copyOf(later);
  }

  /**
   * Whether two schedules fire alike: a cron expression by the fields it stands for ({@code @daily}
   * is {@code 0 0 * * *}, spacing aside) in the same zone ({@code UTC} is {@code Etc/UTC}); {@code
   * every} by its length ({@code P1D} is {@code PT24H}).
   */
  private static boolean sameSchedule(Schedule left, Schedule right) {
    return firesAs(left).equals(firesAs(right));
  }

  private static String firesAs(Schedule schedule) {
    if (schedule instanceof Schedule.Cron cron) {
      try {
        return "cron "
            + MonitorSchedules.fiveFields(cron.expression()).strip().replaceAll("\\s+", " ")
            + " "
            + cron.zone().normalized().getId();
      } catch (IllegalArgumentException e) {
        return canonical(schedule); // validated when decoded; compared as declared otherwise
      }
    }
    return canonical(schedule);
  }

  private static MonitorState pauseOrResume(MonitorState state, boolean pause, Instant at) {
    int order = NULL_FIRST.compare(at, state.pausedChangedAt());
    if (order < 0) {
      return state;
    }
    boolean paused = order > 0 ? pause : state.paused() && pause;
    return state.withPause(paused, at);
  }

  private static MonitorState retire(MonitorState state, Instant at) {
    Instant retiredAt = max(NULL_FIRST, state.retiredAt(), at);
    return state.withRetirement(isRetired(retiredAt, state.declaredAt()), retiredAt);
  }

  private static boolean isRetired(Instant retiredAt, Instant declaredAt) {
    return retiredAt != null && (declaredAt == null || !declaredAt.isAfter(retiredAt));
  }

  private static MonitorState stateOf(MonitorState stateOrNull, String monitor) {
    if (stateOrNull == null) {
      return MonitorState.unknown(monitor);
    }
    if (!stateOrNull.monitor().equals(monitor)) {
      throw new IllegalArgumentException(
          "Cannot fold monitor " + monitor + " into the state of " + stateOrNull.monitor());
    }
    return stateOrNull;
  }

  private static Declared inForce(MonitorState state) {
    return new Declared(
        state.team(), state.schedule(), state.grace(), state.maxRuntime(), state.rules());
  }

  /** A fixed textual form of a declaration, only used to break ties between equal event times. */
  private static String canonical(Declared declared) {
    return String.join(
        "|",
        Objects.toString(declared.team(), ""),
        canonical(declared.schedule()),
        Objects.toString(declared.grace(), ""),
        Objects.toString(declared.maxRuntime(), ""),
        declared.rules().canonical());
  }

  private static String canonical(Schedule schedule) {
    if (schedule instanceof Schedule.Every every) {
      return "every " + every.every();
    }
    if (schedule instanceof Schedule.Cron cron) {
      return "cron " + cron.expression() + " " + cron.zone().getId();
    }
    return "";
  }

  private static <T> T max(Comparator<T> order, T left, T right) {
    return order.compare(left, right) >= 0 ? left : right;
  }
}
