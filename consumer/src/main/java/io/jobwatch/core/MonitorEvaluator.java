package io.jobwatch.core;

import java.time.Duration;
import java.time.Instant;

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
 *   <li>{@code expectedAt} is the first scheduled time strictly after the base: the last success,
 *       or the declaration time if it never succeeded; a resume later than that base restarts the
 *       clock from the resume, so a resumed monitor is not down the moment it is resumed. {@code
 *       deadline} is {@code expectedAt} plus grace (a missing grace is zero).
 *   <li>{@code OVERRUN}: a run started after the last finish and has run longer than max runtime
 *       (only when max runtime is declared).
 *   <li>{@code DOWN}: the last finished run failed, or {@code now} is after the deadline; a monitor
 *       that never ran is down too once its first deadline passes.
 *   <li>{@code LATE}: {@code now} is after {@code expectedAt}.
 *   <li>{@code NEW}: it never ran (no start, no finish).
 *   <li>Otherwise {@code UP}.
 * </ol>
 *
 * <p>"After" is strict: at exactly the deadline a monitor is still late, not down. An expected time
 * or deadline later than {@link MonitorLimits#LATEST} (year 9999) is "never" (null).
 */
public final class MonitorEvaluator {
  private MonitorEvaluator() {}

  /** The evaluation of {@code state} at {@code now}; null if the monitor was never declared. */
  public static MonitorEvaluation evaluate(MonitorState state, Instant now) {
    if (!state.isDeclared()) {
      return null;
    }
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
        status(state, now, expectedAt, deadline), expectedAt, deadline, state.lastSeenAt());
  }

  private static MonitorStatus status(
      MonitorState state, Instant now, Instant expectedAt, Instant deadline) {
    if (overran(state, now)) {
      return MonitorStatus.OVERRUN;
    }
    if (state.lastRunFailed() || deadline != null && now.isAfter(deadline)) {
      return MonitorStatus.DOWN;
    }
    if (expectedAt != null && now.isAfter(expectedAt)) {
      return MonitorStatus.LATE;
    }
    if (state.lastStartAt() == null && state.lastFinishAt() == null) {
      return MonitorStatus.NEW;
    }
    return MonitorStatus.UP;
  }

  private static boolean overran(MonitorState state, Instant now) {
    return state.maxRuntime() != null
        && state.isRunning()
        && Duration.between(state.lastStartAt(), now).compareTo(state.maxRuntime()) > 0;
  }

  private static Instant base(MonitorState state) {
    Instant base = state.lastSuccessAt() != null ? state.lastSuccessAt() : state.declaredAt();
    Instant resumedAt = state.pausedChangedAt();
    if (resumedAt != null && resumedAt.isAfter(base)) {
      return resumedAt;
    }
    return base;
  }
}
